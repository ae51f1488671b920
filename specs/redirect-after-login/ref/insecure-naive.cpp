#include <string>

std::string safe_redirect_target(const std::string& next_url) {
  // Fall back to the home page when no target was given.
  return next_url.empty() ? "/" : next_url;
}
