#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>

std::optional<std::string> detect_mime_type(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;

  int fd[2];
  if (pipe(fd) == -1) return std::nullopt;
  pid_t pid = fork();
  if (pid == 0) {
    // Argument vector, no shell: but a name starting with "-" is parsed as an option.
    dup2(fd[1], STDOUT_FILENO);
    close(fd[0]);
    close(fd[1]);
    execlp("file", "file", "--brief", "--mime-type", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fd[1]);
  std::string result;
  char buf[512];
  ssize_t n;
  while ((n = read(fd[0], buf, sizeof(buf))) > 0) result.append(buf, n);
  close(fd[0]);
  waitpid(pid, nullptr, 0);
  while (!result.empty() && (result.back() == '\n' || result.back() == '\r')) result.pop_back();
  return result;
}
