#include <cctype>
#include <cstddef>
#include <string>

namespace {

bool is_word_char(unsigned char c) {
  return std::isalnum(c) && c < 0x80 ? true : c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_label_char(unsigned char c) { return c < 0x80 && (std::isalnum(c) || c == '-'); }

// A non-empty list of non-empty items separated by single dots; each item satisfies ok_item.
template <typename Pred>
bool dot_separated(const std::string& s, Pred ok_item) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string item = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (item.empty() || !ok_item(item)) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

bool is_word(const std::string& w) {
  for (unsigned char c : w)
    if (!is_word_char(c)) return false;
  return true;
}

bool is_label(const std::string& l) {
  if (l.front() == '-' || l.back() == '-') return false;
  for (unsigned char c : l)
    if (!is_label_char(c)) return false;
  return true;
}

}  // namespace

// A single left-to-right scan per part: the work is linear in the length of the address.
bool is_valid_email(const std::string& address) {
  if (address.size() > 254) return false;
  const std::size_t at = address.find('@');
  if (at == std::string::npos) return false;
  const std::string local = address.substr(0, at);
  const std::string domain = address.substr(at + 1);
  if (!dot_separated(local, is_word)) return false;
  const std::size_t last_dot = domain.rfind('.');
  if (last_dot == std::string::npos) return false;
  const std::string tld = domain.substr(last_dot + 1);
  if (tld.size() < 2) return false;
  for (unsigned char c : tld)
    if (c >= 0x80 || !std::isalpha(c)) return false;
  return dot_separated(domain, is_label);
}
