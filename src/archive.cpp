// The archive index and the archive-check stage (see archive.hpp).
#include "archive_lint/archive.hpp"

#include <dirent.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "archive_lint/attribution.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/text.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kCacheHeader = "# archive-lint post index v1";

std::string scalar_value(const FrontMatter& fm, std::string_view key, std::uint32_t& line, const Document& doc) {
  const FrontMatterKey* k = fm.find(key);
  if (!k) return {};
  line = doc.lines.line_of(k->key_offset);
  try {
    if (k->value.IsScalar()) return k->value.Scalar();
  } catch (const YAML::Exception&) {
  }
  return {};
}

// `infoCode=XXX` in a query string, case-insensitive name.
std::string query_info_code(std::string_view url) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = url.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find_first_of("&#");
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && to_lower_ascii(pair.substr(0, eq)) == "infocode") return std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos || rest[amp] == '#') break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

// Two ASCII letters then at least ten digits: the archive's article codes.
bool looks_like_info_code(std::string_view s) {
  if (s.size() < 12) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (!alpha(s[0]) || !alpha(s[1])) return false;
  return std::all_of(s.begin() + 2, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `YYYY-MM-DD-slug.ext` -> slug; empty when the name has no date prefix.
std::string file_slug(std::string_view name) {
  const auto dot = name.rfind('.');
  const std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);
  if (stem.size() > 11 && stem[4] == '-' && stem[7] == '-' && stem[10] == '-') return std::string(stem.substr(11));
  return std::string(stem);
}

void escape_into(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\x1f': out += "\\u"; break;
      default: out.push_back(c);
    }
  }
}

std::string unescape(std::string_view s) {
  if (s.find('\\') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    switch (s[++i]) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'u': out.push_back('\x1f'); break;
      default: out.push_back(s[i]);
    }
  }
  return out;
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

struct Listed {
  std::string rel;  // relative to the site root, generic
  std::uint64_t size;
  std::int64_t mtime_ns;
};

bool post_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string ext = to_lower_ascii(name.substr(dot + 1));
  return ext == "md" || ext == "markdown" || ext == "mkdown" || ext == "mkd" || ext == "html" || ext == "htm";
}

// Walks DIR (relative name `rel`): names from readdir, then one fstatat per
// entry, split over `threads` threads (stat dominates a warm pre-commit run).
void list_posts(int dirfd, const std::string& rel, std::vector<Listed>& out, int depth, unsigned threads) {
  if (depth > 16) return;
  DIR* dir = ::fdopendir(dirfd);
  if (!dir) {
    ::close(dirfd);
    return;
  }
  std::vector<std::string> names;
  std::vector<std::string> subdirs;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    if (e->d_type == DT_DIR) subdirs.emplace_back(name);
    else if (post_extension(name) || e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) names.emplace_back(name);
  }
  const int fd = ::dirfd(dir);
  const std::size_t first = out.size();
  out.resize(first + names.size());
  std::vector<char> ok(names.size(), 0);
  std::vector<char> is_dir(names.size(), 0);
  auto stat_range = [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      struct stat st {};
      if (::fstatat(fd, names[i].c_str(), &st, 0) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        is_dir[i] = 1;
        continue;
      }
      if (!S_ISREG(st.st_mode) || !post_extension(names[i])) continue;
      Listed& l = out[first + i];
      l.size = static_cast<std::uint64_t>(st.st_size);
      l.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
      ok[i] = 1;
    }
  };
  if (threads > 1 && names.size() > 2000) {
    const std::size_t half = names.size() / 2;
    std::thread other(stat_range, half, names.size());
    stat_range(0, half);
    other.join();
  } else {
    stat_range(0, names.size());
  }
  std::size_t kept = first;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (is_dir[i]) subdirs.push_back(names[i]);
    if (!ok[i]) continue;
    Listed l = out[first + i];
    l.rel = rel + "/" + names[i];
    out[kept++] = std::move(l);
  }
  out.resize(kept);
  for (const auto& sub : subdirs) {
    const int subfd = ::openat(fd, sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (subfd >= 0) list_posts(subfd, rel + "/" + sub, out, depth + 1, threads);
  }
  ::closedir(dir);
}

fs::path normal_absolute(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal();
}

// normal_absolute(p).generic_string(), without path arithmetic in the common
// case (a plain relative or absolute path): it runs once per post.
std::string normal_absolute_string(const fs::path& p) {
  static const std::string cwd = [] {
    std::error_code ec;
    return fs::current_path(ec).generic_string();
  }();
  const std::string& s = p.native();
  const bool plain = !s.empty() && s.find("//") == std::string::npos && s.find("/./") == std::string::npos &&
                     s.find("/../") == std::string::npos && s.rfind("./", 0) != 0 && s.rfind("../", 0) != 0 &&
                     s.back() != '/' && s.back() != '.';
  if (plain && s[0] == '/') return s;
  if (plain && !cwd.empty() && cwd.back() != '/') return cwd + "/" + s;
  return normal_absolute(p).generic_string();
}

// The Jekyll site a post belongs to: the parent of its nearest `_posts`.
std::optional<fs::path> site_root_of(const fs::path& abs) {
  for (fs::path dir = abs.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (dir.filename() == "_posts") return dir.parent_path();
  }
  return std::nullopt;
}


}  // namespace

std::string PostRecord::file_name() const {
  const auto slash = filesystem_path.find_last_of('/');
  return slash == std::string::npos ? filesystem_path : filesystem_path.substr(slash + 1);
}

std::string PostRecord::extension() const {
  const std::string name = file_name();
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : name.substr(dot);
}

std::optional<PostDate> PostRecord::post_date() const {
  if (!date.empty()) {
    if (auto d = read_post_date(date); d && calendar_problem(*d).empty()) return d;
  }
  const std::string name = file_name();
  if (name.size() > 10) {
    if (auto d = read_post_date(std::string_view(name).substr(0, 10)); d && calendar_problem(*d).empty()) return d;
  }
  return std::nullopt;
}

PostRecord make_post_record(const Document& doc, const fs::path& filesystem_path) {
  PostRecord r;
  r.filesystem_path = normal_absolute_string(filesystem_path);
  r.path = doc.path;
  const FrontMatter& fm = doc.front_matter;
  r.front_matter_ok = fm.ok();
  if (r.front_matter_ok) {
    r.title = std::string(trim(scalar_value(fm, "title", r.title_line, doc)));
    r.date = std::string(trim(scalar_value(fm, "date", r.date_line, doc)));
    r.slug = std::string(trim(scalar_value(fm, "slug", r.title_line, doc)));
    std::uint32_t ignored = 0;
    r.permalink = std::string(trim(scalar_value(fm, "permalink", ignored, doc)));
    const std::string published = to_lower_ascii(trim(scalar_value(fm, "published", ignored, doc)));
    r.published = !(published == "false" || published == "no" || published == "off");
    const FrontMatterKey* cats = fm.find("categories");
    if (!cats) cats = fm.find("category");
    if (cats) {
      r.categories_line = doc.lines.line_of(cats->key_offset);
      try {
        r.categories = front_matter_words(cats->value);
      } catch (const YAML::Exception&) {
      }
    }
  }
  if (r.slug.empty()) r.slug = file_slug(doc.file_name());
  for (const auto& link : doc.links) {
    if (link.role != LinkRole::source) continue;
    r.source_url = link.url;
    r.source_line = doc.lines.line_of(link.begin);
    break;
  }
  r.info_code = query_info_code(r.source_url);
  if (r.info_code.empty()) {
    const std::string slug = file_slug(doc.file_name());
    if (looks_like_info_code(slug)) r.info_code = slug;
  }
  return r;
}

fs::path archive_cache_path(const fs::path& site_root) { return site_root / ".archive-lint" / "index.tsv"; }


std::string_view PostView::file_name() const {
  const auto slash = rel.find_last_of('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

std::string_view PostView::extension() const {
  const std::string_view name = file_name();
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot);
}

std::optional<PostDate> PostView::post_date() const {
  if (!date.empty()) {
    if (auto d = read_post_date(date); d && calendar_problem(*d).empty()) return d;
  }
  const std::string_view name = file_name();
  if (name.size() > 10) {
    if (auto d = read_post_date(name.substr(0, 10)); d && calendar_problem(*d).empty()) return d;
  }
  return std::nullopt;
}

std::string ArchiveIndex::filesystem_path(std::size_t post) const {
  const PostView& p = posts[post];
  const std::string& root = roots[p.root];
  if (root.empty()) return std::string(p.rel);
  std::string out;
  out.reserve(root.size() + 1 + p.rel.size());
  out += root;
  out += '/';
  out += p.rel;
  return out;
}

std::string ArchiveIndex::display_path(std::size_t post) const {
  if (post < shown.size() && !shown[post].empty()) return std::string(shown[post]);
  std::string abs = filesystem_path(post);
  if (abs.size() > display_root.size() && abs.compare(0, display_root.size(), display_root) == 0)
    return abs.substr(display_root.size());
  return abs;
}

void ArchiveEmitter::report(std::size_t post, std::uint32_t line, std::string message) {
  if (!index_.reported[post]) return;
  out_.push_back({post, line, std::move(message), std::string(rule_id_), severity_});
}

std::string ArchiveEmitter::where(std::size_t post, std::uint32_t line) const {
  return fmt::format("{}:{}", index_.display_path(post), line);
}

bool has_archive_checks(const std::vector<ActiveCheck>& checks) {
  return std::any_of(checks.begin(), checks.end(),
                     [](const ActiveCheck& c) { return dynamic_cast<const ArchiveCheck*>(c.check.get()) != nullptr; });
}

namespace {

constexpr std::size_t kFields = 15;

// Views of a parsed record; categories are joined into index storage.
PostView view_of(ArchiveIndex& index, const PostRecord& r, std::uint32_t root, std::string_view rel) {
  PostView v;
  v.root = root;
  v.rel = rel;
  v.size = r.size;
  v.mtime_ns = r.mtime_ns;
  v.front_matter_ok = r.front_matter_ok;
  v.published = r.published;
  v.title = r.title;
  v.date = r.date;
  v.source_url = r.source_url;
  v.info_code = r.info_code;
  v.slug = r.slug;
  v.permalink = r.permalink;
  if (r.categories.size() == 1) {
    v.categories = r.categories.front();
  } else if (!r.categories.empty()) {
    std::string joined;
    for (const auto& c : r.categories) {
      if (!joined.empty()) joined.push_back('\x1f');
      joined += c;
    }
    v.categories = index.keep(std::move(joined));
  }
  v.title_line = r.title_line;
  v.date_line = r.date_line;
  v.categories_line = r.categories_line;
  v.source_line = r.source_line;
  return v;
}

}  // namespace

std::string serialize_views(const std::vector<const PostView*>& posts) {
  std::string out;
  out.reserve(posts.size() * 260 + 64);
  out += kCacheHeader;
  out += '\n';
  for (const PostView* p : posts) {
    escape_into(out, p->rel);
    out += '\t';
    out += std::to_string(p->size);
    out += '\t';
    out += std::to_string(p->mtime_ns);
    out += '\t';
    out += p->front_matter_ok ? 'y' : 'n';
    out += p->published ? 'y' : 'n';
    for (std::string_view f : {p->title, p->date, p->categories, p->source_url, p->info_code, p->slug, p->permalink}) {
      out += '\t';
      escape_into(out, f);  // '\x1f' in categories is escaped and restored as the separator
    }
    for (std::uint32_t n : {p->title_line, p->date_line, p->categories_line, p->source_line}) {
      out += '\t';
      out += std::to_string(n);
    }
    out += '\n';
  }
  return out;
}

bool parse_index_views(std::string_view text, ArchiveIndex& index, std::vector<PostView>& out) {
  const std::size_t first = out.size();
  if (text.substr(0, kCacheHeader.size()) != kCacheHeader) return false;
  std::size_t pos = text.find('\n');
  if (pos == std::string_view::npos) return false;
  ++pos;
  out.reserve(first + static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(pos), text.end(), '\n')));
  std::string_view fields[kFields];
  auto field = [&](std::string_view f) -> std::string_view {
    if (f.find('\\') == std::string_view::npos) return f;
    return index.keep(unescape(f));
  };
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      out.resize(first);
      return false;  // truncated
    }
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    std::size_t n = 0, b = 0;
    for (;;) {
      const void* tab = std::memchr(line.data() + b, '\t', line.size() - b);
      const std::size_t e = tab ? static_cast<std::size_t>(static_cast<const char*>(tab) - line.data()) : line.size();
      if (n == kFields) {
        out.clear();
        return false;
      }
      fields[n++] = line.substr(b, e - b);
      if (!tab) break;
      b = e + 1;
    }
    PostView v;
    if (n != kFields || fields[3].size() != 2 || !parse_number(fields[1], v.size) || !parse_number(fields[2], v.mtime_ns) ||
        !parse_number(fields[11], v.title_line) || !parse_number(fields[12], v.date_line) ||
        !parse_number(fields[13], v.categories_line) || !parse_number(fields[14], v.source_line) || fields[0].empty()) {
      out.resize(first);
      return false;
    }
    v.rel = field(fields[0]);
    v.front_matter_ok = fields[3][0] == 'y';
    v.published = fields[3][1] == 'y';
    v.title = field(fields[4]);
    v.date = field(fields[5]);
    v.categories = field(fields[6]);
    v.source_url = field(fields[7]);
    v.info_code = field(fields[8]);
    v.slug = field(fields[9]);
    v.permalink = field(fields[10]);
    out.push_back(v);
  }
  return true;
}

std::string serialize_index(const std::vector<PostRecord>& posts, const fs::path& site_root) {
  ArchiveIndex index;
  std::string root = site_root.generic_string();
  if (!root.empty() && root.back() != '/') root.push_back('/');
  std::vector<PostView> views;
  for (const auto& p : posts) {
    if (p.filesystem_path.compare(0, root.size(), root) != 0) continue;
    views.push_back(view_of(index, p, 0, std::string_view(p.filesystem_path).substr(root.size())));
  }
  std::vector<const PostView*> ptrs;
  for (const auto& v : views) ptrs.push_back(&v);
  return serialize_views(ptrs);
}

bool parse_index(std::string_view text, const fs::path& site_root, std::vector<PostRecord>& out) {
  out.clear();
  ArchiveIndex index;
  std::vector<PostView> views;
  if (!parse_index_views(text, index, views)) return false;
  std::string root = site_root.generic_string();
  if (!root.empty() && root.back() != '/') root.push_back('/');
  for (const auto& v : views) {
    PostRecord r;
    r.filesystem_path = root + std::string(v.rel);
    r.size = v.size;
    r.mtime_ns = v.mtime_ns;
    r.front_matter_ok = v.front_matter_ok;
    r.published = v.published;
    r.title = v.title;
    r.date = v.date;
    v.each_category([&](std::string_view c) { r.categories.emplace_back(c); });
    r.source_url = v.source_url;
    r.info_code = v.info_code;
    r.slug = v.slug;
    r.permalink = v.permalink;
    r.title_line = v.title_line;
    r.date_line = v.date_line;
    r.categories_line = v.categories_line;
    r.source_line = v.source_line;
    out.push_back(std::move(r));
  }
  return true;
}

namespace {
struct PhaseTimer {
  bool on = std::getenv("ARCHIVE_LINT_TIMING") != nullptr;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  void operator()(const char* what) {
    if (!on) return;
    const auto now = std::chrono::steady_clock::now();
    fmt::print(stderr, "archive stage: {:<28} {:8.2f} ms\n", what, std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  }
};

// Exclude globs: those ending in `/**` are decided once per directory.
class Excluder {
 public:
  explicit Excluder(const std::vector<std::string>& globs) {
    for (const auto& g : globs) (g.size() > 3 && g.compare(g.size() - 3, 3, "/**") == 0 ? dir_globs_ : file_globs_).push_back(g);
  }
  // `prefix + rel` is the display path.
  bool operator()(const std::string& prefix, std::string_view rel) {
    const auto slash = rel.find_last_of('/');
    const std::string_view dir = slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
    if (!have_last_ || dir != last_dir_) {
      const std::string probe = prefix + std::string(dir) + (dir.empty() ? "x" : "/x");
      last_excluded_ = std::any_of(dir_globs_.begin(), dir_globs_.end(), [&](const std::string& g) { return glob_match(g, probe); });
      last_dir_storage_ = std::string(dir);
      last_dir_ = last_dir_storage_;
      have_last_ = true;
    }
    if (last_excluded_) return true;
    if (file_globs_.empty()) return false;
    const std::string shown = prefix + std::string(rel);
    return std::any_of(file_globs_.begin(), file_globs_.end(), [&](const std::string& g) { return glob_match(g, shown); });
  }

 private:
  std::vector<std::string> dir_globs_, file_globs_;
  bool have_last_ = false, last_excluded_ = false;
  std::string last_dir_storage_;
  std::string_view last_dir_;
};
}  // namespace

ArchiveStageStats run_archive_stage(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks,
                                    const Config& config, unsigned jobs, RunResult& result) {
  (void)files;
  PhaseTimer phase;
  ArchiveStageStats stats;
  std::vector<const ActiveCheck*> archive_checks;
  for (const auto& c : checks) {
    if (dynamic_cast<const ArchiveCheck*>(c.check.get())) archive_checks.push_back(&c);
  }
  if (archive_checks.empty()) return stats;

  ArchiveIndex index;
  index.display_root = normal_absolute(config.root).generic_string();
  if (!index.display_root.empty() && index.display_root.back() != '/') index.display_root.push_back('/');
  index.roots.push_back("");  // files outside any `_posts`: rel is the absolute path

  // The run's own posts, parsed by the per-file stage.
  std::map<std::uint32_t, std::unordered_map<std::string_view, std::size_t>> run_by_rel;
  std::unordered_set<std::string_view> seen;
  for (auto& record : result.posts) {
    const PostRecord& r = index.keep(std::move(record));
    if (!seen.insert(r.filesystem_path).second) continue;
    std::uint32_t root_id = 0;
    std::string_view rel = r.filesystem_path;
    if (auto root = site_root_of(fs::path(r.filesystem_path))) {
      const std::string root_str = root->generic_string();
      auto it = std::find(index.roots.begin(), index.roots.end(), root_str);
      if (it == index.roots.end()) it = index.roots.insert(index.roots.end(), root_str);
      root_id = static_cast<std::uint32_t>(it - index.roots.begin());
      rel = rel.substr(root_str.size() + 1);
    }
    run_by_rel[root_id][rel] = index.posts.size();
    index.posts.push_back(view_of(index, r, root_id, rel));
    index.reported.push_back(true);
    index.shown.push_back(r.path);
  }
  result.posts.clear();
  if (index.roots.size() == 2) index.site_root = index.roots[1];
  phase("run records");

  Excluder excluded(config.exclude);
  for (std::uint32_t root_id = 1; root_id < index.roots.size(); ++root_id) {
    const std::string root_str = index.roots[root_id];
    const fs::path root(root_str);
    const fs::path cache_file = archive_cache_path(root);
    bool dirty = false;
    const std::size_t begin = index.posts.size();
    {
      const int fd = ::open(cache_file.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st {};
      if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size <= 0) {
        dirty = true;  // no cache yet (or unreadable: rewritten below)
      } else {
        const std::size_t length = static_cast<std::size_t>(st.st_size);
        void* map = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (map == MAP_FAILED) {
          dirty = true;
        } else {
          index.hold(std::shared_ptr<const void>(map, [length](const void* p) { ::munmap(const_cast<void*>(p), length); }));
          if (!parse_index_views(std::string_view(static_cast<const char*>(map), length), index, index.posts)) {
            stats.warnings.push_back(fmt::format("{}: ignoring an unreadable or corrupt index cache; rebuilding it",
                                                 cache_file.generic_string()));
            dirty = true;
          }
        }
      }
      if (fd >= 0) ::close(fd);
    }
    const std::size_t end = index.posts.size();
    for (std::size_t i = begin; i < end; ++i) index.posts[i].root = root_id;
    phase("read cache");
    std::unordered_map<std::string_view, std::size_t> cache_by_rel;
    cache_by_rel.reserve((end - begin) * 2);
    for (std::size_t i = begin; i < end; ++i) cache_by_rel.emplace(index.posts[i].rel, i);

    std::vector<Listed> listed;
    listed.reserve(end - begin + 16);
    const int dirfd = ::open((root / "_posts").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0) list_posts(dirfd, "_posts", listed, 0, jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs);
    phase("list _posts");

    const auto& run_posts = run_by_rel[root_id];
    std::vector<std::size_t> in_cache;  // posts the cache file will hold, by index
    in_cache.reserve(listed.size());
    std::vector<char> live(end - begin, 0);
    std::vector<const Listed*> to_parse;
    std::size_t cache_used = 0;
    const std::string display_prefix = [&] {
      const std::string abs = root_str + "/";
      if (abs.compare(0, index.display_root.size(), index.display_root) == 0) return abs.substr(index.display_root.size());
      return abs;
    }();
    for (const auto& l : listed) {
      const auto c = cache_by_rel.find(l.rel);
      const bool fresh = c != cache_by_rel.end() && index.posts[c->second].size == l.size && index.posts[c->second].mtime_ns == l.mtime_ns;
      if (auto it = run_posts.find(l.rel); it != run_posts.end()) {
        PostView& v = index.posts[it->second];
        v.size = l.size;
        v.mtime_ns = l.mtime_ns;
        if (fresh) ++cache_used;
        else dirty = true;
        in_cache.push_back(it->second);
        continue;
      }
      if (!config.exclude.empty() && excluded(display_prefix, l.rel)) continue;
      if (fresh) {
        ++cache_used;
        ++stats.cache_hits;
        live[c->second - begin] = 1;
        continue;
      }
      dirty = true;
      to_parse.push_back(&l);
    }
    if (cache_used != end - begin) dirty = true;  // entries for files that are gone
    // Keep the fresh cache entries, in place.
    std::size_t kept = begin;
    for (std::size_t i = begin; i < end; ++i) {
      if (live[i - begin]) index.posts[kept++] = index.posts[i];
    }
    index.posts.resize(kept);
    for (std::size_t i = begin; i < kept; ++i) in_cache.push_back(i);
    index.reported.resize(index.posts.size(), false);
    phase("match cache");

    // Index what the cache could not answer, in parallel; front matter and links only.
    if (!to_parse.empty()) {
      std::vector<PostRecord> parsed(to_parse.size());
      std::atomic<std::size_t> next{0};
      auto work = [&] {
        for (;;) {
          const std::size_t i = next.fetch_add(1);
          if (i >= to_parse.size()) break;
          const std::string abs = root_str + "/" + to_parse[i]->rel;
          ParseOptions options;
          options.html = false;
          const Document doc = load_document(abs, std::string(), options);
          parsed[i] = make_post_record(doc, abs);
          parsed[i].size = to_parse[i]->size;
          parsed[i].mtime_ns = to_parse[i]->mtime_ns;
        }
      };
      unsigned n = jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs;
      n = static_cast<unsigned>(std::min<std::size_t>(n, to_parse.size()));
      std::vector<std::thread> threads;
      for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
      work();
      for (auto& t : threads) t.join();
      stats.parsed += parsed.size();
      for (auto& p : parsed) {
        const PostRecord& r = index.keep(std::move(p));
        in_cache.push_back(index.posts.size());
        index.posts.push_back(view_of(index, r, root_id, std::string_view(r.filesystem_path).substr(root_str.size() + 1)));
        index.reported.push_back(false);
      }
      phase("parse uncached posts");
    }
    if (dirty) {
      std::vector<const PostView*> ptrs;
      ptrs.reserve(in_cache.size());
      for (std::size_t i : in_cache) ptrs.push_back(&index.posts[i]);
      std::error_code ec;
      fs::create_directories(cache_file.parent_path(), ec);
      // Like .pytest_cache: the cache directory ignores itself in the archive's git repository.
      const fs::path ignore = cache_file.parent_path() / ".gitignore";
      if (!fs::exists(ignore, ec)) {
        try {
          write_file_atomic(ignore, "# archive-lint's post index cache; safe to delete\n*\n");
        } catch (const std::exception&) {
        }
      }
      try {
        write_file_atomic(cache_file, serialize_views(ptrs));
      } catch (const std::exception& e) {
        stats.warnings.push_back(fmt::format("cannot write the index cache: {}", e.what()));
      }
      phase("write cache");
    }
  }
  index.shown.resize(index.posts.size());
  stats.indexed = index.posts.size();

  std::vector<PendingFinding> pending;
  for (const auto* active : archive_checks) {
    const auto& check = dynamic_cast<const ArchiveCheck&>(*active->check);
    ArchiveEmitter emit(index, check.meta().id, active->severity, pending);
    check.check_archive(index, emit);
    phase(check.meta().id.c_str());
  }
  if (!pending.empty()) {
    // Materialise findings against each file's text, honouring its suppressions.
    std::stable_sort(pending.begin(), pending.end(),
                     [](const PendingFinding& a, const PendingFinding& b) { return a.post < b.post; });
    std::size_t i = 0;
    while (i < pending.size()) {
      const std::size_t post = pending[i].post;
      ParseOptions options;
      options.html = false;
      const Document doc = load_document(index.filesystem_path(post), index.display_path(post), options);
      for (; i < pending.size() && pending[i].post == post; ++i) {
        const auto& f = pending[i];
        std::vector<Diagnostic> out;
        Emitter emit(doc, f.rule_id, f.severity, out);
        const std::uint32_t line = std::min<std::uint32_t>(std::max<std::uint32_t>(1, f.line),
                                                           static_cast<std::uint32_t>(std::max<std::size_t>(1, doc.lines.line_count())));
        const std::string_view text = doc.line_text(line);
        const std::size_t start = doc.lines.line_start(line);
        const std::size_t lead = text.find_first_not_of(" \t");
        emit.report(start + (lead == std::string_view::npos ? 0 : lead), start + text.size(), f.message);
        for (auto& d : out) {
          if (!doc.suppressions.covers(d.rule_id, d.start.line)) result.diagnostics.push_back(std::move(d));
        }
      }
    }
    std::sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
    assign_fingerprints(result.diagnostics);
  }
  return stats;
}

}  // namespace al
