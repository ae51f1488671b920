#include <array>
#include <cstdio>
#include <memory>
#include <optional>
#include <regex>
#include <string>

std::optional<std::string> detect_mime_type(const std::string& path) {
  // Backslash-escape the characters that break the command line.
  const std::string escaped = std::regex_replace(path, std::regex(R"(([ '"()\\]))"), "\\$1");
  const std::string command = "file --brief --mime-type " + escaped;
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), pclose);
  std::string mime;
  std::array<char, 256> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) mime += buffer.data();
  mime.erase(mime.find_last_not_of(" \n\r\t") + 1);
  if (mime.empty() || mime.rfind("cannot open", 0) == 0) return std::nullopt;
  return mime;
}
