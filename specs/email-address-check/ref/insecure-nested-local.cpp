#include <regex>
#include <string>

// local part: runs of allowed characters, each optionally followed by a dot, ending with a character
static const std::regex kEmail(
    R"((?:[A-Za-z0-9_%+-]+\.?)*[A-Za-z0-9_%+-])"
    R"(@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})");

bool is_valid_email(const std::string& address) {
  if (address.size() > 254) return false;
  return std::regex_match(address, kEmail);
}
