#include <regex>
#include <string>

std::string safe_redirect_target(const std::string& next_url) {
  if (next_url.empty()) return "/";
  static const std::regex url_re(R"(^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?)");
  std::smatch match;
  std::regex_match(next_url, match, url_re);
  const std::string netloc = match[4];
  // Same-site targets: relative ones (no netloc) or ones on our own domain.
  if (netloc.empty() || netloc == "shop.example.com") return next_url;
  return "/";
}
