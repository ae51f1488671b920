#include <cstdio>
#include <string>

namespace {

void append_escape(std::string& out, unsigned code) {
  char buf[8];
  std::snprintf(buf, sizeof buf, code <= 0xFF ? "\\x%02x" : "\\u%04x", code);
  out += buf;
}

// Printable characters stay as they are; control characters (C0, DEL, C1 such as NEL)
// and the Unicode line and paragraph separators are written as visible escapes instead,
// so an untrusted field can neither start a new line nor drive the terminal.
std::string neutralize(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const auto next = i + 1 < value.size() ? static_cast<unsigned char>(value[i + 1]) : 0u;
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      append_escape(out, c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // U+0080..U+009F in UTF-8
      append_escape(out, next);
      ++i;
    } else if (c == 0xE2 && next == 0x80 && i + 2 < value.size() &&
               (value[i + 2] == '\xA8' || value[i + 2] == '\xA9')) {  // U+2028, U+2029
      append_escape(out, 0x2000u + static_cast<unsigned char>(value[i + 2]) - 0x80u);
      i += 2;
    } else {
      out += value[i];
    }
  }
  return out;
}

}  // namespace

// Return one audit-log line; untrusted fields cannot start a new line or drive the terminal.
std::string format_audit_entry(const std::string& timestamp, const std::string& level, const std::string& user,
                               const std::string& message) {
  return timestamp + " " + level + " user=" + neutralize(user) + " " + neutralize(message);
}
