#pragma once
// The little git that `--changed-since` needs, run as a child process with an
// argument vector (never through a shell).
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace al {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] found on PATH, in cwd, capturing stdout and stderr.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd);

struct GitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The top of the work tree containing dir, if any (`.git` directory or file).
std::optional<std::filesystem::path> find_repository_root(const std::filesystem::path& dir);

// Lines added (1-based, inclusive ranges) per changed file, keyed by absolute
// path, comparing the work tree with the merge base of ref and HEAD. New and
// untracked files map to {1, max}. Throws GitError with git's message.
using AddedLines = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
std::map<std::filesystem::path, AddedLines> changed_since(const std::filesystem::path& repo, const std::string& ref);

}  // namespace al
