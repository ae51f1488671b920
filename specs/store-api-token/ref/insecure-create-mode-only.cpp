#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

void store_api_token(const std::string& path, const std::string& token) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  // 0600 only applies when the file is created; an existing file keeps its mode.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  const char* p = token.data();
  std::size_t left = token.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) { const int e = errno; ::close(fd); throw std::system_error(e, std::generic_category(), "write"); }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
}
