#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

std::optional<std::string> detect_mime_type(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  // Quote the path so that names with spaces or apostrophes work.
  const std::string command = "file --brief --mime-type \"" + path + "\"";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string output;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe)) output += buffer;
  pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return output;
}
