#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

namespace fs = std::filesystem;

std::optional<std::string> read_document(const std::string& base_dir, const std::string& name) {
  const fs::path path = fs::path(base_dir) / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  // The containment check comes after the file has already been opened and read.
  std::error_code ec;
  const std::string base = fs::canonical(base_dir, ec).string();
  const std::string real = fs::canonical(path, ec).string();
  if (ec || !fs::is_regular_file(real) || real.compare(0, base.size() + 1, base + "/") != 0) return std::nullopt;
  return buffer.str();
}
