// Jekyll as the oracle: each site under tests/sites is read by Jekyll 4.3
// (tests/oracle/jekyll-site.rb, `ruby` from PATH) and by archive-lint's site
// model; any difference in a post's URL, output file, categories or date, in
// the set of posts, or in the plugin tags fails the test.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

#include "archive_lint/inspect.hpp"
#include "archive_lint/json_value.hpp"
#include "archive_lint/permalink.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/post_record.hpp"
#include "archive_lint/site.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

namespace {

struct OraclePost {
  std::string url, destination, date;
  std::vector<std::string> categories;
};

struct OracleSite {
  std::map<std::string, OraclePost> posts;  // by path from the site root
  std::vector<std::string> plugin_tags;
};

std::vector<std::string> strings_of(const JsonValue* value) {
  std::vector<std::string> out;
  if (value && value->is_array()) {
    for (const auto& v : value->as_array()) out.push_back(v.is_string() ? v.as_string() : v.dump(0));
  }
  return out;
}

OracleSite run_oracle(const fs::path& site) {
  const RunOutput out = run("ruby " + sh_quote((source_dir() / "tests" / "oracle" / "jekyll-site.rb").string()) + " " +
                                sh_quote(site.string()),
                            source_dir());
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  OracleSite oracle;
  std::size_t start = 0;
  while (start < out.out.size()) {
    const auto end = std::min(out.out.find('\n', start), out.out.size());
    const JsonValue line = parse_json(out.out.substr(start, end - start));
    start = end + 1;
    if (const JsonValue* tags = line.find("plugin_tags")) {
      oracle.plugin_tags = strings_of(tags);
      continue;
    }
    oracle.posts[line.get_string("path")] = {line.get_string("url"), line.get_string("destination"),
                                             line.get_string("date"), strings_of(line.find("categories"))};
  }
  return oracle;
}

std::string format_date(const PostDate& d) {
  const int off = d.offset_minutes;
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}{:02}{:02}", d.year, d.month, d.day, d.hour, d.minute,
                     d.second, off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
}

// archive-lint's reading of every post Jekyll would write, by path from the root.
std::map<std::string, OraclePost> archive_lint_view(const JekyllSite& site) {
  std::map<std::string, OraclePost> out;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const fs::path& dir : site.post_directories()) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string rel = entry.path().lexically_relative(site.root).generic_string();
      ParseOptions options;
      options.html = false;
      const PostRecord record = make_post_record(load_document(entry.path().string(), rel, options), entry.path());
      if (!record.published) continue;
      PostFacts facts;
      facts.relative_path = rel;
      facts.date = record.date;
      facts.permalink = record.permalink;
      facts.categories = record.categories;
      // The record's slug falls back to the file's; the front matter's is passed only when it says one.
      const Document doc = load_document(entry.path().string(), rel, options);
      if (doc.front_matter.find("slug")) facts.slug = record.slug;
      const auto post = jekyll_post(site, facts, 0);  // the oracle pins the build machine's zone to UTC
      if (!post || (!site.future && post->epoch_seconds > now)) continue;
      out[rel] = {post->url, post->destination, format_date(post->date), post->categories};
    }
  }
  return out;
}

std::vector<fs::path> fixture_sites() {
  std::vector<fs::path> sites;
  for (const auto& entry : fs::directory_iterator(source_dir() / "tests" / "sites")) {
    if (entry.is_directory()) sites.push_back(entry.path());
  }
  std::sort(sites.begin(), sites.end());
  return sites;
}

}  // namespace

TEST_CASE("Jekyll and archive-lint read the fixture sites' posts alike", "[oracle]") {
  const auto sites = fixture_sites();
  REQUIRE(sites.size() >= 8);
  std::size_t compared = 0;
  for (const fs::path& dir : sites) {
    INFO("site " << dir.filename().string());
    const OracleSite oracle = run_oracle(dir);
    const JekyllSite site = load_jekyll_site(dir);
    CHECK(site.warnings.empty());
    CHECK(site.plugin_tags == oracle.plugin_tags);
    const auto ours = archive_lint_view(site);
    std::vector<std::string> oracle_paths, our_paths;
    for (const auto& [path, post] : oracle.posts) oracle_paths.push_back(path);
    for (const auto& [path, post] : ours) our_paths.push_back(path);
    CHECK(our_paths == oracle_paths);
    for (const auto& [path, expected] : oracle.posts) {
      INFO("post " << path);
      const auto it = ours.find(path);
      if (it == ours.end()) continue;
      CHECK(it->second.url == expected.url);
      CHECK(it->second.destination == expected.destination);
      CHECK(it->second.categories == expected.categories);
      CHECK(it->second.date == expected.date);
      // `archive-lint inspect` shows the same reading.
      const std::string abs = (site.root / path).string();
      const PostInspection shown = inspect_document(load_document(abs, path), &site, abs);
      CHECK(shown.site.url == expected.url);
      CHECK(shown.site.destination == expected.destination);
      CHECK(shown.site.categories == expected.categories);
      ++compared;
    }
  }
  CHECK(compared >= 30);
}

TEST_CASE("permalink-collision reports exactly the posts Jekyll writes to one file", "[oracle]") {
  for (const fs::path& dir : fixture_sites()) {
    INFO("site " << dir.filename().string());
    const OracleSite oracle = run_oracle(dir);
    std::map<std::string, std::vector<std::string>> by_destination;
    for (const auto& [path, post] : oracle.posts) by_destination[post.destination].push_back(path);
    std::vector<std::string> expected;
    for (const auto& [destination, paths] : by_destination) {
      if (paths.size() > 1) expected.insert(expected.end(), paths.begin(), paths.end());
    }
    std::sort(expected.begin(), expected.end());

    // A copy of the site (the run writes its caches there) whose config pins
    // the build machine's zone to UTC like the oracle.
    const fs::path copy = scratch_dir("oracle-" + dir.filename().string());
    fs::copy(dir, copy, fs::copy_options::recursive);
    spit(copy / ".archive-lint.yml", "rules:\n  archive/permalink-collision:\n    utc_offset: '+0000'\n");
    PipelineOptions options;
    options.paths = {copy.string()};
    options.offline = true;
    options.jobs = 1;
    const PipelineResult run = run_pipeline(options);
    std::vector<std::string> reported;
    for (const auto& d : run.result.diagnostics) {
      if (d.rule_id == "archive/permalink-collision") reported.push_back(d.path);
    }
    std::sort(reported.begin(), reported.end());
    CHECK(reported == expected);
  }
}
