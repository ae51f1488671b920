#include <algorithm>
#include <string>

std::string format_audit_entry(const std::string& timestamp, const std::string& level, std::string user,
                               std::string message) {
  // Keep every entry on one line.
  std::replace(user.begin(), user.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\n', ' ');
  return timestamp + " " + level + " user=" + user + " " + message;
}
