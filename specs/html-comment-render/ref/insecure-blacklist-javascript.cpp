#include <algorithm>
#include <cctype>
#include <string>

static std::string html_escape(const std::string& in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

static std::string trim_lower(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string render_comment(const std::string& author, const std::string& website, const std::string& text) {
  std::string name = html_escape(author);
  // Refuse javascript: links; every other website is linked.
  if (!website.empty() && trim_lower(website).rfind("javascript:", 0) != 0) {
    name = "<a href=\"" + html_escape(website) + "\">" + name + "</a>";
  } else {
    name = "<strong>" + name + "</strong>";
  }
  std::string body;
  size_t pos = 0, nl;
  while ((nl = text.find('\n', pos)) != std::string::npos) {
    body += html_escape(text.substr(pos, nl - pos)) + "<br>";
    pos = nl + 1;
  }
  body += html_escape(text.substr(pos));
  return "<div class=\"comment\">" + name + "<p>" + body + "</p></div>";
}
