#pragma once
// Helpers shared by the test files: temp dirs, file I/O, running the CLI.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/diagnostic.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/runner.hpp"

namespace al::test {

namespace fs = std::filesystem;

inline fs::path source_dir() { return fs::path(ARCHIVE_LINT_SOURCE_DIR); }
inline fs::path cli_binary() { return fs::path(ARCHIVE_LINT_BINARY); }

// The project's own archive generator (bench/gen-archive, Python 3 stdlib).
inline fs::path gen_archive_tool() { return source_dir() / "bench" / "gen-archive"; }

// One row of gen-archive's manifest.tsv: an injected defect and its line span.
struct ManifestRow {
  std::string file, family, kind;
  std::uint32_t first_line = 0, last_line = 0;
};
std::vector<ManifestRow> read_manifest(const fs::path& file);
// The rows keyed by post path (the generator puts at most one defect in a post).
std::map<std::string, ManifestRow> manifest_by_file(const std::vector<ManifestRow>& rows);
// Runs bench/gen-archive into `out` with `arguments` (e.g. "--posts 2000 --seed 3")
// and returns its manifest; throws, failing the test, when the generator fails.
std::vector<ManifestRow> generate_archive(const fs::path& out, const std::string& arguments);
// The defect kinds of one family that bench/gen-archive injects (--list-kinds).
std::vector<std::string> gen_archive_kinds(const std::string& family);

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  fs::path path_;
};

// A fresh, empty directory named after `name` and this process under the
// system temp dir; unlike TempDir it is left behind, for looking at after a failure.
fs::path scratch_dir(const std::string& name);

std::string slurp(const fs::path& path);
void spit(const fs::path& path, const std::string& content);  // creates parent directories

// Checks configured exactly like `extends: news-archive`.
const std::vector<ActiveCheck>& news_archive_checks();
std::vector<Diagnostic> lint(const Document& doc);
std::vector<Diagnostic> lint_text(const std::string& display_path, const std::string& bytes);

// The one harness for tests that lint a site: the library's pipeline, offline,
// on `paths`, with `config_text` written to root/.archive-lint.yml.
PipelineResult lint_site_offline(const fs::path& root, const std::vector<std::string>& paths,
                                 const std::string& config_text = "extends: news-archive\n", unsigned jobs = 2);

// A fixture expected to be clean: `good-x.md`, or the same after a
// `YYYY-MM-DD-` prefix (any digit widths: `2022-1-20-good-x.md`).
bool is_good_fixture_name(const std::string& name);

struct RunOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs a shell command line in `cwd`, capturing stdout and stderr.
RunOutput run(const std::string& command, const fs::path& cwd);
// Quotes for /bin/sh.
std::string sh_quote(const std::string& text);

// xorshift64*, for the seeded generators of the oracle tests: the same
// sequence on every platform (std distributions are not).
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ULL;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace al::test
