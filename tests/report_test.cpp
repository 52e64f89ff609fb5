// The dead-link report: the pure renderers on crafted inputs, the cache's run
// log, and the link pass feeding the report against a loopback server.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "archive_lint/io.hpp"
#include "archive_lint/link_report.hpp"
#include "archive_lint/links.hpp"
#include "http_server.hpp"
#include "links/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace al;
using al::testing::TestHttpServer;

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1790000000;

ReportLink make_link(const std::string& host, const std::string& path, std::string outcome, int failures,
                     std::size_t places = 1) {
  ReportLink l;
  l.host = host;
  l.url = "https://" + host + path;
  l.outcome = std::move(outcome);
  l.status = l.outcome == "dead" ? 404 : 0;
  l.detail = l.outcome == "dead" ? "HTTP 404" : "connection refused";
  l.failures = failures;
  l.first_failure = kNow - (failures - 1) * kDay;
  for (std::size_t i = 0; i < places; ++i)
    l.occurrences.push_back({"_posts/p" + std::to_string(i) + ".md", "Post " + std::to_string(i),
                             static_cast<std::uint32_t>(10 + i), 3, l.url});
  return l;
}

LinkReportData sample() {
  LinkReportData d;
  d.generated_at = kNow;
  d.site_url = "https://news.example";
  d.checked = 40;
  d.occurrences = 55;
  d.has_cache = true;
  d.failing.push_back(make_link("a.example", "/1", "dead", 5, 2));
  d.failing.push_back(make_link("b.example", "/1", "dead", 1));
  d.failing.push_back(make_link("b.example", "/2", "unreachable", 3));
  d.failing.push_back(make_link("b.example", "/3", "dead", 2, 4));
  d.failing.push_back(make_link("c.example", "/1", "forbidden", 1));
  RecoveredLink r;
  r.url = "https://d.example/back";
  r.host = "d.example";
  r.previous_outcome = "dead";
  r.previous_failures = 4;
  d.recovered.push_back(r);
  RecoveredLink flaky = r;
  flaky.url = "https://d.example/flaky";
  flaky.previous_failures = 1;
  d.recovered.push_back(flaky);
  for (int i = 0; i < 3; ++i) d.history.push_back({kNow - (2 - i) * kDay, 40, 2u + i, 1, 0, 1, 0});
  return d;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size())) ++n;
  return n;
}

std::string table_value(const std::string& md, const std::string& label) {
  const std::regex re("\\| " + label + " \\| ([0-9,]+)");
  std::smatch m;
  return std::regex_search(md, m, re) ? m[1].str() : std::string("?");
}

}  // namespace

TEST_CASE("Markdown report: summary, worst host first, links with their history", "[report]") {
  const LinkReportData data = sample();
  const std::string md = render_markdown_report(data, {});
  CHECK(table_value(md, "Dead") == "3");
  CHECK(table_value(md, "Unreachable") == "1");
  CHECK(table_value(md, "Forbidden or blocked") == "1");
  CHECK(table_value(md, "Newly dead since the last run") == "2");  // b/1 and c/1 failed for the first time
  CHECK(table_value(md, "Recovered since the last run") == "2");
  CHECK(md.find("| Links checked | 40 URLs (55 places) |") != std::string::npos);
  // b.example has 3 failing URLs, a.example 1 with 2 places, c.example 1 with 1 place.
  const auto b = md.find("#### `b.example`"), a = md.find("#### `a.example`"), c = md.find("#### `c.example`");
  REQUIRE(b != std::string::npos);
  REQUIRE(a != std::string::npos);
  REQUIRE(c != std::string::npos);
  CHECK(b < a);
  CHECK(a < c);
  CHECK(md.find("| `b.example` | 2 | 1 | 0 | 6 |") < md.find("| `a.example` | 1 | 0 | 0 | 2 |"));
  // Within a host, the longest-failing link first.
  CHECK(md.find("https://b.example/2") < md.find("https://b.example/3"));
  CHECK(md.find("https://b.example/3") < md.find("https://b.example/1`"));
  // Status, how long and how many runs, and every place.
  CHECK(md.find("- `https://a.example/1` — HTTP 404; failing for 4 days, 5 runs in a row (since " +
                report_day(kNow - 4 * kDay) + ")") != std::string::npos);
  CHECK(md.find("  - `_posts/p1.md` line 11 — Post 1") != std::string::npos);
  CHECK(md.find("connection refused \\(unreachable\\)") != std::string::npos);
  CHECK(md.find("No dead links") == std::string::npos);
  CHECK(md.find("[!NOTE]") == std::string::npos);  // not trimmed
}

TEST_CASE("Report threshold (min-failures) lists a link only after N failed runs in a row", "[report]") {
  const LinkReportData data = sample();
  ReportOptions options;
  options.min_failures = 3;
  const std::string md = render_markdown_report(data, options);
  CHECK(md.find("https://a.example/1") != std::string::npos);  // 5 runs
  CHECK(md.find("https://b.example/2") != std::string::npos);  // 3 runs
  CHECK(md.find("https://b.example/3") == std::string::npos);  // 2 runs
  CHECK(md.find("https://b.example/1") == std::string::npos);  // 1 run
  CHECK(md.find("c.example") == std::string::npos);
  CHECK(table_value(md, "Dead") == "1");
  CHECK(table_value(md, "Unreachable") == "1");
  CHECK(table_value(md, "Newly dead since the last run") == "1");  // b/2 reached 3 runs now
  CHECK(table_value(md, "Failing fewer than 3 runs in a row \\(not listed\\)") == "3");
  // Recovered: only what the previous report listed (4 runs), not the flaky one.
  CHECK(table_value(md, "Recovered since the last run") == "1");
  CHECK(md.find("https://d.example/back") != std::string::npos);
  CHECK(md.find("https://d.example/flaky") == std::string::npos);
  CHECK(md.find("`--min-failures 3`") != std::string::npos);

  options.min_failures = 100;
  const std::string none = render_markdown_report(data, options);
  CHECK(table_value(none, "Dead") == "0");
  CHECK(none.find("No dead links.") != std::string::npos);
  const std::string html = render_html_report(data, options);
  CHECK(count(html, "<tr class=\"link\"") == 0);
}

TEST_CASE("Markdown report is trimmed to 65,536 bytes with a note", "[report]") {
  LinkReportData data = sample();
  data.failing.clear();
  for (int h = 0; h < 40; ++h)
    for (int i = 0; i < 60; ++i)
      data.failing.push_back(make_link("host" + std::to_string(h) + ".example",
                                       "/some/rather/long/path/to/an/article/" + std::to_string(i), "dead", 2, 3));
  const std::string md = render_markdown_report(data, {});
  CHECK(md.size() <= 65536);
  CHECK(md.size() > 60000);  // trimmed close to the limit, not far below
  const std::regex note(
      "This report was trimmed to fit GitHub's limit of 65,536 characters for an issue body: it lists ([0-9,]+) of "
      "2,400 dead links and ([0-9,]+) of 40 hosts");
  std::smatch m;
  REQUIRE(std::regex_search(md, m, note));
  // The note counts what is really there.
  CHECK(std::stoul(m[1].str()) == count(md, "\n- `https://"));
  CHECK(std::stoul(m[2].str()) == count(md, "\n| `host"));
  CHECK(md.find("\n> [!NOTE]\n") != std::string::npos);
  CHECK(md.back() == '\n');

  // A smaller limit holds too, and never splits a UTF-8 sequence.
  data.failing.front().occurrences.front().title = std::string(3000, 'x') + "标题";
  ReportOptions small;
  small.max_bytes = 4000;
  const std::string cut = render_markdown_report(data, small);
  CHECK(cut.size() <= 4000);
  CHECK(cut.find("[!NOTE]") != std::string::npos);

  // Under the limit: nothing trimmed.
  data.failing.resize(10);
  CHECK(render_markdown_report(data, {}).find("[!NOTE]") == std::string::npos);
}

TEST_CASE("Markdown report escapes URLs, paths and titles", "[report]") {
  LinkReportData data;
  data.generated_at = kNow;
  data.has_cache = true;
  ReportLink l = make_link("x.example", "/a`b|c", "dead", 1);
  l.host = "x.example|y";
  l.occurrences.front().title = "<script>alert(1)</script> *bold* [x](http://evil) @octocat #12 | a_b";
  l.occurrences.front().path = "_posts/`tick`.md";
  data.failing.push_back(l);
  const std::string md = render_markdown_report(data, {});
  // The URL is one code span with a fence longer than its backticks.
  CHECK(md.find("``https://x.example/a`b|c``") != std::string::npos);
  // In the host table, `|` is escaped even inside code.
  CHECK(md.find("| `x.example\\|y` |") != std::string::npos);
  CHECK(md.find("`` _posts/`tick`.md ``") == std::string::npos);  // no padding needed: starts and ends with `_`/`d`
  CHECK(md.find("``_posts/`tick`.md``") != std::string::npos);
  CHECK(md.find("\\<script\\>alert\\(1\\)\\<\\/script\\> \\*bold\\* \\[x\\]\\(http\\:\\/\\/evil\\) \\@octocat \\#12 "
                "\\| a\\_b") != std::string::npos);
  CHECK(md.find("<script>") == std::string::npos);
  // A code span starting with a backtick gets padded.
  l.url = "`https://x.example/q`";
  data.failing = {l};
  CHECK(render_markdown_report(data, {}).find("`` `https://x.example/q` ``") != std::string::npos);
}

TEST_CASE("HTML report: self-contained, escaped, tables and charts", "[report]") {
  LinkReportData data = sample();
  ReportLink evil = make_link("e.example", "/\"><script>alert(1)</script>", "dead", 2);
  evil.occurrences.front().title = "<img src=x onerror=alert(2)> & 'quotes'";
  data.failing.push_back(evil);
  const std::string html = render_html_report(data, {});
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // One script: ours. Nothing loaded from anywhere.
  CHECK(count(html, "<script") == 1);
  CHECK(html.find(" src=\"") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<iframe") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(html.find("&lt;img src=x onerror=alert(2)&gt; &amp; &#39;quotes&#39;") != std::string::npos);
  CHECK(html.find("/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  // Every listed link is a row; hosts a row and a bar; history a point each.
  CHECK(count(html, "<tr class=\"link\"") == 6);
  CHECK(count(html, "<g class=\"bar\"") == 4);
  CHECK(count(html, "<circle class=\"point\"") == 3);
  CHECK(html.find("<polyline points=") != std::string::npos);
  // Bars worst first, as in the table.
  CHECK(html.find("data-host=\"b.example\"") < html.find("data-host=\"a.example\""));
  // Readable without JavaScript: filters are hidden until the script shows them.
  CHECK(html.find("id=\"dead-links-filter\" placeholder=\"Filter links, posts, statuses\" aria-label=\"Filter links, "
                  "posts, statuses\" hidden>") != std::string::npos);
  CHECK(html.find("<table id=\"dead-links\" class=\"sortable\">") != std::string::npos);

  ReportOptions few;
  few.html_max_occurrences = 1;
  CHECK(render_html_report(data, few).find("<li>… and 3 more</li>") != std::string::npos);

  // More than 25 hosts: the chart shows the 25 worst.
  for (int i = 0; i < 30; ++i) data.failing.push_back(make_link(fmt::format("h{}.example", i), "/", "dead", 1));
  const std::string many = render_html_report(data, {});
  CHECK(count(many, "<g class=\"bar\"") == 25);
  CHECK(many.find("top 25 of 34 hosts") != std::string::npos);
}

TEST_CASE("The cache keeps a bounded run log and still reads version 1 files without one", "[report][cache]") {
  test::TempDir dir;
  const fs::path file = dir / "c.json";
  // A cache written before the run log existed.
  test::spit(file, R"({"version": 1, "entries": {"https://a/x": {"outcome": "dead", "status": 404, "checked_at": 5,
                      "first_failure": 1, "failures": 2, "final_url": "https://a/x"}}})");
  std::vector<std::string> warnings;
  {
    links::LinkCache cache(file);
    cache.load(warnings);
    CHECK(warnings.empty());
    CHECK(cache.runs().empty());
    CHECK(cache.find("https://a/x")->failures == 2);
    cache.record_run({100, 1, 1, 0, 0, 0, 0});
    cache.save(warnings);
  }
  for (std::int64_t t = 101; t < 200; ++t) {
    links::LinkCache cache(file);
    cache.load(warnings);
    cache.record_run({t, 1, 0, 0, 0, 0, 0});
    cache.save(warnings);
  }
  links::LinkCache cache(file);
  cache.load(warnings);
  CHECK(warnings.empty());
  REQUIRE(cache.runs().size() == links::kMaxRuns);
  CHECK(cache.runs().front().at == 199 - static_cast<std::int64_t>(links::kMaxRuns) + 1);
  CHECK(cache.runs().back().at == 199);
  CHECK(cache.find("https://a/x")->failures == 2);  // entries survive run-only saves

  // A broken run log is a corrupt cache: a warning, and it is rebuilt.
  test::spit(file, R"({"version": 1, "entries": {}, "runs": {"at": 1}})");
  links::LinkCache bad(file);
  bad.load(warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("is corrupt") != std::string::npos);
  bad.record_run({300, 1, 0, 0, 0, 0, 0});
  warnings.clear();
  bad.save(warnings);
  links::LinkCache rebuilt(file);
  rebuilt.load(warnings);
  CHECK(warnings.empty());
  CHECK(rebuilt.runs().size() == 1);
}

TEST_CASE("Concurrent runs each add their record to the run log", "[report][cache]") {
  test::TempDir dir;
  const fs::path file = dir / "c.json";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &file] {
      for (int round = 0; round < 5; ++round) {
        links::LinkCache c(file);
        std::vector<std::string> w;
        c.load(w);
        c.record_run({1000 + t * 10 + round, 1, 0, 0, 0, 0, 0});
        c.save(w);
      }
    });
  }
  for (auto& th : threads) th.join();
  links::LinkCache c(file);
  std::vector<std::string> warnings;
  c.load(warnings);
  CHECK(warnings.empty());
  REQUIRE(c.runs().size() == 20);
  for (std::size_t i = 1; i < c.runs().size(); ++i) CHECK(c.runs()[i - 1].at <= c.runs()[i].at);
}

TEST_CASE("The link pass feeds the report: new, recovered, history per run", "[report][links][network]") {
  TestHttpServer server;
  test::TempDir dir;
  const std::string dead = server.base() + "/status/404/gone";
  const std::string back = server.base() + "/ok/back";
  const std::string alive = server.base() + "/ok/fine";
  // The previous run saw /ok/back failing for three runs.
  const std::int64_t past = static_cast<std::int64_t>(std::time(nullptr)) - 3 * kDay;
  test::spit(dir / "cache.json",
             "{\"version\": 1, \"entries\": {\"" + back + "\": {\"outcome\": \"dead\", \"status\": 404, \"checked_at\": " +
                 std::to_string(past) + ", \"first_failure\": " + std::to_string(past - kDay) +
                 ", \"failures\": 3, \"final_url\": \"" + back + "\"}}, \"runs\": [{\"at\": " + std::to_string(past) +
                 ", \"checked\": 1, \"dead\": 1}]}");
  DocumentLinks doc;
  doc.path = "_posts/a.md";
  doc.title = "A post";
  for (const auto& [url, line] : {std::pair{dead, 3u}, std::pair{back, 4u}, std::pair{alive, 5u}, std::pair{dead, 9u}}) {
    LinkOccurrence o;
    o.url = url;
    o.start.line = o.end.line = line;
    o.start.column = 1;
    doc.links.push_back(o);
  }
  LinkSettings settings;
  settings.site_url = server.base();
  settings.engine.allow_private = true;
  settings.engine.timeout_ms = 2000;
  settings.engine.retries = 0;
  settings.cache_file = dir / "cache.json";
  LinkRuleSeverities rules;
  rules.rules.emplace_back("links/dead", Severity::error);

  auto run_once = [&](LinkReportData& data) {
    std::vector<Diagnostic> diags;
    std::vector<std::string> warnings;
    run_link_pass({doc}, settings, rules, true, diags, warnings, {}, &data);
    CHECK(warnings.empty());
    return diags.size();
  };
  LinkReportData first;
  CHECK(run_once(first) == 2);
  CHECK(first.checked == 3);
  CHECK(first.occurrences == 4);
  CHECK(first.has_cache);
  REQUIRE(first.failing.size() == 1);
  CHECK(first.failing[0].url == dead);
  CHECK(first.failing[0].outcome == "dead");
  CHECK(first.failing[0].status == 404);
  CHECK(first.failing[0].failures == 1);
  REQUIRE(first.failing[0].occurrences.size() == 2);
  CHECK(first.failing[0].occurrences[1].line == 9);
  CHECK(first.failing[0].occurrences[1].title == "A post");
  REQUIRE(first.recovered.size() == 1);
  CHECK(first.recovered[0].url == back);
  CHECK(first.recovered[0].previous_failures == 3);
  REQUIRE(first.history.size() == 2);  // the crafted run and this one
  CHECK(first.history[1].dead == 1);
  CHECK(first.history[1].newly_failing == 1);
  CHECK(first.history[1].recovered == 1);
  CHECK(first.history[1].checked == 3);

  LinkReportData second;
  run_once(second);
  REQUIRE(second.failing.size() == 1);
  CHECK(second.failing[0].failures == 2);
  CHECK(second.failing[0].first_failure == first.failing[0].first_failure);
  CHECK(second.recovered.empty());
  REQUIRE(second.history.size() == 3);
  CHECK(second.history[2].newly_failing == 0);
  const std::string md = render_markdown_report(second, {});
  CHECK(table_value(md, "Newly dead since the last run") == "0");
  CHECK(md.find("2 runs in a row") != std::string::npos);

  // A partial run (--changed-since, --shard) does not enter the history.
  settings.record_run = false;
  LinkReportData partial;
  run_once(partial);
  CHECK(partial.history.size() == 3);
  links::LinkCache cache(settings.cache_file);
  std::vector<std::string> warnings;
  cache.load(warnings);
  CHECK(cache.runs().size() == 3);
  CHECK(cache.find(dead)->failures == 3);
}
