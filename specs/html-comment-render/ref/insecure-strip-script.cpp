#include <regex>
#include <string>

// Remove script elements so that visitors cannot inject JavaScript.
static std::string clean(const std::string& value) {
  static const std::regex script(R"(<script\b[^>]*>[\s\S]*?</script\s*>)", std::regex::icase);
  return std::regex_replace(value, script, "");
}

std::string render_comment(const std::string& author, const std::string& website, const std::string& text) {
  static const std::regex web(R"(^https?://)", std::regex::icase);
  std::string name;
  if (std::regex_search(website, web)) {
    name = "<a href=\"" + clean(website) + "\">" + clean(author) + "</a>";
  } else {
    name = "<strong>" + clean(author) + "</strong>";
  }
  std::string body = std::regex_replace(clean(text), std::regex("\n"), "<br>");
  return "<div class=\"comment\">" + name + "<p>" + body + "</p></div>";
}
