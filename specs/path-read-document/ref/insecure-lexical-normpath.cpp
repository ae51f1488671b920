#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace fs = std::filesystem;

std::optional<std::string> read_document(const std::string& base_dir, const std::string& name) {
  const fs::path base = fs::absolute(base_dir).lexically_normal();
  // Purely lexical normalisation: ".." is collapsed but symlinks are not resolved.
  const fs::path path = (base / name).lexically_normal();
  const std::string prefix = base.string() + "/";
  if (path.string().compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  if (!fs::is_regular_file(path)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
