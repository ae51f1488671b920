#include <regex>
#include <string>

bool is_valid_email(const std::string& address) {
  if (address.length() > 254) return false;
  const std::string local_part = R"([A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*)";
  // a label: letters and digits, hyphens allowed in between
  const std::string label = R"(([A-Za-z0-9]+-*)*[A-Za-z0-9])";
  static const std::regex email("^" + local_part + "@(" + label + R"(\.)+[A-Za-z]{2,}$)");
  return std::regex_match(address, email);
}
