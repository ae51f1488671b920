#include <algorithm>
#include <regex>
#include <string>

// Return next_url if it designates a page of the shop, else "/".
std::string safe_redirect_target(const std::string& next_url) {
  // Browsers drop tabs and line breaks from URLs and read "\" as "/": a value with
  // any of them (or other control characters) may point elsewhere than it seems.
  const bool suspicious = std::any_of(next_url.begin(), next_url.end(), [](unsigned char c) {
    return c == '\\' || c < 0x20 || c == 0x7F;
  });
  if (next_url.empty() || suspicious) return "/";
  if (next_url[0] == '/') {
    // "//host/..." is a scheme-relative URL to another site, not a path.
    return next_url.compare(0, 2, "//") == 0 ? "/" : next_url;
  }
  // The exact authority: no user info, no port, no look-alike host; then a path, query or fragment.
  static const std::regex shop_url(R"(https://shop\.example\.com([/?#].*)?)", std::regex::icase);
  return std::regex_match(next_url, shop_url) ? next_url : "/";
}
