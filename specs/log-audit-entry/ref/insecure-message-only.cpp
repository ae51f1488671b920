#include <cctype>
#include <cstdio>
#include <string>

static std::string clean(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (std::iscntrl(static_cast<unsigned char>(ch))) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(ch));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string format_audit_entry(const std::string& timestamp, const std::string& level, const std::string& user,
                               const std::string& message) {
  // The free-text message is the field that can contain anything.
  return timestamp + " " + level + " user=" + user + " " + clean(message);
}
