// attribution/*, archive/* and jekyll/* rules: fixtures run through the whole
// pipeline (per-file checks, then the archive stage), attribution recall and
// precision over gen-archive, pre-commit runs against a large archive with the
// index cache, and config validation of the `attribution:` block.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../checks/attribution/analysis.hpp"
#include "archive_lint/archive.hpp"
#include "archive_lint/attribution.hpp"
#include "archive_lint/attribution_links.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/runner.hpp"

using namespace al;
namespace fs = std::filesystem;

namespace {

using al::test::slurp;
using al::test::spit;

std::string describe(const Diagnostic& d) {
  return d.path + " " + d.rule_id + " " + std::to_string(d.start.line) + ":" + std::to_string(d.start.column) + " " + d.message;
}

// A clean post in the news-archive conventions; `n` makes it unique.
std::string news_post(int n, const std::string& source_url) {
  return "---\nlayout: post\ntitle: \"第" + std::to_string(n) + "篇报道\"\ndate: 2021-03-04 10:00:00 +0800\n"
         "categories: kejiribao\ntags: 科技日报新闻\n---\n<p>正文。</p>\n <p class=\"em_media\">（文章来源：科技日报）</p>\n\n<" +
         source_url + ">\n\n[返回科技日报新闻](//finews.withounder.com/category/kejiribao.html)｜[返回首页](//finews.withounder.com/)\n";
}

std::string code_url(int n) {
  return "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW2021030400000" + std::to_string(10000 + n);
}

}  // namespace

TEST_CASE("attribution messages quote both values", "[attribution]") {
  const fs::path fixtures = fs::path(ARCHIVE_LINT_SOURCE_DIR) / "tests" / "fixtures" / "attribution";
  const fs::path root = al::test::scratch_dir("attr-messages");
  fs::copy(fixtures / "source-mismatch" / "_posts", root / "_posts", fs::copy_options::recursive);
  fs::copy(fixtures / "backlink-mismatch" / "_posts", root / "_posts", fs::copy_options::recursive | fs::copy_options::skip_existing);
  const PipelineResult run = al::test::lint_site_offline(root, {(root / "_posts").string()});
  bool saw_source = false, saw_back = false;
  for (const auto& d : run.result.diagnostics) {
    if (d.path == "_posts/2022-01-20-other-paper.md" && d.rule_id == "attribution/source-mismatch") {
      saw_source = true;
      CHECK(d.message.find("'新华社'") != std::string::npos);
      CHECK(d.message.find("'科技日报新闻'") != std::string::npos);
    }
    if (d.rule_id == "attribution/backlink-mismatch" && d.path == "_posts/2022-01-20-wrong-category-url.md") {
      saw_back = true;
      CHECK(d.message.find("'renminribao'") != std::string::npos);
      CHECK(d.message.find("'kejiribao'") != std::string::npos);
    }
  }
  CHECK(saw_source);
  CHECK(saw_back);
}

TEST_CASE("attribution recall and precision over gen-archive", "[attribution][recall]") {
  std::size_t injected = 0, found = 0, false_positives = 0, clean_findings = 0, repeated = 0;
  std::ostringstream problems;
  for (int seed = 1; seed <= 5; ++seed) {
    const fs::path out = al::test::scratch_dir("attr-recall-" + std::to_string(seed));
    const auto manifest = al::test::manifest_by_file(al::test::generate_archive(out, "--posts 2000 --seed " + std::to_string(seed)));
    const PipelineResult run = al::test::lint_site_offline(out, {(out / "_posts").string()});
    std::map<std::string, std::size_t> hits;
    for (const auto& d : run.result.diagnostics) {
      const bool attribution = d.rule_id.rfind("attribution/", 0) == 0;
      const auto it = manifest.find(d.path);
      if (it == manifest.end()) {
        ++clean_findings;  // any family on a clean post
        problems << "clean post: " << describe(d) << "\n";
        continue;
      }
      if (!attribution) continue;
      if (it->second.family == "attribution" && d.start.line >= it->second.first_line && d.start.line <= it->second.last_line) {
        ++hits[d.path];
      } else {
        ++false_positives;
        problems << "false positive: " << describe(d) << " (" << it->second.family << "/" << it->second.kind << ")\n";
      }
    }
    for (const auto& [path, defect] : manifest) {
      if (defect.family != "attribution") continue;
      ++injected;
      const auto h = hits.find(path);
      if (h == hits.end()) {
        problems << "missed: " << path << " " << defect.kind << "\n";
        continue;
      }
      ++found;
      if (h->second > 1) {
        ++repeated;
        problems << "reported " << h->second << " times: " << path << "\n";
      }
    }
  }
  INFO(problems.str());
  INFO("attribution: " << found << "/" << injected << " found, " << false_positives << " false positives");
  CHECK(injected > 100);
  CHECK(found == injected);
  CHECK(false_positives == 0);
  CHECK(repeated == 0);
  CHECK(clean_findings == 0);
}

TEST_CASE("pre-commit run on one file finds its duplicate elsewhere in a large archive", "[archive][precommit]") {
  const fs::path root = al::test::scratch_dir("attr-precommit");
  for (int n = 0; n < 2000; ++n) spit(root / "_posts" / ("2021-03-04-post" + std::to_string(n) + ".md"), news_post(n, code_url(n)));
  // The new post reposts article 1234 again.
  const fs::path added = root / "_posts" / "2021-03-05-repost.md";
  spit(added, news_post(5000, code_url(1234)));
  spit(root / ".archive-lint.yml", "extends: news-archive\n");

  const std::string cmd = std::string("cd '") + root.string() + "' && '" + ARCHIVE_LINT_BINARY +
                          "' check --format json _posts/2021-03-05-repost.md > out.json 2> err.txt";
  auto run_cli = [&] { return WEXITSTATUS(std::system(cmd.c_str())); };
  CHECK(run_cli() == 1);
  std::string out = slurp(root / "out.json");
  INFO(out);
  CHECK(out.find("archive/duplicate-post") != std::string::npos);
  CHECK(out.find("_posts/2021-03-04-post1234.md") != std::string::npos);
  CHECK(out.find("\"path\": \"_posts/2021-03-04-post1234.md\"") == std::string::npos);  // reported only on the file given
  const fs::path cache = archive_cache_path(root);
  REQUIRE(fs::exists(cache));

  // Warm: the cache answers for every other post.
  const PipelineResult warm = al::test::lint_site_offline(root, {added.string()});
  CHECK(warm.archive.indexed == 2001);
  CHECK(warm.archive.cache_hits == 2000);
  CHECK(warm.archive.parsed == 0);
  CHECK(warm.archive.warnings.empty());

  // An edited post is re-read; a corrupt cache is a warning and is rebuilt.
  spit(root / "_posts" / "2021-03-04-post7.md", news_post(7, code_url(1234)));
  const PipelineResult edited = al::test::lint_site_offline(root, {added.string()});
  CHECK(edited.archive.parsed == 1);
  std::size_t dup = 0;
  for (const auto& d : edited.result.diagnostics) dup += d.rule_id == "archive/duplicate-post";
  CHECK(dup == 2);  // the post points at both others

  spit(cache, "# archive-lint post index v3\ngarbage\twithout\tenough fields\n");
  const PipelineResult rebuilt = al::test::lint_site_offline(root, {added.string()});
  REQUIRE(rebuilt.archive.warnings.size() == 1);
  CHECK(rebuilt.archive.warnings[0].find("corrupt") != std::string::npos);
  CHECK(rebuilt.archive.parsed == 2001 - 1);
  std::vector<PostRecord> records;
  CHECK(parse_index(slurp(cache), root, records));
  CHECK(records.size() == 2001);

  // A cache of an older version (before body fingerprints) is rebuilt without a warning.
  std::string old = slurp(cache);
  old.replace(old.find("index v3"), 8, "index v2");
  spit(cache, old);
  const PipelineResult upgraded = al::test::lint_site_offline(root, {added.string()});
  CHECK(upgraded.archive.warnings.empty());
  CHECK(upgraded.archive.parsed == 2001 - 1);
  CHECK(slurp(cache).rfind("# archive-lint post index v3\n", 0) == 0);
}

TEST_CASE("the index cache is matched to the listing in any order, and kept in listing order", "[archive][precommit]") {
  const fs::path root = al::test::scratch_dir("attr-cache-order");
  for (int n = 0; n < 60; ++n) {
    const std::string dir = n % 3 == 0 ? "_posts/2021" : "_posts";  // a subdirectory too
    spit(root / dir / ("2021-03-04-post" + std::to_string(n) + ".md"), news_post(n, code_url(n)));
  }
  const fs::path given = root / "_posts" / "2021-03-04-post1.md";
  const PipelineResult cold = al::test::lint_site_offline(root, {given.string()});
  CHECK(cold.archive.indexed == 60);
  CHECK(cold.archive.parsed == 59);
  const fs::path cache = archive_cache_path(root);
  const std::string in_listing_order = slurp(cache);

  // The same entries in reverse order: every one still answers, and the file
  // is rewritten in the order the directory lists them.
  std::vector<std::string> lines;
  std::istringstream in(in_listing_order);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 61);  // the header and every post, the given one included
  std::string reversed = lines[0] + "\n";
  for (std::size_t i = lines.size() - 1; i >= 1; --i) reversed += lines[i] + "\n";
  spit(cache, reversed);
  const PipelineResult shuffled = al::test::lint_site_offline(root, {given.string()});
  CHECK(shuffled.archive.cache_hits == 59);
  CHECK(shuffled.archive.parsed == 0);
  CHECK(shuffled.archive.warnings.empty());
  CHECK(slurp(cache) == in_listing_order);

  // A warm run with nothing changed leaves the file alone.
  const auto written = fs::last_write_time(cache);
  const PipelineResult warm = al::test::lint_site_offline(root, {given.string()});
  CHECK(warm.archive.cache_hits == 59);
  CHECK(fs::last_write_time(cache) == written);

  // A removed file drops out; a new one (a duplicate of post 40) is read and found.
  fs::remove(root / "_posts" / "2021-03-04-post7.md");
  spit(root / "_posts" / "2021" / "2021-03-05-new.md", news_post(500, code_url(40)));
  const PipelineResult changed = al::test::lint_site_offline(root, {given.string(), (root / "_posts" / "2021" / "2021-03-05-new.md").string()});
  CHECK(changed.archive.indexed == 60);
  CHECK(changed.archive.cache_hits == 58);
  CHECK(changed.archive.parsed == 0);  // both new files are given, so parsed by the run itself
  std::size_t dup = 0;
  for (const auto& d : changed.result.diagnostics) dup += d.rule_id == "archive/duplicate-post";
  CHECK(dup == 1);
  std::vector<PostRecord> records;
  REQUIRE(parse_index(slurp(cache), root, records));
  CHECK(records.size() == 60);
  CHECK(std::none_of(records.begin(), records.end(), [](const PostRecord& r) { return r.filesystem_path.find("post7.md") != std::string::npos; }));
}

TEST_CASE("the index cache round-trips values with tabs, newlines and backslashes", "[archive]") {
  PostRecord r;
  r.filesystem_path = "/site/_posts/2022-01-20-a\tb.md";
  r.size = 42;
  r.mtime_ns = 1234567890123;
  r.front_matter_ok = true;
  r.published = false;
  r.title = "a\\b\nc";
  r.date = "2022-01-20 13:12:24 +0800";
  r.categories = {"x", "y z"};
  r.source_url = "http://e.com/?a=1\tb";
  r.info_code = "NW1";
  r.slug = "a\tb";
  r.title_line = 3;
  r.source_line = 11;
  std::vector<PostRecord> back;
  REQUIRE(parse_index(serialize_index({r}, "/site"), "/site", back));
  REQUIRE(back.size() == 1);
  CHECK(back[0].filesystem_path == r.filesystem_path);
  CHECK(back[0].title == r.title);
  CHECK(back[0].categories == r.categories);
  CHECK(back[0].source_url == r.source_url);
  CHECK(back[0].published == false);
  CHECK(back[0].mtime_ns == r.mtime_ns);
  CHECK(back[0].source_line == 11);
  CHECK_FALSE(parse_index("not a cache\n", "/site", back));
  CHECK_FALSE(parse_index(std::string(serialize_index({r}, "/site")).substr(0, 60), "/site", back));

  // The escape test reads eight bytes at a time: every special byte, at every
  // offset of a long value, in a value of every length up to 17.
  for (const char special : {'\\', '\t', '\n', '\r', '\x1f', '\x01'}) {
    for (std::size_t length = 1; length <= 17; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string title(length, 'x');
        title[at] = special;
        PostRecord t = r;
        t.title = title;
        t.categories = {"c\x7f\xe6\x96\xb0"};  // DEL and UTF-8 need no escape and must come back as they were
        REQUIRE(parse_index(serialize_index({t}, "/site"), "/site", back));
        REQUIRE(back.size() == 1);
        CHECK(back[0].title == title);
        CHECK(back[0].categories == t.categories);
      }
    }
  }
  // Every number serialize writes reads back: a file dated 1922 (a 20-character
  // negative mtime) and the largest size.
  PostRecord old_file = r;
  old_file.mtime_ns = -1500000000000000000LL;
  old_file.size = std::numeric_limits<std::uint64_t>::max();
  REQUIRE(parse_index(serialize_index({old_file}, "/site"), "/site", back));
  REQUIRE(back.size() == 1);
  CHECK(back[0].mtime_ns == old_file.mtime_ns);
  CHECK(back[0].size == old_file.size);
  // Too many fields, and numbers that are not plain digits, make the cache corrupt.
  const std::string good = serialize_index({r}, "/site");
  std::string extra = good;
  extra.insert(extra.size() - 1, "\textra");
  CHECK_FALSE(parse_index(extra, "/site", back));
  std::string signed_size = good;
  signed_size.replace(signed_size.find("\t42\t"), 4, "\t+42\t");
  CHECK_FALSE(parse_index(signed_size, "/site", back));
}

TEST_CASE("regression: an index with empty categories reads back the same after a rewrite", "[archive][regression]") {
  // Found by fuzz/archive-index: the join dropped a leading empty name and the
  // split a trailing one, so each rewrite of such an index lost one more.
  const std::string index = "# archive-lint post index v3\n"
                            "_posts/2022-01-20-a.md\t1\t2\tyy\tT\t\ta\\u\\ub\\u\t\t\ta\t\t\t1\t1\t1\t1\t0\t0\t0\t0\n"
                            "_posts/2022-01-21-b.md\t1\t2\tyy\tT\t\t\\uc\t\t\tb\t\t\t1\t1\t1\t1\t0\t0\t0\t0\n";
  std::vector<PostRecord> records, back;
  REQUIRE(parse_index(index, "/site", records));
  REQUIRE(records.size() == 2);
  CHECK(records[0].categories == std::vector<std::string>{"a", "b"});
  CHECK(records[1].categories == std::vector<std::string>{"c"});
  REQUIRE(parse_index(serialize_index(records, "/site"), "/site", back));
  REQUIRE(back.size() == 2);
  CHECK(back[0].categories == records[0].categories);
  CHECK(back[1].categories == records[1].categories);
}

TEST_CASE("bad attribution config is a ConfigError naming file and line", "[attribution][config]") {
  auto error_of = [](const std::string& text) -> std::string {
    try {
      (void)parse_config(text, "site/.archive-lint.yml");
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  const std::string no_source = error_of("attribution:\n  marker:\n    pattern: '来源：([^）]+)'\n");
  CHECK(no_source.find("site/.archive-lint.yml:3:") != std::string::npos);
  CHECK(no_source.find("(?<source>") != std::string::npos);
  CHECK(error_of("attribution:\n  marker:\n    pattern: '(?<source>[a'\n").find(":3:") != std::string::npos);
  CHECK(error_of("attribution:\n  marker:\n    pattern: '(?<source>a)'\n    count: 0\n").find(":4:") != std::string::npos);
  CHECK(error_of("attribution:\n  marker:\n    pattern: '(?<source>a)'\n    element: 'p..x'\n").find(":4:") != std::string::npos);
  CHECK(error_of("attribution:\n  marker:\n    pattern: '(?<source>a)'\n    position: middle\n").find("end or any") != std::string::npos);
  CHECK(error_of("attribution:\n  agree:\n    tags: '{paper}新闻'\n").find("unknown placeholder '{paper}'") != std::string::npos);
  CHECK(error_of("attribution:\n  agree:\n    backlink_url: ['//x/{category']\n").find(":3:") != std::string::npos);
  CHECK(error_of("attribution:\n  colour: red\n").find("unknown key 'attribution.colour'") != std::string::npos);
  CHECK(error_of("attribution:\n  categories:\n    emnews: {marker: sometimes}\n").find(":3:") != std::string::npos);
  CHECK(error_of("attribution: [1]\n").find(":1:") != std::string::npos);
  // A refinement of the preset: only the count changes; `none` switches the block off.
  const Config refined = parse_config("extends: news-archive\nattribution:\n  marker:\n    count: 2\n", "c.yml");
  CHECK(compile_attribution(refined.attribution, "c.yml").marker->count == 2);
  CHECK(compile_attribution(refined.attribution, "c.yml").marker->pattern == "（文章来源：(?<source>[^）]+)）");
  const Config off = parse_config("extends: news-archive\nattribution: none\n", "c.yml");
  CHECK_FALSE(compile_attribution(off.attribution, "c.yml").configured);
}

TEST_CASE("archive rule options are validated", "[archive][config]") {
  CHECK_THROWS_AS(instantiate_checks(parse_config("rules:\n  archive/duplicate-post:\n    match: [colour]\n", "c.yml")), ConfigError);
  CHECK_THROWS_AS(instantiate_checks(parse_config("rules:\n  archive/permalink-collision:\n    utc_offset: eight\n", "c.yml")), ConfigError);
  CHECK_THROWS_AS(instantiate_checks(parse_config("rules:\n  jekyll/future-date:\n    now: tomorrow\n", "c.yml")), ConfigError);
  CHECK_NOTHROW(instantiate_checks(parse_config("rules:\n  archive/permalink-collision:\n    permalink: pretty\n    utc_offset: '+0800'\n", "c.yml")));
}

TEST_CASE("permalink collisions follow the configured pattern and time zone", "[archive]") {
  const fs::path root = al::test::scratch_dir("attr-permalink");
  // 07:30 +0800 is the previous day in UTC: distinct days as written, the same day in UTC.
  auto post = [](const std::string& date, const std::string& slug_title) {
    return "---\nlayout: post\ntitle: \"" + slug_title + "\"\ndate: " + date + "\ncategories: kejiribao\n---\n<p>x</p>\n";
  };
  spit(root / "_posts" / "2022-01-20-same.md", post("2022-01-20 07:30:00 +0800", "a"));
  spit(root / "_posts" / "2022-01-19-same.md", post("2022-01-19 20:00:00 +0800", "b"));
  auto collisions = [&](const std::string& config) {
    const PipelineResult run = al::test::lint_site_offline(root, {(root / "_posts").string()}, config);
    std::size_t n = 0;
    for (const auto& d : run.result.diagnostics) n += d.rule_id == "archive/permalink-collision";
    return n;
  };
  CHECK(collisions("rules:\n  archive/permalink-collision: on\n") == 0);
  CHECK(collisions("rules:\n  archive/permalink-collision:\n    utc_offset: '+0000'\n") == 2);
  CHECK(collisions("rules:\n  archive/permalink-collision:\n    permalink: /:categories/:title.html\n") == 2);
  spit(root / "_config.yml", "permalink: none\n");
  CHECK(collisions("rules:\n  archive/permalink-collision: on\n") == 2);
}

TEST_CASE("attribution: a marker whose optional character is multi-byte is still found", "[attribution]") {
  // RE2 makes all of 源 optional; a byte-wise prefix kept part of it and never matched.
  const Config config = parse_config("extends: news-archive\nattribution:\n  marker:\n    pattern: '（来源?：(?<source>[^）]+)）'\n",
                                     "c.yml");
  const auto rules = compile_attribution(config.attribution, "c.yml");
  for (const char* marker : {"（来源：科技日报）", "（来：科技日报）"}) {
    const Document doc = parse_document("_posts/2022-01-20-x.md",
                                        std::string("---\na: 1\n---\n<p>正文。</p>\n <p class=\"em_media\">") + marker + "</p>\n");
    const auto facts = checks::attribution::analyze(doc, rules);
    INFO(marker);
    REQUIRE(facts.markers.size() == 1);
    CHECK(facts.markers[0].source == "科技日报");
  }
}

TEST_CASE("attribution: the literal prefix that speeds up marker search is conservative", "[attribution]") {
  CHECK(al::regex_literal_prefix("（文章来源：([^）]+)）") == "（文章来源：");
  CHECK(al::regex_literal_prefix("Source: (.+)") == "Source: ");
  CHECK(al::regex_literal_prefix("abc?d") == "ab");          // c is optional
  CHECK(al::regex_literal_prefix("ab*") == "a");
  CHECK(al::regex_literal_prefix("ab{0,2}") == "a");
  CHECK(al::regex_literal_prefix("ab+") == "ab");            // b is still required once
  CHECK(al::regex_literal_prefix("来源?：(.+)") == "来");      // all of 源 is optional, not its last byte
  CHECK(al::regex_literal_prefix("é*x") == "");
  CHECK(al::regex_literal_prefix("来源|出处：(.+)").empty());  // either branch may start a match
  CHECK(al::regex_literal_prefix("^x").empty());
  CHECK(al::regex_literal_prefix("\\(x\\)").empty());
  CHECK(al::regex_literal_prefix("(x)").empty());
}

TEST_CASE("attribution roles: an autolink alone on its line is the source, internal links on a navigation line are back links",
          "[attribution][links]") {
  const std::string text =
      "---\ntitle: x\n---\n"
      "正文 <https://example.com/in-text> 见上。\n"             // autolink in prose: none
      "<https://example.com/a?infoCode=NW1>\n"                   // alone on its line: source
      "[返回](//h.example/category/a.html)｜[返回首页](/)\n"     // internal, navigation line: back, back
      "see [the index](/index.html) for more\n"                  // internal, in prose: none
      "[外链](https://other.example/)｜[返回](/b.html)\n"        // external: none; internal: back
      "<p><a href=\"/c.html\">c</a></p>\n";                       // HTML: none
  const Document doc = parse_document("_posts/2022-01-01-x.md", text);
  REQUIRE(doc.links.size() == 8);
  const std::vector<AttributionRole> roles = attribution_roles(doc);
  const std::vector<AttributionRole> expected = {
      AttributionRole::none, AttributionRole::source, AttributionRole::back, AttributionRole::back,
      AttributionRole::none, AttributionRole::none,   AttributionRole::back, AttributionRole::none};
  CHECK(roles == expected);
  const Link* source = source_link(doc);
  REQUIRE(source != nullptr);
  CHECK(source->url == "https://example.com/a?infoCode=NW1");
  CHECK(source_link(parse_document("_posts/2022-01-01-y.md", "---\ntitle: y\n---\ntext <https://example.com/>\n")) ==
        nullptr);
}
