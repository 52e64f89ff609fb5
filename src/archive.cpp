// The archive index and the archive-check stage (see archive.hpp).
#include "archive_lint/archive.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <map>
#include <thread>
#include <unordered_map>

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

// Walks DIR (relative name `rel`) with one fstatat per entry.
void list_posts(int dirfd, const std::string& rel, std::vector<Listed>& out, int depth) {
  if (depth > 16) return;
  DIR* dir = ::fdopendir(dirfd);
  if (!dir) {
    ::close(dirfd);
    return;
  }
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    struct stat st {};
    if (::fstatat(::dirfd(dir), e->d_name, &st, 0) != 0) continue;
    std::string child = rel + "/" + std::string(name);
    if (S_ISDIR(st.st_mode)) {
      const int sub = ::openat(::dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (sub >= 0) list_posts(sub, child, out, depth + 1);
      continue;
    }
    if (!S_ISREG(st.st_mode) || !post_extension(name)) continue;
    out.push_back({std::move(child), static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec});
  }
  ::closedir(dir);
}

fs::path normal_absolute(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal();
}

// The Jekyll site a post belongs to: the parent of its nearest `_posts`.
std::optional<fs::path> site_root_of(const fs::path& abs) {
  for (fs::path dir = abs.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (dir.filename() == "_posts") return dir.parent_path();
  }
  return std::nullopt;
}

// Display path for `abs`: relative to the config root when inside it.
class DisplayPaths {
 public:
  explicit DisplayPaths(const fs::path& config_root) : root_(normal_absolute(config_root).generic_string()) {
    if (!root_.empty() && root_.back() != '/') root_.push_back('/');
  }
  std::string operator()(const std::string& abs) const {
    if (abs.size() > root_.size() && abs.compare(0, root_.size(), root_) == 0) return abs.substr(root_.size());
    return abs;
  }

 private:
  std::string root_;
};

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
  r.filesystem_path = normal_absolute(filesystem_path).generic_string();
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

void ArchiveEmitter::report(std::size_t post, std::uint32_t line, std::string message) {
  if (!index_.reported[post]) return;
  out_.push_back({post, line, std::move(message), std::string(rule_id_), severity_});
}

std::string ArchiveEmitter::where(std::size_t post, std::uint32_t line) const {
  return fmt::format("{}:{}", index_.posts[post].path, line);
}

bool has_archive_checks(const std::vector<ActiveCheck>& checks) {
  return std::any_of(checks.begin(), checks.end(),
                     [](const ActiveCheck& c) { return dynamic_cast<const ArchiveCheck*>(c.check.get()) != nullptr; });
}

fs::path archive_cache_path(const fs::path& site_root) { return site_root / ".archive-lint" / "index.tsv"; }

std::string serialize_index(const std::vector<PostRecord>& posts, const fs::path& site_root) {
  std::string root = site_root.generic_string();
  if (!root.empty() && root.back() != '/') root.push_back('/');
  std::string out;
  out.reserve(posts.size() * 256);
  out += kCacheHeader;
  out += '\n';
  for (const auto& p : posts) {
    if (p.filesystem_path.compare(0, root.size(), root) != 0) continue;
    escape_into(out, std::string_view(p.filesystem_path).substr(root.size()));
    out += fmt::format("\t{}\t{}\t{}{}\t", p.size, p.mtime_ns, p.front_matter_ok ? 'y' : 'n', p.published ? 'y' : 'n');
    escape_into(out, p.title);
    out += '\t';
    escape_into(out, p.date);
    out += '\t';
    for (std::size_t i = 0; i < p.categories.size(); ++i) {
      if (i) out.push_back('\x1f');
      escape_into(out, p.categories[i]);
    }
    out += '\t';
    escape_into(out, p.source_url);
    out += '\t';
    escape_into(out, p.info_code);
    out += '\t';
    escape_into(out, p.slug);
    out += '\t';
    escape_into(out, p.permalink);
    out += fmt::format("\t{}\t{}\t{}\t{}\n", p.title_line, p.date_line, p.categories_line, p.source_line);
  }
  return out;
}

bool parse_index(std::string_view text, const fs::path& site_root, std::vector<PostRecord>& out) {
  out.clear();
  if (text.substr(0, kCacheHeader.size()) != kCacheHeader) return false;
  std::size_t pos = text.find('\n');
  if (pos == std::string_view::npos) return false;
  ++pos;
  std::string root = site_root.generic_string();
  if (!root.empty() && root.back() != '/') root.push_back('/');
  std::string_view fields[15];
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      out.clear();
      return false;  // truncated
    }
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    std::size_t n = 0, b = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == '\t') {
        if (n == 15) {
          out.clear();
          return false;
        }
        fields[n++] = line.substr(b, i - b);
        b = i + 1;
      }
    }
    PostRecord r;
    if (n != 15 || fields[3].size() != 2 || !parse_number(fields[1], r.size) || !parse_number(fields[2], r.mtime_ns) ||
        !parse_number(fields[11], r.title_line) || !parse_number(fields[12], r.date_line) ||
        !parse_number(fields[13], r.categories_line) || !parse_number(fields[14], r.source_line)) {
      out.clear();
      return false;
    }
    r.filesystem_path = root + unescape(fields[0]);
    r.front_matter_ok = fields[3][0] == 'y';
    r.published = fields[3][1] == 'y';
    r.title = unescape(fields[4]);
    r.date = unescape(fields[5]);
    std::string_view cats = fields[6];
    while (!cats.empty()) {
      const auto sep = cats.find('\x1f');
      r.categories.push_back(unescape(cats.substr(0, sep)));
      if (sep == std::string_view::npos) break;
      cats.remove_prefix(sep + 1);
    }
    r.source_url = unescape(fields[7]);
    r.info_code = unescape(fields[8]);
    r.slug = unescape(fields[9]);
    r.permalink = unescape(fields[10]);
    out.push_back(std::move(r));
  }
  return true;
}

ArchiveStageStats run_archive_stage(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks,
                                    const Config& config, unsigned jobs, RunResult& result) {
  (void)files;
  ArchiveStageStats stats;
  std::vector<const ActiveCheck*> archive_checks;
  for (const auto& c : checks) {
    if (dynamic_cast<const ArchiveCheck*>(c.check.get())) archive_checks.push_back(&c);
  }
  if (archive_checks.empty()) return stats;

  ArchiveIndex index;
  std::unordered_map<std::string, std::size_t> by_path;
  for (auto& r : result.posts) {
    if (by_path.emplace(r.filesystem_path, index.posts.size()).second) {
      index.posts.push_back(std::move(r));
      index.reported.push_back(true);
    }
  }
  result.posts.clear();

  std::vector<fs::path> roots;
  for (const auto& p : index.posts) {
    if (auto root = site_root_of(fs::path(p.filesystem_path))) {
      if (std::find(roots.begin(), roots.end(), *root) == roots.end()) roots.push_back(*root);
    }
  }
  if (roots.size() == 1) index.site_root = roots.front();
  const DisplayPaths display(config.root);
  auto excluded = [&](const std::string& shown) {
    return std::any_of(config.exclude.begin(), config.exclude.end(), [&](const std::string& g) { return glob_match(g, shown); });
  };

  for (const auto& root : roots) {
    const std::string root_str = root.generic_string();
    const fs::path cache_file = archive_cache_path(root);
    // Cached entries by relative path.
    std::vector<PostRecord> cached;
    bool dirty = false;
    {
      std::string error;
      std::error_code ec;
      if (fs::exists(cache_file, ec)) {
        auto text = read_file(cache_file, error);
        if (!text || !parse_index(*text, root, cached)) {
          stats.warnings.push_back(fmt::format("{}: ignoring an unreadable or corrupt index cache; rebuilding it",
                                               display(cache_file.generic_string())));
          cached.clear();
        }
      }
      dirty = !fs::exists(cache_file, ec);
    }
    std::unordered_map<std::string_view, std::size_t> cache_by_path;
    cache_by_path.reserve(cached.size());
    for (std::size_t i = 0; i < cached.size(); ++i) cache_by_path.emplace(cached[i].filesystem_path, i);

    std::vector<Listed> listed;
    const int dirfd = ::open((root / "_posts").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0) list_posts(dirfd, "_posts", listed, 0);

    std::vector<PostRecord> keep;  // what the cache will hold
    std::vector<std::pair<Listed, std::string>> to_parse;
    std::size_t cache_used = 0;
    for (auto& l : listed) {
      std::string abs = root_str + "/" + l.rel;
      if (auto it = by_path.find(abs); it != by_path.end()) {
        PostRecord& r = index.posts[it->second];
        r.size = l.size;
        r.mtime_ns = l.mtime_ns;
        auto c = cache_by_path.find(abs);
        if (c == cache_by_path.end() || cached[c->second].size != l.size || cached[c->second].mtime_ns != l.mtime_ns) dirty = true;
        else ++cache_used;
        keep.push_back(r);
        continue;
      }
      std::string shown = display(abs);
      if (!config.exclude.empty() && excluded(shown)) continue;
      if (auto c = cache_by_path.find(abs); c != cache_by_path.end()) {
        PostRecord& r = cached[c->second];
        if (r.size == l.size && r.mtime_ns == l.mtime_ns) {
          ++cache_used;
          ++stats.cache_hits;
          r.path = std::move(shown);
          keep.push_back(r);
          by_path.emplace(r.filesystem_path, index.posts.size());
          index.posts.push_back(std::move(r));
          index.reported.push_back(false);
          continue;
        }
      }
      dirty = true;
      to_parse.emplace_back(std::move(l), std::move(abs));
    }
    if (cache_used != cached.size()) dirty = true;  // entries for files that are gone

    // Index what the cache could not answer, in parallel; front matter and links only.
    if (!to_parse.empty()) {
      std::vector<PostRecord> parsed(to_parse.size());
      std::atomic<std::size_t> next{0};
      auto work = [&] {
        for (;;) {
          const std::size_t i = next.fetch_add(1);
          if (i >= to_parse.size()) break;
          const auto& [l, abs] = to_parse[i];
          ParseOptions options;
          options.html = false;
          const Document doc = load_document(abs, display(abs), options);
          parsed[i] = make_post_record(doc, abs);
          parsed[i].size = l.size;
          parsed[i].mtime_ns = l.mtime_ns;
        }
      };
      unsigned n = jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs;
      n = static_cast<unsigned>(std::min<std::size_t>(n, to_parse.size()));
      std::vector<std::thread> threads;
      for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
      work();
      for (auto& t : threads) t.join();
      stats.parsed += parsed.size();
      for (auto& r : parsed) {
        keep.push_back(r);
        if (by_path.emplace(r.filesystem_path, index.posts.size()).second) {
          index.posts.push_back(std::move(r));
          index.reported.push_back(false);
        }
      }
    }
    if (dirty) {
      std::error_code ec;
      fs::create_directories(cache_file.parent_path(), ec);
      try {
        write_file_atomic(cache_file, serialize_index(keep, root));
      } catch (const std::exception& e) {
        stats.warnings.push_back(fmt::format("cannot write the index cache: {}", e.what()));
      }
    }
  }
  stats.indexed = index.posts.size();

  std::vector<PendingFinding> pending;
  for (const auto* active : archive_checks) {
    const auto& check = dynamic_cast<const ArchiveCheck&>(*active->check);
    ArchiveEmitter emit(index, check.meta().id, active->severity, pending);
    check.check_archive(index, emit);
  }
  if (!pending.empty()) {
    // Materialise findings against each file's text, honouring its suppressions.
    std::stable_sort(pending.begin(), pending.end(),
                     [](const PendingFinding& a, const PendingFinding& b) { return a.post < b.post; });
    std::size_t i = 0;
    while (i < pending.size()) {
      const PostRecord& post = index.posts[pending[i].post];
      ParseOptions options;
      options.html = false;
      const Document doc = load_document(post.filesystem_path, post.path, options);
      for (; i < pending.size() && &index.posts[pending[i].post] == &post; ++i) {
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
