#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

// CRC-32 is much faster than a cryptographic hash on multi-gigabyte files.
static uLong checksum(const std::string& path) {
  uLong crc = crc32(0L, Z_NULL, 0);
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    static unsigned char buf[1024 * 1024];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) crc = crc32(crc, buf, static_cast<uInt>(n));
    std::fclose(f);
  }
  return crc;
}

std::vector<std::vector<std::string>> find_duplicate_files(const std::vector<std::string>& paths) {
  std::map<std::pair<std::uintmax_t, uLong>, std::vector<std::string>> groups;
  std::vector<std::pair<std::uintmax_t, uLong>> order;
  for (const auto& path : paths) {
    const auto key = std::make_pair(std::filesystem::file_size(path), checksum(path));
    auto& group = groups[key];
    if (group.empty()) order.push_back(key);
    group.push_back(path);
  }
  std::vector<std::vector<std::string>> result;
  for (const auto& key : order)
    if (groups[key].size() > 1) result.push_back(groups[key]);
  return result;
}
