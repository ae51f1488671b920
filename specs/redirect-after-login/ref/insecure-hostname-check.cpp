#include <algorithm>
#include <cctype>
#include <regex>
#include <string>

static const std::string ALLOWED_HOST = "shop.example.com";

static std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string safe_redirect_target(const std::string& next_url) {
  // URI reference split of RFC 3986, appendix B.
  static const std::regex uri(R"(^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?)");
  std::smatch m;
  std::regex_search(next_url, m, uri);
  std::string host = m[4].str();
  const auto at = host.rfind('@');
  if (at != std::string::npos) host = host.substr(at + 1);
  host = host.substr(0, host.find(':'));
  if (host.empty()) {
    // No host: a relative URL, which stays on the current site.
    return next_url.rfind("/", 0) == 0 && next_url.rfind("//", 0) != 0 ? next_url : "/";
  }
  if (lowercase(m[2].str()) == "https" && lowercase(host) == ALLOWED_HOST) return next_url;
  return "/";
}
