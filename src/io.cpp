#include "archive_lint/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace al {

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
  // Read straight into the string: sized from fstat, grown if the file turns
  // out longer (it may change, or st_size may be 0 for special files).
  std::string data;
  std::size_t size = 0;
  data.resize(st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : std::size_t{1} << 16);
  for (;;) {
    if (size == data.size()) data.resize(data.size() * 2);
    const ssize_t got = ::read(fd, data.data() + size, data.size() - size);
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  ::close(fd);
  data.resize(size);
  return data;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content, Durability durability) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::random_device rd;
  // Built with appends: GCC 12 at -O3 reports a false -Wrestrict for the
  // equivalent chain of operator+ (which breaks the Release+Werror build).
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(rd());
  const auto tmp = dir / name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot create temporary file: " + std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error(path.string() + ": write failed: " + why);
    }
    written += static_cast<std::size_t>(n);
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
