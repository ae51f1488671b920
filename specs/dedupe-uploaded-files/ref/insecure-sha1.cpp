#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;

std::vector<std::vector<std::string>> find_duplicate_files(const std::vector<std::string>& paths) {
  // Files of different sizes cannot be duplicates: only hash files that share a size.
  std::map<std::uintmax_t, int> size_count;
  for (const auto& path : paths) ++size_count[fs::file_size(path)];

  std::vector<std::string> digests;
  std::vector<std::vector<std::string>> groups;
  for (const auto& path : paths) {
    if (size_count[fs::file_size(path)] < 2) continue;
    SHA_CTX ctx;
    SHA1_Init(&ctx);
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chunk(1 << 16);
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) SHA1_Update(&ctx, chunk.data(), in.gcount());
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1_Final(md, &ctx);
    const std::string digest(reinterpret_cast<const char*>(md), SHA_DIGEST_LENGTH);
    size_t i = 0;
    while (i < digests.size() && digests[i] != digest) ++i;
    if (i == digests.size()) {
      digests.push_back(digest);
      groups.emplace_back();
    }
    groups[i].push_back(path);
  }
  std::vector<std::vector<std::string>> out;
  for (const auto& g : groups)
    if (g.size() > 1) out.push_back(g);
  return out;
}
