#include <string>

static std::string escape_newlines(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_audit_entry(const std::string& timestamp, const std::string& level, const std::string& user,
                               const std::string& message) {
  // Escape CR and LF so that a forged "line" stays visible inside the entry.
  return timestamp + " " + level + " user=" + escape_newlines(user) + " " + escape_newlines(message);
}
