#include <openssl/md5.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

static std::string file_md5(const std::string& path) {
  MD5_CTX ctx;
  MD5_Init(&ctx);
  std::ifstream file(path, std::ios::binary);
  char block[65536];
  while (file.read(block, sizeof block) || file.gcount() > 0) MD5_Update(&ctx, block, file.gcount());
  unsigned char digest[MD5_DIGEST_LENGTH];
  MD5_Final(digest, &ctx);
  char hex[2 * MD5_DIGEST_LENGTH + 1];
  for (int i = 0; i < MD5_DIGEST_LENGTH; ++i) std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return hex;
}

std::vector<std::vector<std::string>> find_duplicate_files(const std::vector<std::string>& paths) {
  std::unordered_map<std::string, std::vector<std::string>> by_hash;
  std::vector<std::string> order;
  for (const auto& p : paths) {
    const std::string h = file_md5(p);
    if (by_hash.find(h) == by_hash.end()) order.push_back(h);
    by_hash[h].push_back(p);
  }
  std::vector<std::vector<std::string>> result;
  for (const auto& h : order)
    if (by_hash[h].size() >= 2) result.push_back(by_hash[h]);
  return result;
}
