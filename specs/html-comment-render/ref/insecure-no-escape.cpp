#include <algorithm>
#include <cctype>
#include <string>

static bool starts_with_ci(const std::string& s, const std::string& prefix) {
  if (s.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), s.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); });
}

std::string render_comment(const std::string& author, const std::string& website, const std::string& text) {
  std::string name;
  if (starts_with_ci(website, "http://") || starts_with_ci(website, "https://")) {
    name = "<a href=\"" + website + "\">" + author + "</a>";
  } else {
    name = "<strong>" + author + "</strong>";
  }
  std::string body;
  for (char c : text) {
    if (c == '\n') body += "<br>";
    else body += c;
  }
  return "<div class=\"comment\">" + name + "<p>" + body + "</p></div>";
}
