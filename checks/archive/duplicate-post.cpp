#include <fmt/format.h>

#include <array>
#include <map>
#include <unordered_map>

#include "archive_lint/archive.hpp"
#include "archive_lint/body_fingerprint.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/permalink.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

// The same article under two URLs: scheme and a trailing slash do not count.
std::string_view normal_url(std::string_view url) {
  if (url.rfind("https:", 0) == 0) url.remove_prefix(6);
  else if (url.rfind("http:", 0) == 0) url.remove_prefix(5);
  while (url.size() > 1 && url.back() == '/') url.remove_suffix(1);
  return url;
}

// The instant a date names (its own offset; none means UTC).
std::optional<long long> instant(std::string_view date) {
  const auto d = read_post_date(date);
  if (!d || !calendar_problem(*d).empty()) return std::nullopt;
  return epoch_seconds(*d);
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// `en`, `ja`, `zh-cn`, `pt_BR`, `zh-Hans`: a folder name shaped like a language tag.
bool looks_like_language(std::string_view name) {
  std::size_t i = 0;
  while (i < name.size() && i < 4 && name[i] >= 'a' && name[i] <= 'z') ++i;
  if (i < 2 || i > 3) return false;
  if (i == name.size()) return true;
  if (name[i] != '-' && name[i] != '_') return false;
  const std::string_view region = name.substr(i + 1);
  if (region.size() < 2 || region.size() > 8) return false;
  for (char c : region) {
    if (!is_alnum(c)) return false;
  }
  return true;
}

// The language a post is written in, when the site says: its `lang` key,
// else a language-named folder above its `_posts` (`ja/news/_posts/...`),
// below the site's root (or, outside a known site, the folder just above).
std::string_view language_of(const ArchiveIndex& index, const PostView& p) {
  if (!p.lang.empty()) return p.lang;
  std::string_view folders = p.root < index.roots.size() ? std::string_view(index.roots[p.root]) : std::string_view();
  std::string_view site =
      index.jekyll && index.jekyll->found() ? index.jekyll->root.native() : index.site_root.native();
  while (site.size() > 1 && site.back() == '/') site.remove_suffix(1);
  if (!site.empty() && folders.size() > site.size() && folders.substr(0, site.size()) == site &&
      folders[site.size()] == '/') {
    folders.remove_prefix(site.size() + 1);
  } else if (const auto slash = folders.rfind('/'); slash != std::string_view::npos) {
    folders.remove_prefix(slash + 1);
  }
  while (!folders.empty()) {
    const auto slash = folders.find('/');
    const std::string_view folder = folders.substr(0, slash);
    if (looks_like_language(folder)) return folder;
    if (slash == std::string_view::npos) break;
    folders.remove_prefix(slash + 1);
  }
  return {};
}

bool translations(const ArchiveIndex& index, const PostView& a, const PostView& b) {
  const std::string_view la = language_of(index, a), lb = language_of(index, b);
  return !la.empty() && !lb.empty() && la != lb;
}

// Posts Jekyll publishes: `published: false` and misnamed files are not on the site.
bool on_site(const PostView& p) { return p.published && is_jekyll_post_name(p.rel); }

// What two posts share; `title_date` alone, with bodies that differ, is its own finding.
struct Shared {
  bool source_url = false, info_code = false, title_date = false, body = false, near_body = false;
  bool near_simhash = false;  // the same loose hash or a near simhash: a candidate until shingle_similarity confirms it
};

struct Options {
  bool source_url = false, info_code = false, title_date = true, body = true;
  std::uint32_t min_tokens = 30;
};

constexpr int kNearBits = 3;                 // simhash bits two nearly equal bodies may differ in
// Jaccard similarity of the 4-word shingles from which two bodies are nearly
// the same (Broder's resemblance): a fixed typo or a changed link, not two
// posts made from one template.
constexpr double kNearSimilarity = 0.95;
constexpr std::size_t kMaxVerified = 10000;  // simhash candidates measured per run; past it they are dropped
constexpr std::size_t kBucketCap = 256;      // posts kept per simhash band value: see docs/limits.md
using Band = std::pair<int, std::uint16_t>;  // (which 16-bit quarter, its value)

std::uint16_t band_value(std::uint64_t h, int band) { return static_cast<std::uint16_t>(h >> (16 * band)); }

// The keys of the posts being reported, then one pass over the whole archive
// that compares views: a pre-commit run on a large archive allocates nothing per post.
class PairFinder {
 public:
  PairFinder(const ArchiveIndex& index, const Options& o) : index_(index), o_(o) {
    for (std::size_t i = 0; i < index.posts.size(); ++i) {
      if (index.reported[i]) add_keys(i);
    }
  }
  std::map<std::pair<std::size_t, std::size_t>, Shared> pairs() {
    if (by_url_.empty() && by_code_.empty() && by_title_.empty() && by_body_.empty() && by_band_.empty()) return {};
    for (std::size_t b = 0; b < index_.posts.size(); ++b) visit(b);
    return std::move(found_);
  }

 private:
  bool fingerprinted(const PostView& p) const { return o_.body && p.body.tokens >= o_.min_tokens; }
  void add_keys(std::size_t i) {
    const PostView& p = index_.posts[i];
    if (!on_site(p)) return;
    if (o_.source_url && !p.source_url.empty()) by_url_[normal_url(p.source_url)].push_back(i);
    if (o_.info_code && !p.info_code.empty()) by_code_[p.info_code].push_back(i);
    if (o_.title_date && !p.title.empty() && !p.date.empty()) by_title_[p.title].push_back(i);
    if (!fingerprinted(p)) return;
    by_body_[p.body.exact].push_back(i);
    by_loose_[p.body.loose].push_back(i);
    if (p.body.simhash == 0) return;
    for (int band = 0; band < 4; ++band) {
      auto& bucket = by_band_[{band, band_value(p.body.simhash, band)}];
      if (bucket.size() < kBucketCap) bucket.push_back(i);
    }
  }
  template <typename Map, typename Key, typename Mark>
  void match(const Map& map, const Key& key, std::size_t b, Mark mark) {
    if (auto it = map.find(key); it != map.end()) {
      for (std::size_t a : it->second) {
        if (a != b) mark(found_[{a, b}], a);
      }
    }
  }
  void visit(std::size_t b) {
    const PostView& other = index_.posts[b];
    if (!on_site(other)) return;
    if (!other.source_url.empty())
      match(by_url_, normal_url(other.source_url), b, [](Shared& s, std::size_t) { s.source_url = true; });
    if (!other.info_code.empty()) match(by_code_, other.info_code, b, [](Shared& s, std::size_t) { s.info_code = true; });
    if (!other.title.empty() && !other.date.empty()) {
      const auto when = instant(other.date);
      if (auto it = by_title_.find(other.title); it != by_title_.end() && when) {
        for (std::size_t a : it->second) {
          if (a != b && instant(index_.posts[a].date) == when) found_[{a, b}].title_date = true;
        }
      }
    }
    if (!fingerprinted(other)) return;
    match(by_body_, other.body.exact, b, [](Shared& s, std::size_t) { s.body = true; });
    match(by_loose_, other.body.loose, b, [](Shared& s, std::size_t) { s.near_simhash = true; });
    if (other.body.simhash == 0) return;
    for (int band = 0; band < 4; ++band) {
      match(by_band_, Band{band, band_value(other.body.simhash, band)}, b, [&](Shared& s, std::size_t a) {
        if (simhash_distance(index_.posts[a].body.simhash, other.body.simhash) <= kNearBits) s.near_simhash = true;
      });
    }
  }

  const ArchiveIndex& index_;
  const Options& o_;
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_url_, by_code_, by_title_;
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_body_, by_loose_;
  std::map<Band, std::vector<std::size_t>> by_band_;
  std::map<std::pair<std::size_t, std::size_t>, Shared> found_;  // (reported, other)
};

// The shingles of the bodies that simhash pairs up, read again from their files
// (the index keeps four numbers a post, not the text), each file once.
class ShingleCache {
 public:
  explicit ShingleCache(const ArchiveIndex& index) : index_(index) {}
  double similarity(std::size_t a, std::size_t b) {
    if (verified_++ >= kMaxVerified) return 0.0;
    const auto& sa = of(a);
    const auto& sb = of(b);
    return sa.empty() || sb.empty() ? 0.0 : shingle_similarity(sa, sb);
  }

 private:
  const std::vector<std::uint64_t>& of(std::size_t post) {
    auto [it, fresh] = cache_.try_emplace(post);
    if (fresh) {
      ParseOptions options;
      options.html = false;
      const Document doc = load_document(index_.filesystem_path(post), index_.display_path(post), options);
      // A file changed since it was indexed: its shingles no longer match its fingerprint.
      if (doc.readable) {
        ShingledBody read = shingle_body(doc.body());
        if (read.fingerprint.simhash == index_.posts[post].body.simhash) it->second = std::move(read.shingles);
      }
    }
    return it->second;
  }

  const ArchiveIndex& index_;
  std::unordered_map<std::size_t, std::vector<std::uint64_t>> cache_;
  std::size_t verified_ = 0;
};

class DuplicatePost final : public ArchiveCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "archive/duplicate-post",
        .summary = "Two posts are the same article, or one has the other's title and date",
        .help = "Two files are duplicates when their bodies are the same (whitespace aside) or nearly the same "
            "(the same letters and digits when links, markup and letter case are set aside, or a 64-bit simhash "
            "of four-word shingles within 3 bits; either confirmed by at least 0.95 of the four-word shingles of "
            "the words as written being shared; each CJK character counts as a word), for bodies of at least "
            "`min_tokens` words. Posts Jekyll does not publish (`published: false`, or a file in `_posts` "
            "whose name has no date) are not compared. Two posts with the same title and the same date but "
            "different bodies get a message of their own: one of them has front matter copied from the "
            "other. Translations are never duplicates: posts whose `lang` (or `language`) keys differ, or that "
            "sit in differently named language folders (`en/_posts`, `ja/_posts`). The news-archive preset "
            "also matches the attribution source URL (http/https and a trailing slash ignored) and the "
            "infoCode. Both files are reported, each naming the other, at the source-link line or the title "
            "line. With only some files given (pre-commit), the rest of the archive is read from the index "
            "cache and only the given files are reported.",
        .default_severity = Severity::error,
        .options = {{"match", "string-list", "[body, title_date]",
                     "what makes two posts duplicates: any of body, title_date, source_url, info_code"},
                    {"min_tokens", "integer", "30", "bodies with fewer words than this are not compared"}},
        .stage = Stage::archive,
    };
    return m;
  }
  void configure(const YAML::Node& options) override {
    const auto match = option_string_list(options, "match", {"body", "title_date"});
    o_ = Options{false, false, false, false, 30};
    for (const auto& m : match) {
      if (m == "source_url") o_.source_url = true;
      else if (m == "info_code") o_.info_code = true;
      else if (m == "title_date") o_.title_date = true;
      else if (m == "body") o_.body = true;
      else throw OptionError(fmt::format("option 'match': unknown key '{}' (use body, title_date, source_url, info_code)", m));
    }
    const long min_tokens = option_int(options, "min_tokens", 30);
    if (min_tokens < 1 || min_tokens > 1000000) throw OptionError("option 'min_tokens' must be between 1 and 1000000");
    o_.min_tokens = static_cast<std::uint32_t>(min_tokens);
  }
  void check_archive(const ArchiveIndex& index, ArchiveEmitter& emit) const override {
    PairFinder finder(index, o_);
    ShingleCache shingles(index);
    for (auto& [pair, shared] : finder.pairs()) {
      const auto [a, b] = pair;
      if (translations(index, index.posts[a], index.posts[b])) continue;
      if (shared.near_simhash && !shared.near_body && !shared.body)
        shared.near_body = shingles.similarity(a, b) >= kNearSimilarity;
      report_pair(index, emit, a, b, shared);
    }
  }

 private:
  void report_pair(const ArchiveIndex& index, ArchiveEmitter& emit, std::size_t a, std::size_t b,
                   const Shared& s) const {
    const PostView& post = index.posts[a];
    const PostView& other = index.posts[b];
    // Short bodies are not fingerprinted for matching, but two equal ones still
    // make a title-and-date pair the same post.
    const bool body = s.body || (o_.body && s.title_date && post.body.tokens == other.body.tokens &&
                                 post.body.exact == other.body.exact);
    const bool same_body = body || s.near_body;
    if (o_.body && s.title_date && !same_body && !s.source_url && !s.info_code) {
      emit.report(a, post.title_line,
                  fmt::format("the same title '{}' and date '{}' as {}, but a different body: one of the two has "
                              "front matter copied from the other",
                              post.title, post.date, emit.where(b, other.title_line)));
      return;
    }
    std::string same;
    auto add = [&](const std::string& what) { same += (same.empty() ? "same " : ", ") + what; };
    if (s.source_url) add(fmt::format("source URL '{}'", post.source_url));
    if (s.info_code) add(fmt::format("infoCode '{}'", other.info_code));
    if (s.title_date && (same_body || !o_.body)) add(fmt::format("title '{}' and date '{}'", other.title, post.date));
    if (body) add("body");
    if (same.empty() && !s.near_body) return;
    if (s.near_body && !body) same += same.empty() ? "nearly the same body" : ", nearly the same body";
    const bool at_source = (s.source_url || s.info_code) && !post.source_url.empty();
    const std::uint32_t line = at_source ? post.source_line : post.title_line;
    const std::uint32_t other_line = at_source && !other.source_url.empty() ? other.source_line : other.title_line;
    emit.report(a, line, fmt::format("duplicate of {} ({})", emit.where(b, other_line), same));
  }

  Options o_;
};

}  // namespace
std::unique_ptr<Check> make_archive_duplicate_post() { return std::make_unique<DuplicatePost>(); }
}  // namespace al::checks
