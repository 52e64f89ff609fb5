// The archive index and the archive-check stage (see archive.hpp).
#include "archive_lint/archive.hpp"
#include "archive_lint/attribution_links.hpp"
#include "archive_lint/permalink.hpp"
#include "archive_lint/line_hash.hpp"

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
#include <exception>
#include <iterator>
#include <latch>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "archive_lint/attribution.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/text.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

// v2: categories are split as Jekyll splits them (`categories` on spaces,
// `category` whole). v3: `lang` and the body fingerprint. A cache of another
// version is rebuilt without a warning.
constexpr std::string_view kCacheHeader = "# archive-lint post index v3";
constexpr std::string_view kCacheHeaderFamily = "# archive-lint post index v";

struct ScalarField {
  std::string value;       // empty when the key is missing or not a scalar
  std::uint32_t line = 0;  // the key's line, 0 when missing
};

ScalarField scalar_field(const FrontMatter& fm, std::string_view key, const Document& doc) {
  const FrontMatterKey* k = fm.find(key);
  if (!k) return {};
  ScalarField f{{}, doc.lines.line_of(k->key_offset)};
  try {
    if (k->value.IsScalar()) f.value = std::string(trim(k->value.Scalar()));
  } catch (const YAML::Exception&) {
  }
  return f;
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

// Whether S has a byte that escape_into rewrites: all are control bytes or
// '\\'. Eight bytes at a time (the classic has-less-than and has-zero-byte
// tricks), as a loop over bytes was half the time of writing the index.
bool needs_escape(std::string_view s) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
    const std::uint64_t y = x ^ (ones * static_cast<unsigned char>('\\'));
    const std::uint64_t backslash = (y - ones) & ~y & highs;
    if (below_space | backslash) return true;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) < 0x20 || s[i] == '\\') return true;
  }
  return false;
}

void escape_into(std::string& out, std::string_view s) {
  // Most values need no escape: append them whole (a byte at a time took 20 ms for 20,000 posts).
  if (!needs_escape(s)) {
    out += s;
    return;
  }
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

// A file under `_posts`: its path relative to the site root lives in
// Listing::names (NUL-terminated, so the name part can go to fstatat as is).
struct Listed {
  std::uint32_t dir = 0;          // index into Listing::dir_fds
  std::uint32_t rel_offset = 0;   // "_posts/sub/name.md" in Listing::names
  std::uint32_t rel_length = 0;
  std::uint32_t name_offset = 0;  // where the file name starts within rel
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool ok = false;                // a regular post file (set by stat_listing)
};

struct Listing {
  std::vector<Listed> files;
  std::string names;
  std::vector<int> dir_fds;
  Listing() = default;
  Listing(const Listing&) = delete;
  Listing& operator=(const Listing&) = delete;
  ~Listing() {
    for (int fd : dir_fds) ::close(fd);
  }
  std::string_view rel(const Listed& l) const { return std::string_view(names.data() + l.rel_offset, l.rel_length); }
  const char* name(const Listed& l) const { return names.data() + l.rel_offset + l.name_offset; }
};

// Reads the names under DIR (relative name `rel`) without a stat per file:
// readdir's d_type tells files from directories on every common file system
// (entries of unknown type are stat-ed here). Linked directories are not
// followed; linked files are, by stat_listing.
void list_names(int dirfd, const std::string& rel, Listing& out, int depth) {
  if (depth > 16) {
    ::close(dirfd);
    return;
  }
  DIR* dir = ::fdopendir(dirfd);
  if (!dir) {
    ::close(dirfd);
    return;
  }
  const int fd = ::dup(::dirfd(dir));
  if (fd < 0) {
    ::closedir(dir);
    return;
  }
  const auto dir_index = static_cast<std::uint32_t>(out.dir_fds.size());
  out.dir_fds.push_back(fd);
  std::vector<std::string> subdirs;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    const bool is_post = is_post_file_name(name);
    if (is_dir) {
      subdirs.emplace_back(name);
      continue;
    }
    if (!is_post || (e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN)) continue;
    Listed l;
    l.dir = dir_index;
    l.rel_offset = static_cast<std::uint32_t>(out.names.size());
    l.name_offset = static_cast<std::uint32_t>(rel.size() + 1);
    l.rel_length = static_cast<std::uint32_t>(rel.size() + 1 + name.size());
    out.names += rel;
    out.names += '/';
    out.names += name;
    out.names += '\0';
    out.files.push_back(l);
  }
  ::closedir(dir);
  for (const auto& sub : subdirs) {
    const int subfd = ::openat(fd, sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (subfd >= 0) list_names(subfd, rel + "/" + sub, out, depth + 1);
  }
}

// One fstatat per listed file (following links), in chunks taken in turn by
// every thread that calls run(): on a warm pre-commit run of a large archive,
// stat is the largest cost, and on a busy (or virtual) machine one thread
// often runs slower than the other, which then does more of the work.
class ListingStatter {
 public:
  explicit ListingStatter(Listing& listing) : listing_(listing) {}
  void run() {
    const std::size_t n = listing_.files.size();
    for (std::size_t b; (b = next_.fetch_add(kChunk)) < n;) {
      for (std::size_t i = b; i < std::min(n, b + kChunk); ++i) {
        Listed& l = listing_.files[i];
        struct stat st {};
        if (::fstatat(listing_.dir_fds[l.dir], listing_.name(l), &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
        l.size = static_cast<std::uint64_t>(st.st_size);
        l.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
        l.ok = true;
      }
    }
  }

 private:
  static constexpr std::size_t kChunk = 256;
  Listing& listing_;
  std::atomic<std::size_t> next_{0};
};

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

// Every `_posts` folder of the run's Jekyll site is indexed, so a post given
// alone (pre-commit) is compared with the site's other folders too.
void add_site_post_roots(ArchiveIndex& index) {
  if (!index.jekyll || index.roots.size() < 2) return;
  for (const auto& dir : index.jekyll->post_directories()) {
    if (dir.filename() != "_posts") continue;
    const std::string root = dir.parent_path().generic_string();
    if (std::find(index.roots.begin(), index.roots.end(), root) == index.roots.end()) index.roots.push_back(root);
  }
}

// The Jekyll site a post belongs to: the parent of its nearest `_posts`.
std::optional<fs::path> site_root_of(const fs::path& abs) {
  for (fs::path dir = abs.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (dir.filename() == "_posts") return dir.parent_path();
  }
  return std::nullopt;
}


}  // namespace

namespace {

// The post helpers of PostRecord and PostView, on the path and date they hold.
std::string_view file_name_in(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view extension_of(std::string_view name) {
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot);
}

// The front-matter date, else the file name's; nullopt when neither is a real date.
std::optional<PostDate> post_date_of(std::string_view date, std::string_view file_name) {
  if (!date.empty()) {
    if (auto d = read_post_date(date); d && calendar_problem(*d).empty()) return d;
  }
  if (file_name.size() > 10) {
    if (auto d = read_post_date(file_name.substr(0, 10)); d && calendar_problem(*d).empty()) return d;
  }
  return std::nullopt;
}

}  // namespace

std::string PostRecord::file_name() const { return std::string(file_name_in(filesystem_path)); }
std::string PostRecord::extension() const { return std::string(extension_of(file_name_in(filesystem_path))); }
std::optional<PostDate> PostRecord::post_date() const { return post_date_of(date, file_name_in(filesystem_path)); }

PostRecord make_post_record(const Document& doc, const fs::path& filesystem_path) {
  PostRecord r;
  r.filesystem_path = normal_absolute_string(filesystem_path);
  r.path = doc.path;
  const FrontMatter& fm = doc.front_matter;
  r.front_matter_ok = fm.ok();
  if (r.front_matter_ok) {
    ScalarField title = scalar_field(fm, "title", doc);
    ScalarField date = scalar_field(fm, "date", doc);
    r.title = std::move(title.value);
    r.title_line = title.line;
    r.date = std::move(date.value);
    r.date_line = date.line;
    r.slug = scalar_field(fm, "slug", doc).value;
    r.permalink = scalar_field(fm, "permalink", doc).value;
    r.lang = scalar_field(fm, "lang", doc).value;
    if (r.lang.empty()) r.lang = scalar_field(fm, "language", doc).value;
    const std::string published = to_lower_ascii(scalar_field(fm, "published", doc).value);
    r.published = !(published == "false" || published == "no" || published == "off");
    const FrontMatterKey* cats = fm.find("categories");
    const FrontMatterKey* cat = fm.find("category");
    if (cats || cat) {
      r.categories_line = doc.lines.line_of((cats ? cats : cat)->key_offset);
      try {
        r.categories = jekyll_front_matter_categories(cats ? cats->value : YAML::Node(), cat ? cat->value : YAML::Node());
      } catch (const YAML::Exception&) {
      }
    }
  }
  if (r.slug.empty()) r.slug = file_slug(doc.file_name());
  r.body = fingerprint_body(doc.body());
  if (const Link* source = source_link(doc)) {
    r.source_url = source->url;
    r.source_line = doc.lines.line_of(source->begin);
  }
  r.info_code = query_info_code(r.source_url);
  if (r.info_code.empty()) {
    const std::string slug = file_slug(doc.file_name());
    if (looks_like_info_code(slug)) r.info_code = slug;
  }
  return r;
}

fs::path archive_cache_path(const fs::path& site_root) { return site_root / ".archive-lint" / "index.tsv"; }


std::string_view PostView::file_name() const { return file_name_in(rel); }
std::string_view PostView::extension() const { return extension_of(file_name_in(rel)); }
std::optional<PostDate> PostView::post_date() const { return post_date_of(date, file_name_in(rel)); }

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
                     [](const ActiveCheck& c) { return c.check->meta().stage == Stage::archive; });
}

namespace {

constexpr std::size_t kFields = 20;

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
  v.lang = r.lang;
  v.body = r.body;
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

namespace {
template <typename T>
void append_number(std::string& out, T n) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}
}  // namespace

std::string serialize_views(const std::vector<const PostView*>& posts) {
  std::string out;
  std::size_t capacity = kCacheHeader.size() + 1;
  for (const PostView* p : posts) {
    capacity += 96 + p->rel.size() + p->title.size() + p->date.size() + p->categories.size() + p->source_url.size() +
                p->info_code.size() + p->slug.size() + p->permalink.size() + p->lang.size() + 72;
  }
  out.reserve(capacity + capacity / 64);  // escapes are rare; one allocation, no copy
  out += kCacheHeader;
  out += '\n';
  for (const PostView* p : posts) {
    escape_into(out, p->rel);
    out += '\t';
    append_number(out, p->size);
    out += '\t';
    append_number(out, p->mtime_ns);
    out += '\t';
    out += p->front_matter_ok ? 'y' : 'n';
    out += p->published ? 'y' : 'n';
    for (std::string_view f :
         {p->title, p->date, p->categories, p->source_url, p->info_code, p->slug, p->permalink, p->lang}) {
      out += '\t';
      escape_into(out, f);  // '\x1f' in categories is escaped and restored as the separator
    }
    for (std::uint32_t n : {p->title_line, p->date_line, p->categories_line, p->source_line, p->body.tokens}) {
      out += '\t';
      append_number(out, n);
    }
    for (std::uint64_t n : {p->body.exact, p->body.loose, p->body.simhash}) {
      out += '\t';
      append_number(out, n);
    }
    out += '\n';
  }
  return out;
}

namespace {
// A number as serialize_views writes it (std::to_chars); false on anything else or overflow.
template <typename T>
bool parse_digits(std::string_view s, T& out) {
  // Up to 18 digits cannot overflow the accumulator; anything else (a negative
  // mtime, a 19- or 20-digit value) goes to the general parser.
  if (s.empty() || s.size() > 18) return parse_number(s, out);
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return parse_number(s, out);
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
  out = static_cast<T>(v);
  return true;
}
}  // namespace

// One pass over each line that finds the tabs and notes whether any field is
// escaped: a warm pre-commit run parses 20,000 lines, and a call per field
// (memchr, find, from_chars) cost more than the bytes themselves.
bool parse_index_views(std::string_view text, ArchiveIndex& index, std::vector<PostView>& out) {
  const std::size_t first = out.size();
  if (text.substr(0, kCacheHeader.size()) != kCacheHeader) return false;
  std::size_t pos = text.find('\n');
  if (pos == std::string_view::npos) return false;
  ++pos;
  out.reserve(first + (text.size() - pos) / 128 + 16);  // lines are about 250 bytes; a guess that rarely reallocates
  const char* const data = text.data();
  const std::size_t size = text.size();
  std::string_view fields[kFields];
  while (pos < size) {
    std::size_t n = 0, b = pos, i = pos;
    bool escaped = false;
    for (; i < size; ++i) {
      const char c = data[i];
      if (c == '\t' || c == '\n') {
        if (n == kFields) {  // a sixteenth field
          n = kFields + 1;
          break;
        }
        fields[n++] = std::string_view(data + b, i - b);
        b = i + 1;
        if (c == '\n') break;
      } else if (c == '\\') {
        escaped = true;
      }
    }
    if (i >= size || data[i] != '\n' || n != kFields) {
      out.resize(first);
      return false;  // truncated, or a line with too few or too many fields
    }
    pos = i + 1;
    PostView v;
    if (fields[3].size() != 2 || !parse_digits(fields[1], v.size) || !parse_digits(fields[2], v.mtime_ns) ||
        !parse_digits(fields[12], v.title_line) || !parse_digits(fields[13], v.date_line) ||
        !parse_digits(fields[14], v.categories_line) || !parse_digits(fields[15], v.source_line) ||
        !parse_digits(fields[16], v.body.tokens) || !parse_digits(fields[17], v.body.exact) ||
        !parse_digits(fields[18], v.body.loose) || !parse_digits(fields[19], v.body.simhash) || fields[0].empty()) {
      out.resize(first);
      return false;
    }
    auto field = [&](std::string_view f) -> std::string_view {
      if (!escaped || f.find('\\') == std::string_view::npos) return f;
      return index.keep(unescape(f));
    };
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
    v.lang = field(fields[11]);
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
    r.lang = v.lang;
    r.body = v.body;
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
// An archive check sees every post at once, so its failure belongs to no one
// file: it is reported on the run's first post (or as a warning without one).
void report_archive_failures(const ArchiveIndex& index, const std::vector<ActiveCheck>& checks,
                             const std::vector<std::string>& failures, std::vector<std::vector<PendingFinding>>& found,
                             std::vector<std::string>& warnings) {
  const ActiveCheck* rule = find_active(checks, kCheckFailedRule);
  const auto first = std::find(index.reported.begin(), index.reported.end(), true);
  for (std::size_t k = 0; k < failures.size(); ++k) {
    if (failures[k].empty() || !rule) continue;
    if (first == index.reported.end()) {
      warnings.push_back(failures[k]);
      continue;
    }
    PendingFinding f;
    f.post = static_cast<std::size_t>(first - index.reported.begin());
    f.message = failures[k];
    f.rule_id = std::string(kCheckFailedRule);
    f.severity = rule->severity;
    found[k].push_back(std::move(f));
  }
}

}  // namespace

namespace {

constexpr std::size_t kParse = static_cast<std::size_t>(-1);  // a listed file with no usable cache entry
constexpr std::size_t kSkip = kParse - 1;                       // a listed file that is not indexed

// Run posts by site root (index into ArchiveIndex::roots), then by path relative to it.
using RunPostsByRoot = std::map<std::uint32_t, std::unordered_map<std::string_view, std::size_t>>;

// The run's own posts, parsed by the per-file stage, open the index. Each is
// registered under its site root, whose listing is matched against them later.
// Drafts in the run are linted on their own, but Jekyll publishes them only
// with show_drafts: till then they collide with nothing and count in no category.
RunPostsByRoot index_run_posts(ArchiveIndex& index, std::vector<PostRecord>& run_posts, bool show_drafts) {
  RunPostsByRoot by_root;
  std::unordered_set<std::string_view> seen;
  for (auto& record : run_posts) {
    const std::string_view path = record.filesystem_path;
    if (!show_drafts && (path.rfind("_drafts/", 0) == 0 || path.find("/_drafts/") != std::string_view::npos)) continue;
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
    by_root[root_id][rel] = index.posts.size();
    index.posts.push_back(view_of(index, r, root_id, rel));
    index.reported.push_back(true);
    index.shown.push_back(r.path);
  }
  run_posts.clear();
  if (index.roots.size() == 2) index.site_root = index.roots[1];
  return by_root;
}

enum class CacheRead { missing, read, corrupt };

// Maps the cache file and appends its entries to index.posts. Like every
// cache: never through a symbolic link, never waiting on a FIFO.
CacheRead read_index_cache(const fs::path& cache_file, ArchiveIndex& index) {
  const int fd = ::open(cache_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat st {};
  CacheRead state = CacheRead::missing;  // also when unreadable: it is rewritten
  if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto length = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map != MAP_FAILED) {
      index.hold(std::shared_ptr<const void>(map, [length](const void* p) { ::munmap(const_cast<void*>(p), length); }));
      const std::string_view text(static_cast<const char*>(map), length);
      const bool other_version = text.substr(0, kCacheHeaderFamily.size()) == kCacheHeaderFamily &&
                                 text.substr(0, kCacheHeader.size() + 1) != std::string(kCacheHeader) + "\n";
      if (!other_version) state = parse_index_views(text, index, index.posts) ? CacheRead::read : CacheRead::corrupt;
    }
  }
  if (fd >= 0) ::close(fd);
  return state;
}

// Reads a root's cache into the index and lists and stats its `_posts`.
// Parsing the cache and reading the directory cost about the same on a large
// archive, so they run side by side; only the cache reader touches `index`
// until both are done.
CacheRead read_cache_and_list(const fs::path& root, ArchiveIndex& index, Listing& listing, unsigned threads) {
  const fs::path cache_file = archive_cache_path(root);
  auto list = [&] {
    const int dirfd = ::open((root / "_posts").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0) list_names(dirfd, "_posts", listing, 0);
  };
  ListingStatter statter(listing);
  if (threads <= 1) {
    const CacheRead state = read_index_cache(cache_file, index);
    list();
    statter.run();
    return state;
  }
  // Whichever of the two finishes first starts on the stats; the reader joins
  // in once the listing is complete.
  const std::size_t begin = index.posts.size();
  CacheRead state = CacheRead::missing;
  std::latch listed(1);
  std::thread reader([&] {
    try {
      state = read_index_cache(cache_file, index);
    } catch (const std::exception&) {
      index.posts.resize(begin);  // e.g. out of memory: rebuilt like a corrupt cache
      state = CacheRead::corrupt;
    }
    listed.wait();
    statter.run();
  });
  try {
    list();
  } catch (...) {
    listed.count_down();
    reader.join();
    throw;
  }
  listed.count_down();
  statter.run();
  reader.join();
  return state;
}

// The cache entries of one root: index.posts[begin, end).
struct CacheSpan {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};

struct CacheMatch {
  std::vector<std::size_t> entry_of;  // per listed file: its cache entry, kParse (none) or kSkip (not indexed)
  bool reordered = false;             // some entry was found out of listing order
};

// Matches each listed file with its cache entry. The cache is written in
// listing order, so a cursor that steps over a few removed files nearly always
// finds the entry; what it misses (new files, a reordered cache) is looked up
// afterwards among the entries it did not consume.
template <typename Skipped>
CacheMatch match_cache_entries(const Listing& listing, const ArchiveIndex& index, CacheSpan cache, Skipped&& skipped) {
  constexpr std::size_t kLookahead = 8;
  CacheMatch match{std::vector<std::size_t>(listing.files.size(), kSkip), false};
  std::vector<char> consumed(cache.size(), 0);
  std::vector<std::size_t> unmatched;
  std::size_t cursor = cache.begin;
  for (std::size_t i = 0; i < listing.files.size(); ++i) {
    const Listed& l = listing.files[i];
    if (!l.ok || skipped(listing.rel(l))) continue;
    match.entry_of[i] = kParse;
    for (std::size_t k = cursor; k < cache.end && k <= cursor + kLookahead; ++k) {
      if (index.posts[k].rel != listing.rel(l)) continue;
      match.entry_of[i] = k;
      consumed[k - cache.begin] = 1;
      cursor = k + 1;
      break;
    }
    if (match.entry_of[i] == kParse) unmatched.push_back(i);
  }
  if (unmatched.empty()) return match;
  std::unordered_map<std::string_view, std::size_t> left;  // cache entries the cursor did not consume
  for (std::size_t k = cache.begin; k < cache.end; ++k) {
    if (!consumed[k - cache.begin]) left.emplace(index.posts[k].rel, k);
  }
  for (std::size_t i : unmatched) {
    const auto it = left.find(listing.rel(listing.files[i]));
    if (it == left.end()) continue;  // a new file
    match.entry_of[i] = it->second;
    match.reordered = true;
  }
  return match;
}

// Drops the cache entries not marked live, keeping the rest in place, and
// returns where each entry went (kSkip for a dropped one).
std::vector<std::size_t> keep_live_entries(ArchiveIndex& index, CacheSpan cache, const std::vector<char>& live) {
  std::vector<std::size_t> moved(cache.size(), kSkip);
  std::size_t kept = cache.begin;
  for (std::size_t i = cache.begin; i < cache.end; ++i) {
    if (!live[i - cache.begin]) continue;
    moved[i - cache.begin] = kept;
    if (kept != i) index.posts[kept] = index.posts[i];
    ++kept;
  }
  index.posts.resize(kept);
  index.reported.resize(index.posts.size(), false);
  return moved;
}

struct Reconciled {
  std::vector<std::size_t> post_of;  // per listed file: its post in the index, kParse or kSkip
  std::size_t cache_hits = 0;        // fresh cache entries kept
  bool dirty = false;                // the cache no longer describes the listing
};

// Decides each listed file's post: one of the run (its size and time updated),
// a fresh cache entry (same size and mtime), or none (kParse). Stale entries
// leave the index.
Reconciled reconcile_listing(const Listing& listing, const CacheMatch& match,
                             const std::unordered_map<std::string_view, std::size_t>& run_posts, ArchiveIndex& index,
                             CacheSpan cache) {
  Reconciled out{std::vector<std::size_t>(listing.files.size(), kSkip), 0, match.reordered};
  std::vector<char> live(cache.size(), 0);
  std::size_t cache_used = 0;
  for (std::size_t i = 0; i < listing.files.size(); ++i) {
    const std::size_t c = match.entry_of[i];
    if (c == kSkip) continue;
    const Listed& l = listing.files[i];
    const bool fresh = c != kParse && index.posts[c].size == l.size && index.posts[c].mtime_ns == l.mtime_ns;
    if (fresh) ++cache_used;
    if (const auto it = run_posts.find(listing.rel(l)); it != run_posts.end()) {
      PostView& v = index.posts[it->second];
      v.size = l.size;
      v.mtime_ns = l.mtime_ns;
      out.dirty = out.dirty || !fresh;
      out.post_of[i] = it->second;
    } else if (fresh) {
      ++out.cache_hits;
      live[c - cache.begin] = 1;
      out.post_of[i] = c;
    } else {
      out.dirty = true;
      out.post_of[i] = kParse;
    }
  }
  if (cache_used != cache.size()) out.dirty = true;  // entries for files that are gone
  const std::vector<std::size_t> moved = keep_live_entries(index, cache, live);
  for (auto& p : out.post_of) {
    if (p >= cache.begin && p < cache.end) p = moved[p - cache.begin];
  }
  return out;
}

struct ParsedPosts {
  std::vector<PostRecord> records;
  std::vector<std::string> failures;  // per record: why it could not be indexed, or empty
};

// Indexes the given files in parallel: front matter and links only. A file
// that fails gets an empty record (the archive checks pass over it) and a reason.
ParsedPosts parse_posts(const Listing& listing, const std::vector<std::size_t>& files, const std::string& root_str,
                        unsigned threads) {
  ParsedPosts out{std::vector<PostRecord>(files.size()), std::vector<std::string>(files.size())};
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();) {
      const Listed& l = listing.files[files[i]];
      const std::string abs = root_str + "/" + std::string(listing.rel(l));
      ParseOptions options;
      options.html = false;
      try {
        out.records[i] = make_post_record(load_document(abs, std::string(), options), abs);
      } catch (...) {
        out.records[i] = PostRecord{};
        out.records[i].filesystem_path = abs;
        out.failures[i] = check_failure_message(fmt::format("indexing {} failed", abs), "the archive checks pass over it");
      }
      out.records[i].size = l.size;
      out.records[i].mtime_ns = l.mtime_ns;
    }
  };
  const auto n = static_cast<unsigned>(std::min<std::size_t>(threads, files.size()));
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < n; ++t) workers.emplace_back(work);
  work();
  for (auto& t : workers) t.join();
  return out;
}

// Writes the index cache of a root: its posts in listing order, for the next
// run's match. A post that failed to index stays out, so the next run tries it
// again. Returns a warning when it cannot be written.
std::optional<std::string> write_index_cache(const fs::path& cache_file, const ArchiveIndex& index,
                                             const std::vector<std::size_t>& post_of, const std::vector<bool>& unindexable) {
  std::vector<const PostView*> ptrs;
  ptrs.reserve(post_of.size());
  for (std::size_t i = 0; i < post_of.size(); ++i) {
    if (post_of[i] != kSkip && !unindexable[i]) ptrs.push_back(&index.posts[post_of[i]]);
  }
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
    // Rebuilt from the posts whenever it is missing or corrupt, so not worth an fsync.
    write_file_atomic(cache_file, serialize_views(ptrs), Durability::rebuildable);
  } catch (const std::exception& e) {
    return fmt::format("cannot write the index cache: {}", e.what());
  }
  return std::nullopt;
}

// What indexing every site root needs besides the index itself.
struct IndexingContext {
  const Config& config;
  const RunPostsByRoot& run_posts;
  unsigned threads;
  PhaseTimer& phase;
};

// Brings one site root's posts into the index: the run's own, fresh cache
// entries, and a parse of the rest; rewrites the cache when it changed.
void index_site_root(ArchiveIndex& index, std::uint32_t root_id, Excluder& excluded, const IndexingContext& ctx,
                     ArchiveStageStats& stats) {
  const std::string root_str = index.roots[root_id];
  const fs::path cache_file = archive_cache_path(fs::path(root_str));
  Listing listing;
  CacheSpan cache{index.posts.size(), 0};
  const CacheRead read = read_cache_and_list(fs::path(root_str), index, listing, ctx.threads);
  if (read == CacheRead::corrupt) {
    stats.warnings.push_back(
        fmt::format("{}: ignoring an unreadable or corrupt index cache; rebuilding it", cache_file.generic_string()));
  }
  cache.end = index.posts.size();
  for (std::size_t i = cache.begin; i < cache.end; ++i) index.posts[i].root = root_id;
  ctx.phase("read cache, list and stat _posts");

  static const std::unordered_map<std::string_view, std::size_t> kNoRunPosts;
  const auto run_it = ctx.run_posts.find(root_id);
  const auto& run_posts = run_it == ctx.run_posts.end() ? kNoRunPosts : run_it->second;
  const std::string display_prefix = [&] {
    std::string abs = root_str + "/";
    if (abs.compare(0, index.display_root.size(), index.display_root) == 0) return abs.substr(index.display_root.size());
    return abs;
  }();
  // Excluded unless given; the run-post lookup only for the few excluded files.
  auto skipped = [&](std::string_view rel) {
    return !ctx.config.exclude.empty() && excluded(display_prefix, rel) && !run_posts.count(rel);
  };
  const CacheMatch match = match_cache_entries(listing, index, cache, skipped);
  Reconciled posts = reconcile_listing(listing, match, run_posts, index, cache);
  stats.cache_hits += posts.cache_hits;
  ctx.phase("match cache");

  std::vector<std::size_t> to_parse;
  for (std::size_t i = 0; i < posts.post_of.size(); ++i) {
    if (posts.post_of[i] == kParse) to_parse.push_back(i);
  }
  std::vector<bool> unindexable(posts.post_of.size(), false);  // by listing position
  if (!to_parse.empty()) {
    ParsedPosts parsed = parse_posts(listing, to_parse, root_str, ctx.threads);
    stats.parsed += parsed.records.size();
    for (std::size_t k = 0; k < parsed.records.size(); ++k) {
      if (!parsed.failures[k].empty()) {
        unindexable[to_parse[k]] = true;
        stats.warnings.push_back(std::move(parsed.failures[k]));
      }
      const PostRecord& r = index.keep(std::move(parsed.records[k]));
      posts.post_of[to_parse[k]] = index.posts.size();
      index.posts.push_back(view_of(index, r, root_id, std::string_view(r.filesystem_path).substr(root_str.size() + 1)));
      index.reported.push_back(false);
    }
    ctx.phase("parse uncached posts");
  }
  if (read != CacheRead::read || posts.dirty) {
    if (auto warning = write_index_cache(cache_file, index, posts.post_of, unindexable)) stats.warnings.push_back(*warning);
    ctx.phase("write cache");
  }
}

struct ArchiveCheckOutcome {
  std::vector<std::vector<PendingFinding>> found;  // per check, in registry order
  std::vector<std::string> failures;               // per check: its exception, in words, or empty
};

// The checks only read the index, so they run side by side on a large
// archive; their findings stay per check, so the output does not depend on timing.
ArchiveCheckOutcome run_archive_checks(const ArchiveIndex& index, const std::vector<const ActiveCheck*>& checks,
                                       unsigned threads, PhaseTimer& phase) {
  ArchiveCheckOutcome out{std::vector<std::vector<PendingFinding>>(checks.size()), std::vector<std::string>(checks.size())};
  auto run_check = [&](std::size_t k) {
    // Stage::archive is declared only by ArchiveCheck subclasses (tests/registry_test.cpp).
    const auto& check = static_cast<const ArchiveCheck&>(*checks[k]->check);
    ArchiveEmitter emit(index, check.meta().id, checks[k]->severity, out.found[k]);
    try {
      check.check_archive(index, emit);
    } catch (...) {
      out.failures[k] = check_failure_message(
          fmt::format("archive check {} failed while it compared the archive's posts (reported on the run's first post)",
                      check.meta().id),
          "its findings may be incomplete, the other checks ran");
    }
  };
  if (threads <= 1 || checks.size() <= 1 || index.posts.size() < 1000) {
    for (std::size_t k = 0; k < checks.size(); ++k) {
      run_check(k);
      phase(checks[k]->check->meta().id.c_str());
    }
    return out;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < checks.size();) {
      try {
        run_check(k);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::thread other(work);
  work();
  other.join();
  if (failure) std::rethrow_exception(failure);
  phase("archive checks (2 threads)");
  return out;
}

// Turns pending findings into Diagnostics against each file's text: the whole
// (trimmed) line, line hashes set, the file's suppressions honoured.
std::vector<Diagnostic> materialise_findings(const ArchiveIndex& index, std::vector<PendingFinding> pending) {
  std::vector<Diagnostic> diagnostics;
  std::stable_sort(pending.begin(), pending.end(),
                   [](const PendingFinding& a, const PendingFinding& b) { return a.post < b.post; });
  for (std::size_t i = 0; i < pending.size();) {
    const std::size_t post = pending[i].post;
    ParseOptions options;
    options.html = false;
    const Document doc = load_document(index.filesystem_path(post), index.display_path(post), options);
    const auto last_line = static_cast<std::uint32_t>(std::max<std::size_t>(1, doc.lines.line_count()));
    for (; i < pending.size() && pending[i].post == post; ++i) {
      const auto& f = pending[i];
      std::vector<Diagnostic> out;
      Emitter emit(doc, f.rule_id, f.severity, out);
      const std::uint32_t line = std::min<std::uint32_t>(std::max<std::uint32_t>(1, f.line), last_line);
      const std::string_view text = doc.line_text(line);
      const std::size_t start = doc.lines.line_start(line);
      const std::size_t lead = text.find_first_not_of(" \t");
      emit.report(start + (lead == std::string_view::npos ? 0 : lead), start + text.size(), f.message);
      if (doc.readable) set_line_hashes(doc.bytes, out);
      for (auto& d : out) {
        if (!doc.suppressions.covers(d.rule_id, d.start.line)) diagnostics.push_back(std::move(d));
      }
    }
  }
  return diagnostics;
}

}  // namespace

ArchiveStageStats run_archive_stage(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks,
                                    const Config& config, unsigned jobs, RunResult& result) {
  (void)files;
  PhaseTimer phase;
  ArchiveStageStats stats;
  std::vector<const ActiveCheck*> archive_checks;
  for (const auto& c : checks) {
    if (c.check->meta().stage == Stage::archive) archive_checks.push_back(&c);
  }
  if (archive_checks.empty()) return stats;

  ArchiveIndex index;
  index.display_root = normal_absolute(config.root).generic_string();
  if (!index.display_root.empty() && index.display_root.back() != '/') index.display_root.push_back('/');
  index.roots.emplace_back();  // files outside any `_posts`: rel is the absolute path
  const RunPostsByRoot run_posts =
      index_run_posts(index, result.posts, config.jekyll && config.jekyll->show_drafts);
  index.jekyll = config.jekyll.get();
  add_site_post_roots(index);
  phase("run records");

  Excluder excluded(config.exclude);
  const unsigned threads = jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs;
  const IndexingContext ctx{config, run_posts, threads, phase};
  for (std::uint32_t root_id = 1; root_id < index.roots.size(); ++root_id) index_site_root(index, root_id, excluded, ctx, stats);
  index.shown.resize(index.posts.size());
  stats.indexed = index.posts.size();

  ArchiveCheckOutcome outcome = run_archive_checks(index, archive_checks, threads, phase);
  report_archive_failures(index, checks, outcome.failures, outcome.found, stats.warnings);
  std::vector<PendingFinding> pending;
  for (auto& f : outcome.found) std::move(f.begin(), f.end(), std::back_inserter(pending));
  for (auto& d : materialise_findings(index, std::move(pending))) result.diagnostics.push_back(std::move(d));
  phase("materialise findings");
  return stats;
}

}  // namespace al
