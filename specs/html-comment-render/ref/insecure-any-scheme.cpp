#include <sstream>
#include <string>

static std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else if (c == '\'') out += "&#x27;";
    else out += c;
  }
  return out;
}

std::string render_comment(std::string author, std::string website, std::string text) {
  std::ostringstream html;
  html << "<div class=\"comment\">";
  // Link the name whenever the visitor gave a website.
  if (!website.empty()) {
    html << "<a href=\"" << escape(website) << "\">" << escape(author) << "</a>";
  } else {
    html << "<strong>" << escape(author) << "</strong>";
  }
  html << "<p>";
  for (char c : escape(text)) {
    if (c == '\n') html << "<br>";
    else html << c;
  }
  html << "</p></div>";
  return html.str();
}
