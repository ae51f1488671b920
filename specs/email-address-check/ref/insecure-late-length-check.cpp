#include <regex>
#include <string>

bool is_valid_email(const std::string& address) {
  static const std::regex email_regex(
      R"([A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)"
      R"(@(?:[A-Za-z0-9]+(?:[A-Za-z0-9-]*[A-Za-z0-9]+)?\.)+[A-Za-z]{2,})");
  if (!std::regex_match(address, email_regex)) return false;
  // RFC 5321: at most 254 characters.
  return address.size() <= 254;
}
