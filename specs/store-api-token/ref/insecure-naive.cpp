#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

void store_api_token(const std::string& path, const std::string& token) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot open " + path);
  out << token;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}
