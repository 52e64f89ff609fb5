#pragma once
// Archive-wide checks: they run after every file has been checked and see an
// index of every post in the archive (front matter and source link only, no
// HTML parse). When only some files are given (pre-commit), the rest of the
// archive is indexed from an on-disk cache keyed by path, size and mtime, and
// findings are reported only on the files given.
#include <cstdint>
#include <deque>
#include <memory>
#include <filesystem>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "archive_lint/check.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/post_record.hpp"
#include "archive_lint/runner.hpp"
#include "archive_lint/site.hpp"

namespace al {

// A post in the index: views into the cache file's text (warm runs allocate
// almost nothing per post) or into records parsed in this run.
struct PostView {
  std::uint32_t root = 0;          // ArchiveIndex::roots[root] + '/' + rel is the file
  std::string_view rel;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool front_matter_ok = false;
  bool published = true;
  std::string_view title, date, source_url, info_code, slug, permalink, lang;
  BodyFingerprint body;
  std::string_view categories;     // joined with '\x1f'
  std::uint32_t title_line = 1, date_line = 1, categories_line = 1, source_line = 1;

  // Empty names are skipped: no post has one (front_matter_words drops them),
  // and the join cannot keep them, so an index holding one (corrupt, or
  // edited) lost one more on every rewrite and showed checks a '' category.
  template <typename F>
  void each_category(F&& f) const {
    std::string_view rest = categories;
    while (!rest.empty()) {
      const auto sep = rest.find('\x1f');
      if (sep != 0) f(rest.substr(0, sep));
      if (sep == std::string_view::npos) break;
      rest.remove_prefix(sep + 1);
    }
  }
  std::string_view file_name() const;
  std::string_view extension() const;  // ".md"
  // Front-matter date, else the file name's; nullopt when neither is a real date.
  std::optional<PostDate> post_date() const;
};

class ArchiveIndex {
 public:
  std::vector<PostView> posts;
  std::vector<bool> reported;          // parallel to posts: in this run's file list
  std::vector<std::string> roots;      // site roots (or "" for files outside any `_posts`)
  std::filesystem::path site_root;     // the Jekyll site when there is one, else empty
  const JekyllSite* jekyll = nullptr;  // the run's site model (Config::jekyll), when the pipeline made one

  std::string filesystem_path(std::size_t post) const;
  std::string display_path(std::size_t post) const;  // relative to the config root when inside it

  // Storage the views point into; a deque never moves its elements.
  std::string& keep(std::string text) { return strings_.emplace_back(std::move(text)); }
  PostRecord& keep(PostRecord record) { return records_.emplace_back(std::move(record)); }
  void hold(std::shared_ptr<const void> resource) { held_.push_back(std::move(resource)); }
  std::string display_root;            // config root with a trailing '/'
  std::vector<std::string_view> shown; // display paths of the run's posts (empty: computed)

 private:
  std::deque<std::string> strings_;
  std::deque<PostRecord> records_;
  std::vector<std::shared_ptr<const void>> held_;  // e.g. the mapped cache file
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
  const ArchiveIndex& index() const { return index_; }
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
// (suppressions applied, line hashes set; finalise_findings() orders them).
ArchiveStageStats run_archive_stage(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks,
                                    const Config& config, unsigned jobs, RunResult& result);

// The cache file of a site root, and its (de)serialisation; exposed for tests.
std::filesystem::path archive_cache_path(const std::filesystem::path& site_root);
std::string serialize_index(const std::vector<PostRecord>& posts, const std::filesystem::path& site_root);
// Returns false (and leaves out empty) when the text is not a valid cache.
bool parse_index(std::string_view text, const std::filesystem::path& site_root, std::vector<PostRecord>& out);
// The same on views, appended to `out` (which is left as it was on failure);
// they point into `text` or into `index` storage for escaped values.
bool parse_index_views(std::string_view text, ArchiveIndex& index, std::vector<PostView>& out);
std::string serialize_views(const std::vector<const PostView*>& posts);

}  // namespace al
