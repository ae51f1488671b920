#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>

namespace fs = std::filesystem;

std::optional<std::string> read_document(const std::string& base_dir, const std::string& name) {
  std::error_code ec;
  const std::string base = fs::canonical(base_dir, ec).string();
  const fs::path path = fs::canonical(fs::path(base_dir) / name, ec);
  if (ec) return std::nullopt;
  // Forgets the separator: /work/docs-private also "starts with" /work/docs.
  if (path.string().rfind(base, 0) != 0) return std::nullopt;
  if (!fs::is_regular_file(path)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
