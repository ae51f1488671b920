#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>

namespace fs = std::filesystem;

// Return the text of document `name` stored under `base_dir`, or nothing.
std::optional<std::string> read_document(const std::string& base_dir, const std::string& name) {
  std::error_code ec;
  const fs::path base = fs::canonical(base_dir, ec);
  if (ec) return std::nullopt;
  // Resolve symlinks and ".." first, then insist the result stays inside base.
  const fs::path target = fs::canonical(base / name, ec);
  if (ec) return std::nullopt;
  const fs::path rel = target.lexically_relative(base);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
  if (!fs::is_regular_file(target, ec)) return std::nullopt;
  std::ifstream in(target, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
