#pragma once
// Archive-wide checks: they run after every file has been checked and see an
// index of every post in the archive (front matter and source link only, no
// HTML parse). When only some files are given (pre-commit), the rest of the
// archive is indexed from an on-disk cache keyed by path, size and mtime, and
// findings are reported only on the files given.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "archive_lint/check.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/post_record.hpp"
#include "archive_lint/runner.hpp"

namespace al {

struct ArchiveIndex {
  std::vector<PostRecord> posts;
  std::vector<bool> reported;  // parallel to posts: in this run's file list
  std::filesystem::path site_root;  // the Jekyll site (parent of _posts), empty if unknown
};

struct PendingFinding {
  std::size_t post = 0;
  std::uint32_t line = 1;
  std::string message;
  std::string rule_id;
  Severity severity = Severity::error;
};

class ArchiveEmitter {
 public:
  ArchiveEmitter(const ArchiveIndex& index, std::string_view rule_id, Severity severity, std::vector<PendingFinding>& out)
      : index_(index), rule_id_(rule_id), severity_(severity), out_(out) {}
  // Only posts in the run are reported; others are silently skipped.
  bool reported(std::size_t post) const { return index_.reported[post]; }
  void report(std::size_t post, std::uint32_t line, std::string message);
  // "path:line" of another post, for messages that point across files.
  std::string where(std::size_t post, std::uint32_t line) const;

 private:
  const ArchiveIndex& index_;
  std::string_view rule_id_;
  Severity severity_;
  std::vector<PendingFinding>& out_;
};

// A check that sees the whole archive. Its per-document check() does nothing.
class ArchiveCheck : public Check {
 public:
  void check(const Document& doc, Emitter& emit) const final {
    (void)doc;
    (void)emit;
  }
  virtual void check_archive(const ArchiveIndex& index, ArchiveEmitter& emit) const = 0;
};

bool has_archive_checks(const std::vector<ActiveCheck>& checks);

struct ArchiveStageStats {
  std::size_t indexed = 0;     // posts in the index
  std::size_t cache_hits = 0;  // read from the cache
  std::size_t parsed = 0;      // read and parsed because the cache had no valid entry
  std::vector<std::string> warnings;  // corrupt or unwritable cache: never fatal
};

// Builds the index (from result.posts, the cache and the files themselves),
// runs the archive checks and adds their findings to result.diagnostics
// (suppressions applied, sorted, fingerprints reassigned).
ArchiveStageStats run_archive_stage(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks,
                                    const Config& config, unsigned jobs, RunResult& result);

// The cache file of a site root, and its (de)serialisation; exposed for tests.
std::filesystem::path archive_cache_path(const std::filesystem::path& site_root);
std::string serialize_index(const std::vector<PostRecord>& posts, const std::filesystem::path& site_root);
// Returns false (and leaves out empty) when the text is not a valid cache.
bool parse_index(std::string_view text, const std::filesystem::path& site_root, std::vector<PostRecord>& out);

}  // namespace al
