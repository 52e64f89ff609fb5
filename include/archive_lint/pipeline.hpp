#pragma once
// One run of archive-lint, as the library does it: the site (config, checks,
// file set) -> per-document checks -> archive checks -> the link pass -> one
// finalisation (order and fingerprints). The CLI parses flags into
// PipelineOptions and calls run_pipeline; the tests call it too.
#include <filesystem>
#include <optional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive_lint/archive.hpp"
#include "archive_lint/check.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/formatter.hpp"
#include "archive_lint/link_report.hpp"
#include "archive_lint/links.hpp"
#include "archive_lint/runner.hpp"
#include "archive_lint/site.hpp"

namespace al {

// A run the options cannot describe (a path that does not exist, a bad
// --shard, --changed-since outside git): exit code 2 after the message.
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PipelineOptions {
  std::vector<std::string> paths;  // empty: the Jekyll site's _posts folders, else the config's _posts, or its root
  std::string config;              // empty: the nearest .archive-lint.yml above the first path
  unsigned jobs = 0;               // 0: every core
  std::string changed_since;       // a git ref: only files changed since its merge base
  std::string shard;               // "i/n"
  bool offline = false;            // no network at all
  bool links_only = false;         // `archive-lint links`: extraction and reachability only
  bool want_report = false;        // fill PipelineResult::report for --report
  LinkOverrides link_overrides;
  LinkProgressFn progress;         // link pass progress, e.g. a bar on a terminal
};

// The site a run works on: its config, the checks it enables and the files.
struct Site {
  Config config;
  std::vector<ActiveCheck> checks;
  std::vector<FileEntry> files;
  std::shared_ptr<const JekyllSite> jekyll;  // the Jekyll site (root empty when none); also config.jekyll
  std::vector<std::string> warnings;         // what the site's files say that Jekyll would not read
};

struct PipelineResult {
  Config config;
  std::vector<ActiveCheck> checks;
  RunResult result;                   // every finding, finalised
  ArchiveStageStats archive;          // the archive stage's index: cache hits, files parsed
  LinkReportData report;              // with want_report
  std::vector<std::string> warnings;  // for stderr, in the order they arose
};

// The stages, in order; run_pipeline calls each once.
Site load_site(const PipelineOptions& options);
// Sorted in report order, fingerprints assigned: the one finalisation of a
// run's findings. The per-file parts (excerpt, suppressions, line hash) are
// done by each stage while it holds the file's text.
void finalise_findings(std::vector<Diagnostic>& findings);
PipelineResult run_pipeline(const PipelineOptions& options);

// The reporters' input, made from a finished run: the findings a baseline
// accepts dropped, the paths' bases (the repository for SARIF, the working
// directory for text and JSON), the enabled rules sorted by id, and whether
// any finding is at or above fail_level. A baseline that cannot be read is a
// RunError. Moves the run's findings out.
struct ReportRequest {
  std::string baseline;  // a baseline file, empty for none
  Severity fail_level = Severity::error;
  bool quiet = false;  // keep only the findings at or above fail_level
  std::string automation_id;  // SARIF runAutomationDetails.id
  bool color = false;
  std::filesystem::path working_directory = std::filesystem::current_path();
  // The report's root, pinned (golden tests: stable SARIF URIs); unset, it is
  // the repository holding the config, else the config's directory.
  std::optional<std::filesystem::path> root;
};
struct AssembledReport {
  Report report;
  bool failed = false;        // a finding at or above fail_level, counted before `quiet`
  std::size_t baselined = 0;  // findings the baseline accepted
};
AssembledReport assemble_report(PipelineResult& run, const ReportRequest& request);

// "i/n" with 1 <= i <= n <= 100000, else RunError.
std::pair<unsigned, unsigned> parse_shard(const std::string& text);

}  // namespace al
