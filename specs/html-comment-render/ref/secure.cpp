#include <cctype>
#include <string>

// Escapes the characters that are special in HTML text and in quoted attribute values.
static std::string escape_html(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Allow-list the scheme: only http(s) links, never javascript:, data:, ...
static bool is_web_address(const std::string& url) {
  const auto colon = url.find(':');
  if (colon == std::string::npos) return false;
  std::string scheme = url.substr(0, colon);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "http" || scheme == "https";
}

std::string render_comment(const std::string& author, const std::string& website, const std::string& text) {
  const std::string name = escape_html(author);
  std::string html = "<div class=\"comment\">";
  if (is_web_address(website)) {
    html += "<a href=\"" + escape_html(website) + "\">" + name + "</a>";
  } else {
    html += "<strong>" + name + "</strong>";
  }
  html += "<p>";
  std::string::size_type start = 0;
  while (true) {
    const auto nl = text.find('\n', start);
    html += escape_html(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    html += "<br>";
    start = nl + 1;
  }
  html += "</p></div>";
  return html;
}
