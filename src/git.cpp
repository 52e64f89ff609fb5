#include "archive_lint/git.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <sstream>

extern char** environ;

namespace al {

namespace fs = std::filesystem;

ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd) {
  ProcessResult result;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    result.err = std::string("cannot run ") + argv[0] + ": " + std::strerror(rc);
    return result;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[k].fd, buf, sizeof buf);
      if (got > 0) {
        (k == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<fs::path> find_repository_root(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  while (!p.empty()) {
    if (fs::exists(p / ".git", ec)) return p;
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return std::nullopt;
}

namespace {

std::string git_or_throw(const fs::path& repo, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-c", "core.quotePath=false"});
  auto r = run_process(args, repo);
  if (r.exit_code != 0) {
    std::string what = r.err.empty() ? "git failed" : r.err;
    while (!what.empty() && (what.back() == '\n' || what.back() == '\r')) what.pop_back();
    throw GitError(what);
  }
  return r.out;
}

std::vector<std::string> split_nul(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto e = s.find('\0', i);
    out.push_back(s.substr(i, e == std::string::npos ? std::string::npos : e - i));
    if (e == std::string::npos) break;
    i = e + 1;
  }
  return out;
}

}  // namespace

std::map<fs::path, AddedLines> changed_since(const fs::path& repo, const std::string& ref) {
  std::string base = git_or_throw(repo, {"merge-base", ref, "HEAD"});
  while (!base.empty() && (base.back() == '\n' || base.back() == '\r')) base.pop_back();
  std::map<fs::path, AddedLines> changed;
  // Work tree against the merge base: committed and uncommitted changes alike.
  const std::string diff = git_or_throw(repo, {"diff", "--no-color", "--no-ext-diff", "-U0", "--diff-filter=ACMRT",
                                               "--no-renames", base, "--"});
  std::istringstream in(diff);
  std::string line;
  fs::path current;
  while (std::getline(in, line)) {
    if (line.rfind("+++ ", 0) == 0) {
      current.clear();
      if (line.rfind("+++ b/", 0) == 0) {
        current = (repo / line.substr(6)).lexically_normal();
        changed[current];
      }
    } else if (line.rfind("@@ ", 0) == 0 && !current.empty()) {
      // @@ -a[,b] +c[,d] @@
      const auto plus = line.find(" +");
      if (plus == std::string::npos) continue;
      std::size_t pos = plus + 2;
      const unsigned long start = std::stoul(line.substr(pos), &pos, 10);
      unsigned long count = 1;
      const std::string rest = line.substr(plus + 2 + pos);
      if (!rest.empty() && rest[0] == ',') count = std::stoul(rest.substr(1));
      if (count > 0)
        changed[current].emplace_back(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(start + count - 1));
    }
  }
  // Binary or mode-only changes have no hunks; their names still count.
  for (const auto& name : split_nul(git_or_throw(repo, {"diff", "--name-only", "-z", "--diff-filter=ACMRT", base, "--"}))) {
    if (!name.empty()) changed[(repo / name).lexically_normal()];
  }
  for (const auto& name : split_nul(git_or_throw(repo, {"ls-files", "--others", "--exclude-standard", "-z"}))) {
    if (!name.empty())
      changed[(repo / name).lexically_normal()] = {{1u, std::numeric_limits<std::uint32_t>::max()}};
  }
  return changed;
}

}  // namespace al
