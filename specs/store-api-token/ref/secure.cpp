#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

// Store `token` in the file at `path`, readable and writable by its owner only.
void store_api_token(const std::string& path, const std::string& token) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  // O_NOFOLLOW: never write through a link planted at path (ELOOP instead).
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  auto fail = [fd](const char* what) { const int e = errno; ::close(fd); throw std::system_error(e, std::generic_category(), what); };
  // The mode given to open() only applies to a new file: fix an existing one.
  if (::fchmod(fd, 0600) != 0) fail("fchmod");
  if (::ftruncate(fd, 0) != 0) fail("ftruncate");
  const char* p = token.data();
  std::size_t left = token.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) fail("write");
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw std::system_error(errno, std::generic_category(), "close");
}
