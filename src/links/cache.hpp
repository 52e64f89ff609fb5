#pragma once
// The persistent link cache: one JSON file, written atomically under a lock file.
#include <cstdint>
#include <filesystem>
#include <map>
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
  int failures = 0;                // consecutive failed runs
  std::string final_url;
  std::string redirect_to;
  std::string detail;
};

// The run log keeps the last kMaxRuns runs (oldest first) for the report's
// chart of dead links over time.
inline constexpr std::size_t kMaxRuns = 90;

class LinkCache {
 public:
  explicit LinkCache(std::filesystem::path file) : file_(std::move(file)) {}

  // Reads the file. A missing file is an empty cache; a corrupt one adds a
  // warning and starts empty (it is rebuilt on save). Never throws.
  void load(std::vector<std::string>& warnings);
  const CacheEntry* find(const std::string& url) const;
  // Records a fresh result, keeping the failure history.
  void record(const std::string& url, const CheckResult& result, std::int64_t now);
  // Merges this run's records into the file as it is now (another run may have
  // written it meanwhile) and replaces it atomically, under `<file>.lock`.
  void save(std::vector<std::string>& warnings);

  // Appends this run to the run log on save (merged with other runs' logs).
  void record_run(const RunRecord& run) { pending_run_ = run; has_pending_run_ = true; }

  const std::map<std::string, CacheEntry>& entries() const { return entries_; }
  // The run log as loaded, oldest first (this run's record not included).
  const std::vector<RunRecord>& runs() const { return runs_; }

  static std::string serialize(const std::map<std::string, CacheEntry>& entries,
                               const std::vector<RunRecord>& runs = {});
  // False and error set when text is not a valid cache. A file without a run
  // log (written before there was one) is valid and has no runs.
  static bool deserialize(std::string_view text, std::map<std::string, CacheEntry>& out, std::string& error);
  static bool deserialize(std::string_view text, std::map<std::string, CacheEntry>& out, std::vector<RunRecord>& runs,
                          std::string& error);

 private:
  std::filesystem::path file_;
  std::map<std::string, CacheEntry> entries_;
  std::map<std::string, CacheEntry> updated_;
  std::vector<RunRecord> runs_;
  RunRecord pending_run_;
  bool has_pending_run_ = false;
};

}  // namespace al::links
