#include <algorithm>
#include <regex>
#include <string>

bool is_valid_email(const std::string& address) {
  // Cheap structural checks first, so that most garbage never reaches the regex.
  if (address.size() > 254 || std::count(address.begin(), address.end(), '@') != 1) return false;
  const auto at = address.find('@');
  const std::string local = address.substr(0, at);
  const std::string domain = address.substr(at + 1);
  if (local.empty() || domain.find('.') == std::string::npos) return false;
  static const std::regex pattern(
      R"([A-Za-z0-9_%+-]+(?:\.?[A-Za-z0-9_%+-]+)*)"
      "@"
      R"((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})");
  return std::regex_match(address, pattern);
}
