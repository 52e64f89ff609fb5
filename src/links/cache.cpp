#include "links/cache.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "archive_lint/io.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/json_value.hpp"

namespace al::links {

namespace fs = std::filesystem;

namespace {

constexpr int kFormatVersion = 1;

// An exclusive lock on `<file>.lock`, released on destruction. Waits at most
// a few seconds so a stuck run cannot hang another one.
class FileLock {
 public:
  explicit FileLock(const fs::path& file) {
    const fs::path lock = file.string() + ".lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      error_ = fmt::format("{}: cannot open lock file: {}", lock.string(), std::strerror(errno));
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if ((errno != EWOULDBLOCK && errno != EINTR) || std::chrono::steady_clock::now() > deadline) {
        error_ = fmt::format("{}: cannot lock: {}", lock.string(),
                             errno == EWOULDBLOCK ? "held by another run for more than 10 s" : std::strerror(errno));
        ::close(fd_);
        fd_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~FileLock() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

std::int64_t as_int(const JsonValue* v) { return v ? v->as_int().value_or(0) : 0; }  // 1e300 or "x": 0, as if absent
std::string as_string(const JsonValue* v) { return v && v->is_string() ? v->as_string() : std::string(); }

}  // namespace

std::string LinkCache::serialize(const std::map<std::string, CacheEntry>& entries, const std::vector<RunRecord>& runs) {
  std::string out;
  JsonWriter w(out, 1);
  w.begin_object();
  w.key("version").value(kFormatVersion);
  w.key("entries").begin_object();
  for (const auto& [url, e] : entries) {
    w.key(url).begin_object();
    w.key("outcome").value(to_string(e.outcome));
    w.key("status").value(static_cast<long long>(e.status));
    w.key("checked_at").value(static_cast<long long>(e.checked_at));
    w.key("first_failure").value(static_cast<long long>(e.first_failure));
    w.key("failures").value(e.failures);
    w.key("final_url").value(e.final_url);
    if (!e.redirect_to.empty()) w.key("redirect_to").value(e.redirect_to);
    if (!e.detail.empty()) w.key("detail").value(e.detail);
    w.end_object();
  }
  w.end_object();
  // Added after version 1 shipped: older readers ignore the key, so the
  // version stays 1 and caches move freely between versions.
  if (!runs.empty()) {
    w.key("runs").begin_array();
    for (const auto& r : runs) {
      w.begin_object();
      w.key("at").value(static_cast<long long>(r.at));
      w.key("checked").value(static_cast<unsigned long long>(r.checked));
      w.key("dead").value(static_cast<unsigned long long>(r.dead));
      w.key("unreachable").value(static_cast<unsigned long long>(r.unreachable));
      w.key("other").value(static_cast<unsigned long long>(r.other));
      w.key("new").value(static_cast<unsigned long long>(r.newly_failing));
      w.key("recovered").value(static_cast<unsigned long long>(r.recovered));
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  out.push_back('\n');
  return out;
}

bool LinkCache::deserialize(std::string_view text, std::map<std::string, CacheEntry>& out, std::string& error) {
  std::vector<RunRecord> runs;
  return deserialize(text, out, runs, error);
}

bool LinkCache::deserialize(std::string_view text, std::map<std::string, CacheEntry>& out, std::vector<RunRecord>& runs,
                            std::string& error) {
  out.clear();
  runs.clear();
  JsonValue root;
  try {
    root = parse_json(text);
  } catch (const JsonParseError& e) {
    error = fmt::format("line {}, column {}: {}", e.line, e.column, e.what());
    return false;
  }
  if (!root.is_object()) {
    error = "the top level is not an object";
    return false;
  }
  const JsonValue* version = root.find("version");
  if (!version || !version->is_number() || version->as_double() != kFormatVersion) {
    error = "missing or unsupported \"version\"";
    return false;
  }
  const JsonValue* entries = root.find("entries");
  if (!entries || !entries->is_object()) {
    error = "missing \"entries\" object";
    return false;
  }
  for (const auto& [url, v] : entries->as_object()) {
    if (!v.is_object()) {
      error = fmt::format("entry for {} is not an object", url);
      return false;
    }
    CacheEntry e;
    if (!parse_outcome(as_string(v.find("outcome")), e.outcome)) {
      error = fmt::format("entry for {} has no valid \"outcome\"", url);
      return false;
    }
    e.status = static_cast<long>(as_int(v.find("status")));
    e.checked_at = as_int(v.find("checked_at"));
    e.first_failure = as_int(v.find("first_failure"));
    e.failures = static_cast<int>(as_int(v.find("failures")));
    e.final_url = as_string(v.find("final_url"));
    e.redirect_to = as_string(v.find("redirect_to"));
    e.detail = as_string(v.find("detail"));
    out[url] = std::move(e);
  }
  if (const JsonValue* log = root.find("runs")) {
    if (!log->is_array()) {
      error = "\"runs\" is not an array";
      return false;
    }
    for (const auto& v : log->as_array()) {
      const JsonValue* at = v.is_object() ? v.find("at") : nullptr;
      if (!at || !at->is_number()) {
        error = "a \"runs\" record has no \"at\" time";
        return false;
      }
      RunRecord r;
      auto count = [&](const char* key) {
        const std::int64_t n = as_int(v.find(key));
        return static_cast<std::uint64_t>(n > 0 ? n : 0);
      };
      r.at = as_int(at);
      r.checked = count("checked");
      r.dead = count("dead");
      r.unreachable = count("unreachable");
      r.other = count("other");
      r.newly_failing = count("new");
      r.recovered = count("recovered");
      runs.push_back(r);
    }
    std::stable_sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) { return a.at < b.at; });
    if (runs.size() > kMaxRuns) runs.erase(runs.begin(), runs.end() - static_cast<std::ptrdiff_t>(kMaxRuns));
  }
  return true;
}

void LinkCache::load(std::vector<std::string>& warnings) {
  entries_.clear();
  runs_.clear();
  std::error_code ec;
  if (!fs::exists(file_, ec)) return;
  std::string error;
  std::optional<std::string> text;
  {
    FileLock lock(file_);  // a writer renames atomically; the lock only avoids reading mid-merge
    text = read_file(file_, error);
  }
  if (!text) {
    warnings.push_back(fmt::format("link cache {}: cannot read ({}); checking every link", file_.string(), error));
    return;
  }
  if (!deserialize(*text, entries_, runs_, error)) {
    entries_.clear();
    runs_.clear();
    warnings.push_back(fmt::format("link cache {} is corrupt ({}); it will be rebuilt", file_.string(), error));
  }
}

const CacheEntry* LinkCache::find(const std::string& url) const {
  const auto it = entries_.find(url);
  return it == entries_.end() ? nullptr : &it->second;
}

void LinkCache::record(const std::string& url, const CheckResult& result, std::int64_t now) {
  CacheEntry e;
  const CacheEntry* previous = find(url);
  e.outcome = result.outcome;
  e.status = result.status;
  e.checked_at = now;
  e.final_url = result.final_url;
  e.redirect_to = result.redirect_to;
  e.detail = result.detail;
  if (is_alive(result.outcome)) {
    e.failures = 0;
    e.first_failure = 0;
  } else {
    const bool was_failing = previous && !is_alive(previous->outcome) && previous->failures > 0;
    e.failures = was_failing ? previous->failures + 1 : 1;
    e.first_failure = was_failing && previous->first_failure > 0 ? previous->first_failure : now;
  }
  entries_[url] = e;
  updated_[url] = std::move(e);
}

void LinkCache::save(std::vector<std::string>& warnings) {
  if (updated_.empty() && !has_pending_run_) return;
  std::error_code ec;
  if (file_.has_parent_path()) fs::create_directories(file_.parent_path(), ec);
  FileLock lock(file_);
  if (!lock.ok()) {
    warnings.push_back(fmt::format("link cache not saved: {}", lock.error()));
    return;
  }
  // Another run may have saved since we loaded: start from the file as it is now.
  std::map<std::string, CacheEntry> merged;
  std::vector<RunRecord> runs;
  std::string error;
  if (auto text = read_file(file_, error)) {
    if (!deserialize(*text, merged, runs, error)) {
      merged.clear();
      runs.clear();
    }
  }
  if (has_pending_run_) {
    // Keep the log in time order even when runs finish out of order.
    const auto at = std::upper_bound(runs.begin(), runs.end(), pending_run_.at,
                                     [](std::int64_t t, const RunRecord& r) { return t < r.at; });
    runs.insert(at, pending_run_);
    if (runs.size() > kMaxRuns) runs.erase(runs.begin(), runs.end() - static_cast<std::ptrdiff_t>(kMaxRuns));
  }
  for (const auto& [url, e] : updated_) {
    const auto it = merged.find(url);
    if (it == merged.end() || it->second.checked_at <= e.checked_at) merged[url] = e;
  }
  try {
    write_file_atomic(file_, serialize(merged, runs));
  } catch (const std::exception& e) {
    warnings.push_back(fmt::format("link cache not saved: {}", e.what()));
  }
}

}  // namespace al::links
