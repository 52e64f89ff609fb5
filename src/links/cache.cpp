#include "links/cache.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <thread>
#include <type_traits>

#include "archive_lint/io.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/text.hpp"
#include "archive_lint/json_value.hpp"

namespace al::links {

namespace fs = std::filesystem;

namespace {

constexpr int kFormatVersion = 1;
constexpr std::int64_t kMaxCount = std::int64_t{1} << 53;
// A touch rewrites the file only when the recorded use is older than this:
// pruning is by the month, and a run answered from the cache need not save.
constexpr std::int64_t kUseResolution = 86400;
constexpr std::chrono::milliseconds kQuietWait{250};

void print_notice(const std::string& text) { fmt::print(stderr, "archive-lint: {}\n", text); }

// The pid a lock file names (written by its holder), or "" when unreadable.
std::string holder_of(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.find_first_not_of("0123456789") == std::string::npos ? pid : std::string();
}

std::string held_by(const std::string& pid) {
  return pid.empty() ? "another archive-lint run" : "another archive-lint run (pid " + pid + ")";
}

}  // namespace

CacheLock::CacheLock(const fs::path& lock_file, std::chrono::milliseconds wait, const Notice& notice) {
  // O_NOFOLLOW: a lock file committed as a symbolic link must not make us
  // create files wherever it points. O_NONBLOCK: a FIFO must not hang the open.
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0644);
  if (fd_ < 0) {
    error_ = errno == ELOOP ? fmt::format("{}: the lock file is a symbolic link; remove it (archive-lint creates a "
                                          "regular file there)", lock_file.string())
                            : fmt::format("{}: cannot open lock file: {}", lock_file.string(), std::strerror(errno));
    return;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    error_ = fmt::format("{}: the lock file is not a regular file; remove it (archive-lint creates a regular file "
                         "there)", lock_file.string());
    ::close(fd_);
    fd_ = -1;
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  bool told = false;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string holder = holder_of(fd_);
    if (err != EWOULDBLOCK && err != EINTR) {
      error_ = fmt::format("{}: cannot lock: {}", lock_file.string(), std::strerror(err));
    } else if (std::chrono::steady_clock::now() - started >= wait) {
      error_ = fmt::format("{}: held by {} for more than {} s", lock_file.string(), held_by(holder),
                           std::chrono::duration<double>(wait).count());
    } else {
      // Runs merging at the same moment wait a few milliseconds: not worth a word.
      const auto quiet = std::min<std::chrono::steady_clock::duration>(kQuietWait, wait / 2);
      if (!told && err == EWOULDBLOCK && std::chrono::steady_clock::now() - started >= quiet) {
        told = true;
        (notice ? notice : print_notice)(fmt::format("{} is locked by {}; waiting up to {} s", lock_file.string(),
                                                     held_by(holder), std::chrono::duration<double>(wait).count()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    ::close(fd_);
    fd_ = -1;
    return;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);  // only for the message above
}

CacheLock::~CacheLock() {
  if (fd_ < 0) return;
  (void)!::ftruncate(fd_, 0);  // nobody holds it now
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

namespace {

// A whole number from low to high, judged on the double so that 1e300, -1 or
// 2^63 never reach a conversion to an integer type.
std::optional<std::int64_t> whole_number(const JsonValue& v, std::int64_t low, std::int64_t high) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.as_double();
  if (!(d >= static_cast<double>(low) && d <= static_cast<double>(high)) || d != std::floor(d)) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

// Why one field of an entry is unusable, or "" when it was read into e.
std::string read_field(std::string_view key, const JsonValue& field, CacheEntry& e) {
  auto number = [&](auto& out, std::int64_t low, std::int64_t high) -> std::string {
    const auto n = whole_number(field, low, high);
    if (!n) return fmt::format("has \"{}\" that is not a whole number from {} to {}", key, low, high);
    out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
    return {};
  };
  auto text = [&](std::string& out, std::size_t cap) -> std::string {
    if (!field.is_string()) return fmt::format("has \"{}\" that is not a string", key);
    // Capped as it will be written, so that it reads back the same.
    std::string value = with_replacement_characters(field.as_string());
    if (value.size() > cap) return fmt::format("has \"{}\" longer than {} bytes", key, cap);
    out = std::move(value);
    return {};
  };
  if (key == "outcome")
    return field.is_string() && parse_outcome(field.as_string(), e.outcome) ? "" : "has no valid \"outcome\"";
  if (key == "status") return number(e.status, 0, 999);
  if (key == "checked_at") return number(e.checked_at, 0, kMaxCachedTime);
  if (key == "first_failure") return number(e.first_failure, 0, kMaxCachedTime);
  if (key == "used_at") return number(e.used_at, 0, kMaxCachedTime);
  if (key == "failures") return number(e.failures, 0, kMaxCachedFailures);
  if (key == "final_url") return text(e.final_url, kMaxCachedUrlBytes);
  if (key == "redirect_to") return text(e.redirect_to, kMaxCachedUrlBytes);
  return text(e.detail, kMaxCachedDetailBytes);
}

// Why an entry is unusable, or "" when `e` was filled from it. Fields it does
// not know are skipped: a newer version may have added them.
std::string read_entry(const JsonValue& v, CacheEntry& e) {
  if (!v.is_object()) return "is not an object";
  static constexpr std::string_view kFields[] = {"outcome", "checked_at", "status",      "first_failure", "used_at",
                                                 "failures", "final_url", "redirect_to", "detail"};
  unsigned seen = 0;
  for (const auto& [key, field] : v.as_object()) {
    const auto known = std::find(std::begin(kFields), std::end(kFields), key);
    if (known == std::end(kFields)) continue;
    const unsigned bit = 1u << (known - std::begin(kFields));
    if (seen & bit) return fmt::format("has \"{}\" twice", key);
    seen |= bit;
    if (std::string problem = read_field(*known, field, e); !problem.empty()) return problem;
  }
  if (!(seen & 1u)) return "has no valid \"outcome\"";
  if (!(seen & 2u)) return "has no \"checked_at\"";
  return {};
}

// Why a run log record is unusable, or "" when `r` was filled from it.
std::string read_run(const JsonValue& v, RunRecord& r) {
  const JsonValue* at = v.is_object() ? v.find("at") : nullptr;
  const auto when = at ? whole_number(*at, 0, kMaxCachedTime) : std::nullopt;
  if (!when) return "a \"runs\" record has no valid \"at\" time";
  r.at = *when;
  for (const auto& [key, count] : {std::pair<const char*, std::uint64_t*>{"checked", &r.checked}, {"dead", &r.dead},
                                   {"unreachable", &r.unreachable}, {"other", &r.other}, {"new", &r.newly_failing},
                                   {"recovered", &r.recovered}}) {
    const JsonValue* field = v.find(key);
    if (!field) continue;
    const auto n = whole_number(*field, 0, kMaxCount);
    if (!n) return fmt::format("a \"runs\" record has \"{}\" that is not a whole number from 0 to {}", key, kMaxCount);
    *count = static_cast<std::uint64_t>(*n);
  }
  return {};
}

// Why a parsed document is not a cache file at all, or "".
std::string shape_problem(const JsonValue& root) {
  if (!root.is_object()) return "the top level is not an object";
  std::set<std::string_view> keys;
  for (const auto& [key, value] : root.as_object()) {
    if (!keys.insert(key).second) return fmt::format("the top level has \"{}\" twice", key);
  }
  const JsonValue* version = root.find("version");
  if (!version || whole_number(*version, kFormatVersion, kFormatVersion) != kFormatVersion)
    return "missing or unsupported \"version\"";
  const JsonValue* entries = root.find("entries");
  if (!entries || !entries->is_object()) return "missing \"entries\" object";
  const JsonValue* log = root.find("runs");
  if (log && !log->is_array()) return "\"runs\" is not an array";
  return {};
}

std::optional<FileIdentity> identity_of(const fs::path& file) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{static_cast<std::int64_t>(st.st_dev), static_cast<std::int64_t>(st.st_ino),
                      static_cast<std::int64_t>(st.st_size),
                      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

void add_problem(CacheContents& c, std::string problem) {
  ++c.problem_count;
  if (c.problems.size() < 3) c.problems.push_back(std::move(problem));
}

// URLs in messages: a hostile one may be kilobytes long.
std::string quoted_url(std::string_view url) {
  return url.size() <= 100 ? fmt::format("\"{}\"", url) : fmt::format("\"{}...\"", url.substr(0, 100));
}

// The text cut to at most cap bytes, at a UTF-8 character boundary.
std::string shortened(const std::string& text, std::size_t cap) {
  if (text.size() <= cap) return text;
  std::size_t end = cap - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

}  // namespace

std::string LinkCache::serialize(const std::map<std::string, CacheEntry>& entries, const std::vector<RunRecord>& runs) {
  std::string out;
  JsonWriter w(out, 1);
  w.begin_object();
  w.key("version").value(kFormatVersion);
  w.key("entries").begin_object();
  for (const auto& [url, e] : entries) {
    // JSON holds only UTF-8: a URL with invalid bytes would be written with
    // U+FFFD, read back as another URL (never found again), and two such URLs
    // could become one key. It is checked again on every run instead.
    if (find_invalid_utf8(url)) continue;
    w.key(url).begin_object();
    w.key("outcome").value(to_string(e.outcome));
    w.key("status").value(static_cast<long long>(e.status));
    w.key("checked_at").value(static_cast<long long>(e.checked_at));
    w.key("first_failure").value(static_cast<long long>(e.first_failure));
    w.key("failures").value(e.failures);
    if (e.used_at) w.key("used_at").value(static_cast<long long>(e.used_at));
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

std::optional<CacheContents> LinkCache::parse(std::string_view text, std::string& error) {
  CacheContents c;
  // The parser skips a byte-order mark; archive-lint never writes one, so it
  // means a hand edit, worth a word.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") add_problem(c, "the file starts with a byte-order mark");
  // Entry by entry, as they are parsed: a tree of a large cache took 8 times
  // the file's size in memory.
  std::set<std::string> duplicated;
  auto on_entry = [&](std::string written_url, const JsonValue& v) {
    const std::string url = with_replacement_characters(std::move(written_url));
    CacheEntry e;
    std::string problem = url.empty() || url.size() > kMaxCachedUrlBytes
                              ? fmt::format("has a URL that is empty or longer than {} bytes", kMaxCachedUrlBytes)
                              : read_entry(v, e);
    if (problem.empty() && !c.entries.try_emplace(url, std::move(e)).second) {
      duplicated.insert(url);
      problem = "appears twice";
    }
    if (!problem.empty()) add_problem(c, fmt::format("the entry for {} {}", quoted_url(url), problem));
  };
  JsonValue root;
  try {
    root = parse_json_streaming(text, "entries", on_entry);
  } catch (const JsonParseError& e) {
    error = fmt::format("line {}, column {}: {}", e.line, e.column, e.what());
    return std::nullopt;
  }
  if (error = shape_problem(root); !error.empty()) return std::nullopt;
  for (const auto& url : duplicated) c.entries.erase(url);  // which copy is right is anyone's guess
  if (const JsonValue* log = root.find("runs")) {
    for (const auto& v : log->as_array()) {
      RunRecord r;
      if (std::string problem = read_run(v, r); !problem.empty()) add_problem(c, std::move(problem));
      else c.runs.push_back(r);
    }
    std::stable_sort(c.runs.begin(), c.runs.end(), [](const RunRecord& a, const RunRecord& b) { return a.at < b.at; });
    if (c.runs.size() > kMaxRuns) c.runs.erase(c.runs.begin(), c.runs.end() - static_cast<std::ptrdiff_t>(kMaxRuns));
  }
  return c;
}

bool LinkCache::deserialize(std::string_view text, std::map<std::string, CacheEntry>& out, std::string& error) {
  out.clear();
  auto contents = parse(text, error);
  if (!contents) return false;
  if (contents->problem_count > 0) {
    error = contents->problems.front();
    return false;
  }
  out = std::move(contents->entries);
  return true;
}

void LinkCache::load(std::vector<std::string>& warnings) {
  entries_.clear();
  runs_.clear();
  loaded_.reset();
  usable_ = true;
  struct stat st {};
  if (::lstat(file_.c_str(), &st) != 0) return;  // no cache yet
  if (!S_ISREG(st.st_mode)) {
    usable_ = false;
    warnings.push_back(fmt::format("link cache {} is {}, not a regular file; it is neither read nor written",
                                   file_.string(), S_ISLNK(st.st_mode) ? "a symbolic link" : "a special file"));
    return;
  }
  // No lock: a writer renames a complete file into place, so a read sees the
  // old file or the new one, never half of one.
  std::string error;
  const auto identity = identity_of(file_);  // before the read: a newer file then differs at save
  const std::optional<std::string> text = read_regular_file(file_, error);
  if (!text) {
    warnings.push_back(fmt::format("link cache {}: cannot read ({}); checking every link", file_.string(), error));
    return;
  }
  auto contents = parse(*text, error);
  if (!contents) {
    warnings.push_back(fmt::format("link cache {} is corrupt ({}); it will be rebuilt", file_.string(), error));
    loaded_ = identity;
    return;
  }
  loaded_ = identity;
  entries_ = std::move(contents->entries);
  runs_ = std::move(contents->runs);
  if (contents->problem_count == 0) return;
  std::string list;
  for (const auto& p : contents->problems) list += (list.empty() ? "" : "; ") + p;
  if (contents->problem_count > contents->problems.size())
    list += fmt::format("; and {} more", contents->problem_count - contents->problems.size());
  warnings.push_back(fmt::format("link cache {}: {} problem{} ignored, the entries concerned are checked again and "
                                 "rewritten: {}",
                                 file_.string(), contents->problem_count, contents->problem_count == 1 ? "" : "s", list));
}

const CacheEntry* LinkCache::find(const std::string& url) const {
  const auto it = entries_.find(url);
  return it == entries_.end() ? nullptr : &it->second;
}

void LinkCache::record(const std::string& url, const CheckResult& result, std::int64_t now) {
  latest_ = std::max(latest_, now);
  if (url.size() > kMaxCachedUrlBytes || result.final_url.size() > kMaxCachedUrlBytes ||
      result.redirect_to.size() > kMaxCachedUrlBytes) {
    entries_.erase(url);  // not kept: the next run checks it again
    return;
  }
  CacheEntry e;
  const CacheEntry* previous = find(url);
  e.outcome = result.outcome;
  e.status = result.status;
  e.checked_at = now;
  e.used_at = now;
  e.final_url = result.final_url;
  e.redirect_to = result.redirect_to;
  e.detail = shortened(result.detail, kMaxCachedDetailBytes);
  if (is_alive(result.outcome)) {
    e.failures = 0;
    e.first_failure = 0;
  } else {
    const bool was_failing = previous && !is_alive(previous->outcome) && previous->failures > 0;
    e.failures = was_failing ? static_cast<int>(std::min<std::int64_t>(previous->failures + 1, kMaxCachedFailures)) : 1;
    e.first_failure = was_failing && previous->first_failure > 0 ? previous->first_failure : now;
  }
  entries_[url] = e;
  updated_[url] = std::move(e);
}

void LinkCache::touch(const std::string& url, std::int64_t now) {
  latest_ = std::max(latest_, now);
  const auto it = entries_.find(url);
  if (it == entries_.end() || std::max(it->second.used_at, it->second.checked_at) > now - kUseResolution) return;
  it->second.used_at = now;
  touched_[url] = now;
}

void LinkCache::record_run(const RunRecord& run) {
  latest_ = std::max(latest_, run.at);
  pending_run_ = run;
  has_pending_run_ = true;
}

void LinkCache::save(std::vector<std::string>& warnings) {
  if (!usable_ || (updated_.empty() && touched_.empty() && !has_pending_run_)) return;
  std::error_code ec;
  if (file_.has_parent_path()) fs::create_directories(file_.parent_path(), ec);
  CacheLock lock(file_.string() + ".lock", options_.lock_wait, options_.notice);
  if (!lock.ok()) {
    warnings.push_back(fmt::format("link cache not saved: {}", lock.error()));
    return;
  }
  // When another run saved since we loaded, start from the file as it is now
  // (its problems were reported at load; what is unusable is dropped).
  // Otherwise from what was loaded, which holds this run's records already: a
  // second parse of a large cache doubled the memory a run took.
  const bool unchanged = loaded_ && loaded_ == identity_of(file_);
  CacheContents reread;
  if (!unchanged) {
    std::string error;
    if (auto text = read_regular_file(file_, error)) {
      if (auto contents = parse(*text, error)) reread = std::move(*contents);
    }
    for (const auto& [url, e] : updated_) {
      const auto it = reread.entries.find(url);
      if (it == reread.entries.end() || it->second.checked_at <= e.checked_at) reread.entries[url] = e;
    }
    for (const auto& [url, at] : touched_) {
      if (const auto it = reread.entries.find(url); it != reread.entries.end())
        it->second.used_at = std::max(it->second.used_at, at);
    }
  }
  auto& entries = unchanged ? entries_ : reread.entries;
  std::vector<RunRecord> runs = unchanged ? runs_ : std::move(reread.runs);
  if (has_pending_run_) {
    // Keep the log in time order even when runs finish out of order.
    const auto at = std::upper_bound(runs.begin(), runs.end(), pending_run_.at,
                                     [](std::int64_t t, const RunRecord& r) { return t < r.at; });
    runs.insert(at, pending_run_);
    if (runs.size() > kMaxRuns) runs.erase(runs.begin(), runs.end() - static_cast<std::ptrdiff_t>(kMaxRuns));
  }
  if (options_.prune_after_s > 0 && latest_ > options_.prune_after_s) {
    std::erase_if(entries, [&](const auto& item) {
      return std::max(item.second.used_at, item.second.checked_at) < latest_ - options_.prune_after_s;
    });
  }
  try {
    write_file_atomic(file_, serialize(entries, runs));
  } catch (const std::exception& e) {
    warnings.push_back(fmt::format("link cache not saved: {}", e.what()));
  }
}

}  // namespace al::links
