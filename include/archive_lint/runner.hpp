#pragma once
// Collects files, parses each once, runs the enabled checks in parallel.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "archive_lint/check.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/diagnostic.hpp"
#include "archive_lint/post_record.hpp"

namespace al {

struct DocumentLinks;

struct ActiveCheck {
  std::unique_ptr<Check> check;
  Severity severity;
};

// The active check with this id, or nullptr when it is off.
const ActiveCheck* find_active(const std::vector<ActiveCheck>& checks, std::string_view id);

// Instantiates and configures every enabled check. Throws ConfigError for an
// unknown rule, an unknown option or a bad option value.
std::vector<ActiveCheck> instantiate_checks(const Config& config);

struct FileEntry {
  std::filesystem::path filesystem_path;
  std::string display_path;  // relative to config.root when inside it, else absolute
  // With --changed-since: the lines added in this file (1-based, inclusive
  // ranges); empty means the whole file counts.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> added_lines;
};

// Keeps the files of shard `index` (1-based) of `count`, by a stable hash of
// the display path, so every shard of a matrix gets a disjoint share.
void keep_shard(std::vector<FileEntry>& files, unsigned index, unsigned count);

// Expands files and directories. Directories are walked and filtered by the
// include/exclude globs; files named explicitly are always taken unless
// excluded. Missing paths are returned in `missing`.
std::vector<FileEntry> collect_files(const std::vector<std::string>& paths, const Config& config,
                                     std::vector<std::string>& missing);

struct RunStats {
  std::size_t files = 0;
  std::size_t bytes = 0;
  double seconds = 0;
};

struct RunResult {
  std::vector<Diagnostic> diagnostics;  // suppressions applied; finalise_findings() orders them
  RunStats stats;
  std::vector<PostRecord> posts;        // filled only when an archive check is enabled
  std::vector<DocumentLinks> links;     // with collect_links: each file's checkable links, in file order
};

// The document stage: parses each file once and runs the document checks.
// The values the later stages need come back with the findings: the post
// records (for the archive checks) and, with collect_links, the links (not
// the Documents) for the link pass.
RunResult run_checks(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks,
                     unsigned jobs, bool collect_links = false);

// Runs checks on one parsed document and applies its suppressions. A check
// that throws gives an internal/check-failed finding instead of its own.
void check_document(const Document& doc, const std::vector<ActiveCheck>& checks,
                    std::vector<Diagnostic>& out);

// Fills Diagnostic::fingerprint: rule, path, the trimmed source line and the
// occurrence count of that triple, so edits elsewhere do not change it.
// Needs the findings in report order: called by finalise_findings() only.
void assign_fingerprints(std::vector<Diagnostic>& diagnostics);

}  // namespace al
