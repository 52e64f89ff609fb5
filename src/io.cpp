#include "archive_lint/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <signal.h>

#include <cerrno>
#include <optional>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

namespace al {

namespace {

namespace fs = std::filesystem;

// "a directory", "a FIFO", ... for messages about a path that is not a regular file.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

// Reads fd to its end. Sized from fstat, grown if the file turns out longer
// (it may change, or st_size may be 0 for special files).
std::optional<std::string> read_all(int fd, const struct stat& st, std::string& error) {
  std::string data;
  std::size_t size = 0;
  data.resize(st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : std::size_t{1} << 16);
  for (;;) {
    if (size == data.size()) data.resize(data.size() * 2);
    const ssize_t got = ::read(fd, data.data() + size, data.size() - size);
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      return std::nullopt;
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  data.resize(size);
  return data;
}

// 0, or the errno of the write that failed.
int write_all(int fd, std::string_view content) {
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

constexpr std::string_view kTempInfix = ".tmp-";

// `.NAME.tmp-PID-RANDOM`: the pid lets a later run tell a dead writer's file
// from a live one's (remove_stale_temporaries).
std::string temporary_name(const fs::path& path) {
  std::random_device rd;
  // Built with appends: GCC 12 at -O3 reports a false -Wrestrict for the
  // equivalent chain of operator+ (which breaks the Release+Werror build).
  std::string name = ".";
  name += path.filename().string();
  name += kTempInfix;
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(rd());
  return name;
}

// The pid in `.NAME.tmp-PID-RANDOM`, or 0 when entry is not a temporary of NAME.
pid_t temporary_pid(std::string_view entry, std::string_view name) {
  if (entry.size() <= name.size() + 1 + kTempInfix.size() || entry[0] != '.' || entry.substr(1, name.size()) != name ||
      entry.substr(1 + name.size(), kTempInfix.size()) != kTempInfix)
    return 0;
  const std::string_view rest = entry.substr(1 + name.size() + kTempInfix.size());
  const auto dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9 || dash + 1 == rest.size() ||
      rest.find_first_not_of("0123456789", 0) != dash || rest.find_first_not_of("0123456789", dash + 1) != std::string_view::npos)
    return 0;
  pid_t pid = 0;
  for (const char c : rest.substr(0, dash)) pid = pid * 10 + (c - '0');
  return pid;
}

// Temporary file, then rename: readers see the old file or the new one, never
// part of one. keep_mode: an existing file's permissions, kept whatever the
// umask; a new file gets 0644 less the umask.
void replace_atomically(const fs::path& path, std::string_view content, Durability durability,
                        std::optional<mode_t> keep_mode) {
  remove_stale_temporaries(path);
  const auto dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const auto tmp = dir / temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot create temporary file: " + std::strerror(errno));
  if (keep_mode) (void)::fchmod(fd, *keep_mode);  // best effort, like an editor keeping a file's mode
  if (const int err = write_all(fd, content)) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw std::runtime_error(path.string() + ": write failed: " + std::strerror(err));
  }
  if ((durability == Durability::durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw std::runtime_error(path.string() + ": write failed: " + why);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw std::runtime_error(path.string() + ": cannot replace file: " + why);
  }
}

// A FIFO or character device: opened and written like `> path` in a shell,
// never created, truncated or replaced.
void write_through(const fs::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot open for writing: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
    ::close(fd);
    throw std::runtime_error(path.string() + ": changed while it was being opened; not written");
  }
  const int err = write_all(fd, content);
  ::close(fd);
  if (err) throw std::runtime_error(path.string() + ": write failed: " + std::strerror(err));
}

// The descriptor a path names without a file of its own: `-`, /dev/stdout,
// /dev/stderr, /dev/fd/N, /proc/self/fd/N. Written to directly, as a shell
// does, so that `--output /dev/stdout` works whatever stdout is.
std::optional<int> named_descriptor(std::string_view path) {
  if (path == "-" || path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (const std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/")}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = path.substr(prefix.size());
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    int fd = 0;
    for (const char c : digits) fd = fd * 10 + (c - '0');
    return fd;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_file(const std::filesystem::path& path, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    error = "is a directory";
    return std::nullopt;
  }
  auto data = read_all(fd, st, error);
  ::close(fd);
  return data;
}

std::optional<std::string> read_regular_file(const std::filesystem::path& path, std::string& error) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    error = errno == ELOOP ? "it is a symbolic link, not a regular file" : std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "it is " + kind_of(st.st_mode) + ", not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  auto data = read_all(fd, st, error);
  ::close(fd);
  return data;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content, Durability durability) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw std::runtime_error(fmt::format("{}: is {}, not a regular file; left alone (remove it and archive-lint "
                                         "writes a new file)", path.string(), kind_of(st.st_mode)));
  replace_atomically(path, content, durability, std::nullopt);
}

void write_output_file(const std::string& path, std::string_view content) {
  if (const auto fd = named_descriptor(path)) {
    std::fflush(nullptr);  // what was printed before comes first
    if (const int err = write_all(*fd, content))
      throw std::runtime_error(fmt::format("{}: write failed: {}", path, std::strerror(err)));
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) throw std::runtime_error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0)
      throw std::runtime_error(fmt::format("{}: is a symbolic link to a missing file; not written", path));
    replace_atomically(path, content, Durability::durable, std::nullopt);
    return;
  }
  if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) return write_through(path, content);
  if (!S_ISREG(st.st_mode))
    throw std::runtime_error(fmt::format("{}: is {}; archive-lint writes output to a file, a FIFO or a character "
                                         "device (or - for stdout)", path, kind_of(st.st_mode)));
  // A symbolic link to a regular file: its target is replaced, like an editor
  // does, so the link stays a link.
  struct stat link {};
  std::error_code ec;
  const bool is_link = ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
  const fs::path target = is_link ? fs::canonical(path, ec) : fs::path(path);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot resolve the symbolic link: {}", path, ec.message()));
  replace_atomically(target, content, Durability::durable, st.st_mode & 07777);
}

std::size_t remove_stale_temporaries(const std::filesystem::path& target) {
  const std::string name = target.filename().string();
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const auto now = std::chrono::system_clock::now();
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    const pid_t pid = temporary_pid(entry, name);
    if (pid <= 0) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const auto age = now - std::chrono::system_clock::from_time_t(st.st_mtime);
    // A dead pid alone is not enough: the writer may be in another pid
    // namespace (a container sharing the directory), but then it is still
    // writing, which keeps the file's mtime recent.
    const bool dead = ::kill(pid, 0) != 0 && errno == ESRCH;
    if ((dead && age >= kStaleTemporaryGrace) || age >= kStaleTemporaryMaxAge) {
      if (::unlink(it->path().c_str()) == 0) ++removed;
    }
  }
  return removed;
}

namespace {

// Expands the first {a,b} group; patterns are short, so recursion is fine.
bool match_impl(std::string_view p, std::string_view s);

bool match_braces(std::string_view p, std::string_view s, std::size_t open) {
  int depth = 0;
  std::size_t close = std::string_view::npos;
  for (std::size_t i = open; i < p.size(); ++i) {
    if (p[i] == '{') ++depth;
    else if (p[i] == '}' && --depth == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos) return false;
  const std::string prefix(p.substr(0, open));
  const std::string suffix(p.substr(close + 1));
  std::size_t start = open + 1;
  depth = 0;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (i < close && p[i] == '{') ++depth;
    else if (i < close && p[i] == '}') --depth;
    else if ((i == close || (p[i] == ',' && depth == 0))) {
      const std::string alt = prefix + std::string(p.substr(start, i - start)) + suffix;
      if (match_impl(alt, s)) return true;
      start = i + 1;
    }
  }
  return false;
}

bool match_impl(std::string_view p, std::string_view s) {
  if (auto brace = p.find('{'); brace != std::string_view::npos) return match_braces(p, s, brace);
  std::size_t pi = 0, si = 0;
  while (pi < p.size()) {
    if (p.substr(pi, 3) == "**/") {
      // zero or more whole directories
      for (std::size_t k = si;; ) {
        if (match_impl(p.substr(pi + 3), s.substr(k))) return true;
        const auto slash = s.find('/', k);
        if (slash == std::string_view::npos) return false;
        k = slash + 1;
      }
    }
    if (p.substr(pi, 2) == "**") {
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (match_impl(p.substr(pi + 2), s.substr(k))) return true;
      }
      return false;
    }
    const char c = p[pi];
    if (c == '*') {
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (match_impl(p.substr(pi + 1), s.substr(k))) return true;
        if (k < s.size() && s[k] == '/') return false;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (c == '?') {
      if (s[si] == '/') return false;
      ++pi, ++si;
      continue;
    }
    if (c == '[') {
      const auto close = p.find(']', pi + 1);
      if (close != std::string_view::npos) {
        bool negate = pi + 1 < close && (p[pi + 1] == '!' || p[pi + 1] == '^');
        bool hit = false;
        for (std::size_t k = pi + 1 + (negate ? 1 : 0); k < close; ++k) {
          if (k + 2 < close && p[k + 1] == '-') {
            hit |= s[si] >= p[k] && s[si] <= p[k + 2];
            k += 2;
          } else {
            hit |= s[si] == p[k];
          }
        }
        if (hit == negate) return false;
        pi = close + 1;
        ++si;
        continue;
      }
    }
    if (c != s[si]) return false;
    ++pi, ++si;
  }
  return si == s.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  if (pattern.substr(0, 2) == "./") pattern.remove_prefix(2);
  if (path.substr(0, 2) == "./") path.remove_prefix(2);
  if (pattern.find('/') == std::string_view::npos) {
    // Like .gitignore: a bare pattern matches at any depth.
    return match_impl(std::string("**/") + std::string(pattern), path);
  }
  return match_impl(pattern, path);
}

}  // namespace al
