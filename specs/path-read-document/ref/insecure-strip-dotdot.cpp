#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace fs = std::filesystem;

std::optional<std::string> read_document(const std::string& base_dir, const std::string& name) {
  // Remove parent-directory references so the user cannot leave base_dir.
  std::string safe_name = name;
  std::string::size_type pos = 0;
  while ((pos = safe_name.find("../", pos)) != std::string::npos) safe_name.erase(pos, 3);
  const fs::path path = fs::path(base_dir) / safe_name;
  if (!fs::is_regular_file(path)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
