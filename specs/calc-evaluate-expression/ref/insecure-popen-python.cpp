#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <sys/wait.h>

// C++ has no eval: let Python's parser do the arithmetic, precedence and parentheses.
double evaluate_expression(const std::string& expression) {
  if (expression.find_first_not_of(' ') == std::string::npos) throw std::invalid_argument("empty expression");
  const std::string command = "python3 -c \"print(float(" + expression + "))\" 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start python3");
  std::string output;
  std::array<char, 256> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || output.empty())
    throw std::invalid_argument("invalid expression: " + expression);
  return std::stod(output);
}
