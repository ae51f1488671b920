#include <openssl/evp.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

// SHA-256 is collision-resistant: files an attacker crafts cannot share a fingerprint.
std::string sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  return std::string(reinterpret_cast<char*>(digest), length);
}

}  // namespace

std::vector<std::vector<std::string>> find_duplicate_files(const std::vector<std::string>& paths) {
  // Groups in the order of their first path; the key maps to the group's index.
  std::map<std::pair<std::uintmax_t, std::string>, size_t> index;
  std::vector<std::vector<std::string>> groups;
  for (const auto& path : paths) {
    auto key = std::make_pair(std::filesystem::file_size(path), sha256_of_file(path));
    auto [it, inserted] = index.emplace(std::move(key), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(path);
  }
  std::vector<std::vector<std::string>> duplicates;
  for (auto& group : groups)
    if (group.size() > 1) duplicates.push_back(std::move(group));
  return duplicates;
}
