#include <sstream>
#include <string>

std::string format_audit_entry(const std::string& timestamp, const std::string& level, const std::string& user,
                               const std::string& message) {
  std::ostringstream entry;
  entry << timestamp << ' ' << level << " user=" << user << ' ' << message;
  return entry.str();
}
