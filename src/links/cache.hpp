#pragma once
// The persistent link cache: one JSON file, written atomically under a lock file.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "archive_lint/link_report.hpp"
#include "links/engine.hpp"

namespace al::links {

struct CacheEntry {
  Outcome outcome = Outcome::ok;
  long status = 0;
  std::int64_t checked_at = 0;     // Unix seconds
  std::int64_t first_failure = 0;  // Unix seconds of the first failure in the current run of failures; 0 if alive
  std::int64_t used_at = 0;        // Unix seconds of the last run whose posts linked here; 0: not recorded yet
  int failures = 0;                // consecutive failed runs
  std::string final_url;
  std::string redirect_to;
  std::string detail;
};

// The run log keeps the last kMaxRuns runs (oldest first) for the report's
// chart of dead links over time.
inline constexpr std::size_t kMaxRuns = 90;

// What one entry may hold, so that a cache file cannot make a run use
// unbounded memory per URL. An entry beyond them is corrupt on load, and none
// is written: record() shortens the detail and does not keep a result whose
// URLs are longer.
inline constexpr std::size_t kMaxCachedUrlBytes = 8192;
inline constexpr std::size_t kMaxCachedDetailBytes = 2048;
inline constexpr std::int64_t kMaxCachedTime = 253402300799;  // 9999-12-31 23:59:59 UTC
inline constexpr std::int64_t kMaxCachedFailures = 10'000'000;

// An exclusive lock on a lock file, released on destruction; the holder's pid
// is written into the file. Refuses a lock path that is a symbolic link or not
// a regular file. Waits at most `wait`, telling `notice` once who holds it
// when the wait lasts (past a quarter second, or half of `wait`).
class CacheLock {
 public:
  using Notice = std::function<void(const std::string&)>;
  CacheLock(const std::filesystem::path& lock_file, std::chrono::milliseconds wait, const Notice& notice);
  ~CacheLock();
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

struct CacheOptions {
  // Entries no run has used for this long are dropped on save; 0 keeps them.
  std::int64_t prune_after_s = 30 * 86400;
  std::chrono::milliseconds lock_wait{10000};
  CacheLock::Notice notice;  // empty: `archive-lint: ...` on stderr
};

// Tells whether the file is still the one that was loaded (a writer renames a
// new file into place, so any save changes it).
struct FileIdentity {
  std::int64_t device = 0, inode = 0, size = 0, mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

// What a cache file holds, and what was wrong with it, entry by entry.
struct CacheContents {
  std::map<std::string, CacheEntry> entries;
  std::vector<RunRecord> runs;
  std::size_t problem_count = 0;
  std::vector<std::string> problems;  // the first few, in words
};

class LinkCache {
 public:
  explicit LinkCache(std::filesystem::path file, CacheOptions options = {})
      : file_(std::move(file)), options_(std::move(options)) {}

  // Reads the file. A missing file is an empty cache; a corrupt one adds a
  // warning and starts empty (it is rebuilt on save); corrupt entries add one
  // warning and are left out (checked again). Never throws.
  void load(std::vector<std::string>& warnings);
  const CacheEntry* find(const std::string& url) const;
  // Records a fresh result, keeping the failure history.
  void record(const std::string& url, const CheckResult& result, std::int64_t now);
  // Notes that this run's posts link to url, answered from the cache.
  void touch(const std::string& url, std::int64_t now);
  // Merges this run's records into the file as it is now (another run may have
  // written it meanwhile), drops the entries unused for prune_after_s before
  // the latest time given to record, touch or record_run, and replaces the
  // file atomically, under `<file>.lock`.
  void save(std::vector<std::string>& warnings);

  // Appends this run to the run log on save (merged with other runs' logs).
  void record_run(const RunRecord& run);

  const std::map<std::string, CacheEntry>& entries() const { return entries_; }
  // The run log as loaded, oldest first (this run's record not included).
  const std::vector<RunRecord>& runs() const { return runs_; }

  static std::string serialize(const std::map<std::string, CacheEntry>& entries,
                               const std::vector<RunRecord>& runs = {});
  // Nothing, and error set, when text is not a cache file at all. Otherwise
  // the usable entries and runs, with the unusable ones counted as problems.
  // A file without a run log (written before there was one) has no runs.
  static std::optional<CacheContents> parse(std::string_view text, std::string& error);
  // parse() for callers that want no problems: false when there is any.
  static bool deserialize(std::string_view text, std::map<std::string, CacheEntry>& out, std::string& error);

 private:
  std::filesystem::path file_;
  CacheOptions options_;
  bool usable_ = true;  // false when the path is not a regular file: neither read nor written
  std::map<std::string, CacheEntry> entries_;
  std::map<std::string, CacheEntry> updated_;
  std::map<std::string, std::int64_t> touched_;
  std::vector<RunRecord> runs_;
  RunRecord pending_run_;
  bool has_pending_run_ = false;
  std::int64_t latest_ = 0;  // the latest time given to record, touch or record_run
  std::optional<FileIdentity> loaded_;  // the file load() read, if any
};

}  // namespace al::links
