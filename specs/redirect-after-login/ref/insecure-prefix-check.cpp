#include <algorithm>
#include <cctype>
#include <string>

std::string safe_redirect_target(const std::string& next_url) {
  // A local path, but not "//other-site" ...
  if (next_url.rfind("/", 0) == 0 && next_url.rfind("//", 0) != 0) return next_url;
  // ... or an address on the shop itself.
  std::string lower = next_url;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.rfind("https://shop.example.com", 0) == 0) return next_url;
  return "/";
}
