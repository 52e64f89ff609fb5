#pragma once
// The persistent link cache: one JSON file, written atomically under a lock file.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

  const std::map<std::string, CacheEntry>& entries() const { return entries_; }

  static std::string serialize(const std::map<std::string, CacheEntry>& entries);
  // False and error set when text is not a valid cache.
  static bool deserialize(std::string_view text, std::map<std::string, CacheEntry>& out, std::string& error);

 private:
  std::filesystem::path file_;
  std::map<std::string, CacheEntry> entries_;
  std::map<std::string, CacheEntry> updated_;
};

}  // namespace al::links
