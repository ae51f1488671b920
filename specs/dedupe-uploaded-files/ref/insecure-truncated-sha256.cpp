#include <openssl/evp.h>

#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>
#include <string>
#include <vector>

static std::string short_fingerprint(const std::string& path) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> block(256 * 1024);
  while (in.read(block.data(), block.size()) || in.gcount() > 0) EVP_DigestUpdate(ctx, block.data(), in.gcount());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  std::ostringstream hex;
  for (unsigned int i = 0; i < len; ++i) hex << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(md[i]);
  // 8 hex digits are plenty to tell files apart and keep the index small.
  return hex.str().substr(0, 8);
}

std::vector<std::vector<std::string>> find_duplicate_files(const std::vector<std::string>& paths) {
  std::map<std::string, size_t> index;
  std::vector<std::vector<std::string>> groups;
  for (const auto& path : paths) {
    const auto [it, inserted] = index.emplace(short_fingerprint(path), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(path);
  }
  std::vector<std::vector<std::string>> same;
  for (const auto& g : groups)
    if (g.size() > 1) same.push_back(g);
  return same;
}
