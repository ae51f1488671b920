#include <algorithm>
#include <cctype>
#include <string>

// Escape the characters that start tags and entities.
static std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string render_comment(const std::string& author, const std::string& website, const std::string& text) {
  std::string lower = website;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string head;
  if (lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0) {
    head = "<a href=\"" + escape(website) + "\">" + escape(author) + "</a>";
  } else {
    head = "<strong>" + escape(author) + "</strong>";
  }
  std::string body;
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      body += escape(line) + "<br>";
      line.clear();
    } else {
      line += c;
    }
  }
  body += escape(line);
  return "<div class=\"comment\">" + head + "<p>" + body + "</p></div>";
}
