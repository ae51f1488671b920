#include <cstddef>
#include <stdexcept>
#include <string>

namespace {

// A recursive descent parser over the grammar: the input is data, never code.
class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  double parse() {
    double value = sum();
    skip_spaces();
    if (pos_ != s_.size()) throw std::invalid_argument("unexpected character at position " + std::to_string(pos_));
    return value;
  }

 private:
  const std::string& s_;
  std::size_t pos_ = 0;

  void skip_spaces() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }

  // The next non-space character, or '\0' at the end.
  char peek() {
    skip_spaces();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  double sum() {
    double value = product();
    for (char op = peek(); op == '+' || op == '-'; op = peek()) {
      ++pos_;
      const double rhs = product();
      value = op == '+' ? value + rhs : value - rhs;
    }
    return value;
  }

  double product() {
    double value = factor();
    for (char op = peek(); op == '*' || op == '/'; op = peek()) {
      ++pos_;
      const double rhs = factor();
      if (op == '/' && rhs == 0.0) throw std::domain_error("division by zero");
      value = op == '*' ? value * rhs : value / rhs;
    }
    return value;
  }

  double factor() {
    const char c = peek();
    if (c == '-') {
      ++pos_;
      return -factor();
    }
    if (c == '(') {
      ++pos_;
      const double value = sum();
      if (peek() != ')') throw std::invalid_argument("missing closing parenthesis");
      ++pos_;
      return value;
    }
    if (is_digit(c)) return number();
    if (c == '\0') throw std::invalid_argument("unexpected end of expression");
    throw std::invalid_argument("unexpected character at position " + std::to_string(pos_));
  }

  double number() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && is_digit(s_[pos_ + 1])) {
      ++pos_;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    return std::stod(s_.substr(start, pos_ - start));
  }
};

}  // namespace

double evaluate_expression(const std::string& expression) {
  return Parser(expression).parse();
}
