// The fuzz targets' bodies (see targets.hpp). Each calls the library's own
// entry points, as the CLI does; the only logic here is the set-up a run
// needs (a config, files on disk) and the promises checked on the output.
#include "targets.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <optional>
#include <string>
#include <type_traits>

#include "archive_lint/pipeline.hpp"
#include "archive_lint/archive.hpp"
#include "archive_lint/baseline.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/formatter.hpp"
#include "archive_lint/json_value.hpp"
#include "archive_lint/link_report.hpp"
#include "archive_lint/links.hpp"
#include "archive_lint/merge.hpp"
#include "archive_lint/permalink.hpp"
#include "archive_lint/site.hpp"
#include "archive_lint/runner.hpp"
#include "links/cache.hpp"
#include "links/url.hpp"

namespace al::fuzz {

namespace fs = std::filesystem;

namespace {

std::string text_of(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] void broken(const std::string& what) { throw InvariantError(what); }

// One directory per process for the files a target writes, removed at exit.
class Scratch {
 public:
  Scratch() {
    std::string name = (fs::temp_directory_path() / "archive-lint-fuzz-XXXXXX").string();
    if (!::mkdtemp(name.data())) throw std::runtime_error("cannot create a scratch directory in " + name);
    dir_ = name;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

const fs::path& scratch() {
  static const Scratch s;
  return s.dir();
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

void require_json(const std::string& text, const std::string& what) {
  try {
    (void)parse_json(text);
  } catch (const JsonParseError& e) {
    broken(fmt::format("{} is not valid JSON ({}:{}: {})", what, e.line, e.column, e.what()));
  }
}

// A site directory with its `.archive-lint.yml`, loaded as the CLI loads it,
// with the link rules split off as lint() in src/cli.cpp does.
struct Site {
  fs::path root;
  Config config;
  std::vector<ActiveCheck> checks;
  LinkSettings links;
  LinkRuleSeverities link_rules;
};

Site make_site(const std::string& name, const std::string& config_text) {
  Site site;
  site.root = scratch() / name;
  fs::create_directories(site.root / "_posts");
  site.config = parse_config(config_text, site.root / ".archive-lint.yml");
  site.config.root = fs::absolute(site.config.root);
  site.checks = instantiate_checks(site.config);
  site.links = load_link_settings(site.config);
  site.link_rules = link_rule_severities(site.checks);
  return site;
}

const Site& news_site() {
  static const Site site = make_site("news", "extends: news-archive\n");
  return site;
}

// A post's findings must point inside the post.
void require_in_bounds(const std::vector<Diagnostic>& found, std::size_t size) {
  for (const auto& d : found) {
    if (d.rule_id == "internal/check-failed") broken("a check failed: " + d.message);
    if (d.start.line < 1 || d.start.offset > d.end.offset || d.end.offset > size)
      broken(fmt::format("{} at {}:{} spans bytes {}-{} of a {}-byte file", d.rule_id, d.start.line, d.start.column,
                         d.start.offset, d.end.offset, size));
  }
}

// Every output format of `check`, as run_check in src/cli.cpp writes them.
void render_every_format(const Site& site, const std::vector<Diagnostic>& found, const RunStats& stats) {
  Report report;
  report.diagnostics = found;
  report.stats = stats;
  report.root = site.root;
  report.automation_id = "archive-lint/fuzz/";
  // Only the rules with findings: the other rules' help is the same fixed
  // text on every run, and rendering and parsing it took half the time.
  for (const auto& c : site.checks) {
    const CheckMeta& meta = c.check->meta();
    if (std::any_of(found.begin(), found.end(), [&](const Diagnostic& d) { return d.rule_id == meta.id; }))
      report.rules.push_back(&meta);
  }
  std::sort(report.rules.begin(), report.rules.end(), [](auto* a, auto* b) { return a->id < b->id; });
  const std::pair<std::string, bool> formats[] = {{"text", false}, {"text", true}, {"github", false}, {"json", false},
                                                   {"sarif", false}};  // only text has colours
  for (const auto& [name, color] : formats) {
    report.color = color;
    std::ostringstream out;
    make_formatter(name)->write(report, out);
    if (name == "json" || name == "sarif") require_json(out.str(), name);
  }
  require_json(Baseline::from(found).serialise(), "the baseline");
}

}  // namespace

int fuzz_check_post(const std::uint8_t* data, std::size_t size) {
  const Site& site = news_site();
  const std::string rel = "_posts/2022-01-20-NW202201202254890865.md";
  const fs::path file = site.root / rel;
  write_bytes(file, text_of(data, size));
  const std::vector<FileEntry> files{{file, rel, {}}};
  RunResult result = run_checks(files, site.checks, 1, true);
  std::vector<DocumentLinks> links = std::move(result.links);
  (void)run_archive_stage(files, site.checks, site.config, 1, result);
  std::vector<std::string> warnings;
  run_link_pass(links, site.links, site.link_rules, false, result.diagnostics, warnings);
  finalise_findings(result.diagnostics);
  require_in_bounds(result.diagnostics, size);
  render_every_format(site, result.diagnostics, result.stats);
  return 0;
}

namespace {

// Posts for the configured checks to meet: one a news archive accepts, one
// with a problem in each family the options steer.
const std::vector<std::pair<std::string, std::string>>& sample_posts() {
  static const std::vector<std::pair<std::string, std::string>> posts = {
      {"_posts/2022-01-20-NW202201202254890865.md",
       "---\nlayout: post\ntitle: \"自贡高新区：提升营商环境\"\ndate: 2022-01-20 13:12:24 +0800\n"
       "categories: kejiribao\ntags: 科技日报新闻\n---\n<p>四川自贡高新区日前召开专题工作会。</p>\n"
       " <p><strong>启动百名营商专员</strong></p><p class=\"em_media\">（文章来源：科技日报）</p>\n\n"
       "<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202201202254890865>\n\n"
       "[返回科技日报新闻](//finews.withounder.com/category/kejiribao.html)｜[返回首页](//finews.withounder.com/)\n"},
      {"_posts/2022-01-26-NW202201260000000006.md",
       "---\nlayout: post\ntitle: 外贸 {{ page.x }}\ndate: 2022-01-23 16:05:11 +0800\ncategories: [emnews, zqb]\n"
       "tags: 中国证券报新闻\narchive-lint-disable: [html/misnested]\n---\n"
       "<!-- archive-lint-disable-next-line links/* -->\n"
       " <p onclick=\"track()\">各地<strong>积极</p><script>x()</script><img src=\"//x.example/a b.png\">\n"
       "<p class=\"em_media\">（文章来源：经济日报）</p>\n[a](http://[::1]:99999/x) [b](/site/path?q) "
       "<https://finews.withounder.com/zqb/>\n{% if x %}\n[返回经济日报新闻](//finews.withounder.com/zqb/)\n"},
  };
  return posts;
}

}  // namespace

int fuzz_config(const std::uint8_t* data, std::size_t size) {
  const fs::path root = scratch() / "config";
  std::vector<ActiveCheck> checks;
  LinkSettings settings;
  try {
    Config config = parse_config(text_of(data, size), root / ".archive-lint.yml");
    checks = instantiate_checks(config);
    settings = load_link_settings(config);
  } catch (const ConfigError&) {
    return 0;  // reported as `file:line:col: message`, exit code 2
  }
  std::vector<Diagnostic> found;
  std::vector<DocumentLinks> links;
  for (const auto& [path, bytes] : sample_posts()) {
    const Document doc = parse_document(path, bytes);
    check_document(doc, checks, found);
    require_in_bounds(found, bytes.size());
    found.clear();
    if (DocumentLinks l; collect_document_links(doc, "", l)) links.push_back(std::move(l));
  }
  std::vector<std::string> warnings;
  run_link_pass(links, settings, link_rule_severities(checks), false, found, warnings);
  return 0;
}

namespace {

// Field by field, for a message that says what changed: "" when equal.
class Differ {
 public:
  template <class T>
  Differ& field(const char* name, const T& a, const T& b) {
    if (what_.empty() && !(a == b)) what_ = fmt::format("{}: {} became {}", name, shown(a), shown(b));
    return *this;
  }
  const std::string& what() const { return what_; }

 private:
  template <class T>
  static std::string shown(const T& v) {
    if constexpr (std::is_convertible_v<T, std::string_view>) return fmt::format("'{}'", std::string_view(v));
    else if constexpr (std::is_arithmetic_v<T>) return fmt::format("{}", v);
    else if constexpr (std::is_enum_v<T>) return fmt::format("{}", static_cast<int>(v));
    else return fmt::format("[{}]", fmt::join(v, ", "));
  }
  std::string what_;
};

// Compares one member of a and b under its own name (until #undef below).
#define SAME(member) field(#member, a.member, b.member)

std::string entry_difference(const links::CacheEntry& a, const links::CacheEntry& b) {
  return Differ().SAME(outcome).SAME(status).SAME(checked_at).SAME(first_failure).SAME(failures).SAME(final_url)
      .SAME(redirect_to).SAME(detail).what();
}

std::string run_difference(const RunRecord& a, const RunRecord& b) {
  return Differ().SAME(at).SAME(checked).SAME(dead).SAME(unreachable).SAME(other)
      .field("new", a.newly_failing, b.newly_failing).SAME(recovered).what();
}

// "" when `back` holds the same items as `items`, else the first difference.
template <class Items, class Compare>
std::string list_difference(const Items& items, const Items& back, Compare&& difference) {
  if (items.size() != back.size()) return fmt::format("{} items became {}", items.size(), back.size());
  auto b = back.begin();
  std::size_t n = 0;
  for (auto a = items.begin(); a != items.end(); ++a, ++b, ++n) {
    if (std::string d = difference(*a, *b); !d.empty()) return fmt::format("item {}: {}", n, d);
  }
  return {};
}

// What run_link_pass (src/links/pass.cpp) hands the report renderers when
// every cached URL is found again in this run: failing entries as failing
// links, with its clamps, and the run log as the history.
LinkReportData report_from_cache(const std::map<std::string, links::CacheEntry>& entries,
                                 const std::vector<RunRecord>& runs) {
  constexpr std::int64_t now = 1767225600;  // 2026-01-01, fixed so a crash replays
  LinkReportData data;
  data.generated_at = now;
  data.site_url = "https://finews.withounder.com";
  data.has_cache = true;
  data.history = runs;
  for (const auto& [url, e] : entries) {
    ++data.checked;
    if (links::is_alive(e.outcome)) continue;
    links::Url u;
    std::string ignored;
    ReportLink link;
    link.url = url;
    link.host = links::parse_http_url(url, u, ignored) ? u.host_key() : std::string();
    link.outcome = std::string(links::to_string(e.outcome));
    link.status = e.status;
    link.detail = e.detail;
    link.failures = std::max(1, e.failures);
    link.first_failure = e.first_failure > 0 ? e.first_failure : now;
    link.occurrences.push_back({"_posts/2022-01-20-x.md", "标题 <b>&", 3, 7, url});
    data.occurrences += 1;
    if (e.failures > 0) data.recovered.push_back({url, link.host, link.outcome, e.failures, e.first_failure});
    data.failing.push_back(std::move(link));
  }
  return data;
}

}  // namespace

int fuzz_link_cache(const std::uint8_t* data, std::size_t size) {
  std::string error;
  const auto read = links::LinkCache::parse(text_of(data, size), error);
  if (!read) {
    if (error.empty()) broken("a rejected cache without a reason");
    return 0;
  }
  // A cache written elsewhere may change once (invalid UTF-8 becomes U+FFFD);
  // from then on, what the cache writes it reads back unchanged.
  const std::string written = links::LinkCache::serialize(read->entries, read->runs);
  const auto once = links::LinkCache::parse(written, error);
  if (!once) broken("a cache it wrote does not read back: " + error);
  if (once->problem_count > 0) broken("a cache it wrote has unusable entries: " + once->problems.front());
  const std::string rewritten = links::LinkCache::serialize(once->entries, once->runs);
  const auto twice = links::LinkCache::parse(rewritten, error);
  if (!twice) broken("a cache it wrote does not read back: " + error);
  if (twice->problem_count > 0) broken("a cache it wrote has unusable entries: " + twice->problems.front());
  std::string changed = list_difference(once->entries, twice->entries, [](const auto& a, const auto& b) {
    return a.first != b.first ? fmt::format("URL '{}' became '{}'", a.first, b.first) : entry_difference(a.second, b.second);
  });
  if (changed.empty()) changed = list_difference(once->runs, twice->runs, run_difference);
  if (!changed.empty()) broken("a cache it wrote reads back different: " + changed);
  const LinkReportData report = report_from_cache(read->entries, read->runs);
  for (const int min_failures : {1, 3}) {
    ReportOptions options;
    options.min_failures = min_failures;
    (void)render_markdown_report(report, options);
    (void)render_html_report(report, options);
  }
  return 0;
}

namespace {

std::string record_difference(const PostRecord& a, const PostRecord& b) {
  return Differ().SAME(filesystem_path).SAME(size).SAME(mtime_ns).SAME(front_matter_ok).SAME(published)
      .SAME(title).SAME(date).SAME(categories).SAME(source_url).SAME(info_code).SAME(slug).SAME(permalink)
      .SAME(title_line).SAME(date_line).SAME(categories_line).SAME(source_line).what();
}
#undef SAME

// The archive checks over an index read from `text`, set up as
// run_archive_stage (src/archive.cpp) sets up a site's cached posts; every
// other post counts as one of the run's, so findings are reported too.
void run_archive_checks(std::string_view text) {
  ArchiveIndex index;
  index.display_root = "/site/";
  index.roots = {"", "/site"};
  index.site_root = "/site";
  if (!parse_index_views(text, index, index.posts)) broken("parse_index accepted an index parse_index_views rejects");
  for (auto& p : index.posts) p.root = 1;
  for (std::size_t i = 0; i < index.posts.size(); ++i) index.reported.push_back(i % 2 == 0);
  index.shown.resize(index.posts.size());
  for (const auto& active : news_site().checks) {
    const auto* check = dynamic_cast<const ArchiveCheck*>(active.check.get());
    if (!check) continue;
    std::vector<PendingFinding> found;
    ArchiveEmitter emit(index, check->meta().id, active.severity, found);
    check->check_archive(index, emit);
  }
}

}  // namespace

int fuzz_archive_index(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  const fs::path site_root = "/site";
  std::vector<PostRecord> records;
  if (!parse_index(text, site_root, records)) return 0;  // a corrupt index is rebuilt
  // Every run rewrites the index it read: what it read must survive that.
  std::vector<PostRecord> back;
  if (!parse_index(serialize_index(records, site_root), site_root, back)) broken("an index it wrote does not read back");
  if (const std::string changed = list_difference(records, back, record_difference); !changed.empty())
    broken("an index it wrote reads back different: " + changed);
  run_archive_checks(text);
  return 0;
}

namespace {

// The input's parts between NUL bytes, as files to merge (at most three).
std::vector<fs::path> write_json_inputs(const std::string& text) {
  std::vector<fs::path> files;
  std::size_t begin = 0;
  while (files.size() < 3) {
    const std::size_t nul = files.size() == 2 ? std::string::npos : text.find('\0', begin);
    const fs::path file = scratch() / "json" / fmt::format("shard-{}.sarif", files.size() + 1);
    write_bytes(file, text.substr(begin, nul == std::string::npos ? std::string::npos : nul - begin));
    files.push_back(file);
    if (nul == std::string::npos) break;
    begin = nul + 1;
  }
  return files;
}

// parse_json and dump agree: a dump parses, and after the first (which may
// replace invalid UTF-8 with U+FFFD) dumping what was read gives the same text.
void require_json_round_trip(const std::string& text) {
  std::string dumped;
  try {
    dumped = parse_json(text).dump(2);
  } catch (const JsonParseError&) {
    return;
  }
  std::string again;
  for (int round = 0; round < 2; ++round) {
    try {
      again = parse_json(dumped).dump(2);
    } catch (const JsonParseError& e) {
      broken(fmt::format("dumped JSON does not parse ({}:{}: {})", e.line, e.column, e.what()));
    }
    if (round == 1 && again != dumped) broken("dumped JSON reads back different");
    dumped = std::move(again);
  }
}

}  // namespace

int fuzz_report_json(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  const std::vector<fs::path> files = write_json_inputs(text);
  require_json_round_trip(text.substr(0, text.find('\0')));
  for (const std::size_t limit : {std::size_t{25000}, std::size_t{1}}) {
    try {
      require_json(merge_reports(files, limit), "merged output");
    } catch (const std::runtime_error&) {
      // `archive-lint: <file>: <why>`, exit code 2 (InvariantError is a logic_error: not caught)
    }
  }
  try {
    const Baseline baseline = Baseline::load(files.front());
    Diagnostic d;
    d.rule_id = "front-matter/date-format";
    d.path = "_posts/2022-01-20-NW202201202254890865.md";
    d.fingerprint = "0123456789abcdef:1";
    std::vector<Diagnostic> found{d, d};
    (void)baseline.filter(found);
    require_json(baseline.serialise(), "a baseline written back");
  } catch (const std::runtime_error&) {
  }
  return 0;
}

namespace {

const links::Url& site_url() {
  static const links::Url site = [] {
    links::Url u;
    std::string error;
    links::parse_http_url("https://finews.withounder.com/base/", u, error);
    return u;
  }();
  return site;
}

// A URL that parses normalises to one that parses to itself: the engine
// fetches, and the cache keys on, the normalised form.
void require_stable_url(std::string_view text) {
  links::Url url;
  std::string error;
  if (!links::parse_http_url(text, url, error)) {
    if (error.empty()) broken("a rejected URL without a reason");
    return;
  }
  (void)url.host_key();
  (void)url.effective_port();
  const std::string normal = url.normalized();
  links::Url again;
  if (!links::parse_http_url(normal, again, error))
    broken(fmt::format("normalised URL '{}' does not parse: {}", normal, error));
  if (again.normalized() != normal) broken(fmt::format("'{}' normalises to '{}'", normal, again.normalized()));
}

const Site& error_site() {
  static const Site site = make_site("links", "extends: news-archive\nlinks:\n  protocol_relative: error\n");
  return site;
}

}  // namespace

int fuzz_url_links(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  require_stable_url(text);
  switch (links::classify_link(text)) {
    case links::LinkForm::site_relative: require_stable_url(links::join_site_relative(site_url(), text)); break;
    case links::LinkForm::protocol_relative: require_stable_url("https:" + text); break;
    default: break;
  }
  const Document doc = parse_document("_posts/2022-01-20-NW202201202254890865.md", text);
  for (const auto& link : doc.links) {
    if (link.begin > link.end || link.end > size)
      broken(fmt::format("link '{}' spans bytes {}-{} of {}", link.url, link.begin, link.end, size));
    require_stable_url(link.url);
  }
  DocumentLinks links;
  if (!collect_document_links(doc, "", links)) return 0;
  for (const Site* site : {&news_site(), &error_site()}) {
    std::vector<Diagnostic> found;
    std::vector<std::string> warnings;
    run_link_pass({links}, site->links, site->link_rules, false, found, warnings);
    require_in_bounds(found, size);
  }
  return 0;
}

int fuzz_jekyll_site(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  const JekyllSite site = parse_jekyll_config(text, "site/_config.yml");
  for (const auto& w : site.warnings) {
    if (w.rfind("site/_config.yml", 0) != 0 || w.find('\n') != std::string::npos)
      throw InvariantError("a _config.yml warning is not one `file:line:col` line: " + w);
  }
  (void)parse_tzif(text, "fuzz");
  (void)registered_liquid_tags(text);
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= text.size() && lines.size() < 5;) {
    const auto end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  lines.resize(5);
  for (const auto& path : {lines[4], "en/_posts/2020-01-02-" + lines[4] + ".md", std::string("_posts/2020-01-02-x.md")}) {
    PostFacts facts;
    facts.relative_path = path;
    facts.date = lines[0];
    facts.permalink = lines[1];
    facts.slug = lines[2];
    facts.categories = {lines[3], lines[4]};
    for (const std::optional<int> offset : {std::optional<int>(), std::optional<int>(-300)}) {
      const auto post = jekyll_post(site, facts, offset);
      if (!post) continue;
      if (post->url.empty() || post->url[0] != '/') throw InvariantError("a Jekyll URL without its leading '/': " + post->url);
      const std::string& file = post->destination;
      if (file.empty() || file[0] == '/' || file == ".." || file.rfind("../", 0) == 0 ||
          file.find("/../") != std::string::npos)
        throw InvariantError("an output file outside the destination: " + file);
    }
  }
  return 0;
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"check-post", fuzz_check_post},   {"config", fuzz_config},          {"link-cache", fuzz_link_cache},
      {"archive-index", fuzz_archive_index}, {"report-json", fuzz_report_json}, {"url-links", fuzz_url_links},
      {"jekyll-site", fuzz_jekyll_site},
  };
  return all;
}

}  // namespace al::fuzz
