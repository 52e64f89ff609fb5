// The date rules under the `jekyll` preset (the default) read dates as Jekyll does
// (src/jekyll_date.cpp); under `news-archive` they keep the strict format and the calendar.
#include <catch2/catch.hpp>

#include "archive_lint/config.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/runner.hpp"
#include "support.hpp"

namespace {

// The date rules' findings for a post with `date: <value>`, under the config text.
std::vector<al::Diagnostic> date_findings(const std::string& value, const std::string& config = "",
                                          const std::string& path = "post.md") {
  const al::Config c = al::parse_config(config, "/nonexistent/.archive-lint.yml");
  const auto checks = al::instantiate_checks(c);
  const auto doc = al::parse_document(path, "---\ntitle: x\ndate: " + value + "\n---\nText.\n");
  std::vector<al::Diagnostic> all, out;
  al::check_document(doc, checks, all);
  for (auto& d : all)
    if (d.rule_id.rfind("front-matter/date", 0) == 0 || d.rule_id == "front-matter/filename-date" ||
        d.rule_id == "jekyll/future-date")
      out.push_back(d);
  return out;
}

std::string only_message(const std::vector<al::Diagnostic>& found, const std::string& rule) {
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule_id == rule);
  return found[0].message;
}

// Whether the one finding is of `rule` and its message says `text`.
bool says(const std::vector<al::Diagnostic>& found, const std::string& rule, const std::string& text) {
  return only_message(found, rule).find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("jekyll preset: dates Jekyll reads as written get no finding", "[dates][rules]") {
  for (const char* value : {"2016-4-26 12:53:12 +0800", "2024-05-29 9:00:00 +0000", "2016-04-26 23:26:27+0800",
                            "2016-04-26 12:33 +0800", "2016-04-26 12:33:00 +00:00", "2016-04-26", "2016-04-26 12:33:00",
                            "\"2016-04-26 12:33\"", "2016-04-26T12:33:00Z", "2024-02-29", "2022/01/20 13:12:24 +0800",
                            "2023-08-10 12:00 EST", "\"20.01.2022 13:12:24\""}) {
    INFO(value);
    CHECK(date_findings(value).empty());
  }
}

TEST_CASE("jekyll preset: date-format reports what Jekyll rejects or reads differently", "[dates][rules]") {
  CHECK(only_message(date_findings("2023-08-10 +0800"), "front-matter/date-format") ==
        "Jekyll reads date '2023-08-10 +0800' differently from what it says: it drops the offset '+0800' after a "
        "date without a time, and reads midnight in the site's zone");
  CHECK(says(date_findings("2023-08-10 12:00:00 +800"), "front-matter/date-format", "drops the offset '+800'"));
  CHECK(says(date_findings("2023-08-10 12:00:00 UTC+8"), "front-matter/date-format", "drops the offset"));
  CHECK(says(date_findings("2023-08-10 12:00:00 +0800 something"), "front-matter/date-format", "ignores 'something'"));
  CHECK(says(date_findings("23:26:27+0800"), "front-matter/date-format", "day of each build"));
  CHECK(only_message(date_findings(""), "front-matter/date-format") ==
        "Jekyll cannot read date '' (it is empty): the build fails with \"does not have a valid date\"");
  CHECK(says(date_findings("yesterday"), "front-matter/date-format", "Jekyll cannot read"));
  CHECK(says(date_findings("\"soon\\nish\""), "front-matter/date-format", "date 'soon\\nish'"));  // one line
  // A YAML timestamp without an offset is UTC to Psych, whatever the site's zone; a quoted one is not.
  const std::string zone = "rules:\n  front-matter/date-format:\n    timezone: Asia/Shanghai\n";
  CHECK(says(date_findings("2023-08-10 12:00:00", zone), "front-matter/date-format", "as UTC, not in the site's timezone Asia/Shanghai"));
  CHECK(date_findings("\"2023-08-10 12:00:00\"", zone).empty());
  CHECK(date_findings("2023-08-10 12:00:00").empty());
}

TEST_CASE("jekyll preset: date-invalid follows what Ruby does with a date that does not exist", "[dates][rules]") {
  CHECK(only_message(date_findings("2023-02-30"), "front-matter/date-invalid") ==
        "invalid date '2023-02-30': February 2023 has no day 30; Jekyll reads it as 2023-03-02 00:00:00");
  CHECK(only_message(date_findings("2023-08-10 24:00"), "front-matter/date-invalid") ==
        "invalid date '2023-08-10 24:00': 24:00 is not a clock time; Jekyll reads it as 2023-08-11 00:00:00");
  CHECK(says(date_findings("2023-08-10 23:59:60 +0800"), "front-matter/date-invalid", "leap second"));
  CHECK(only_message(date_findings("2023-13-01"), "front-matter/date-invalid") ==
        "invalid date '2023-13-01': month 13 does not exist; Jekyll fails the build (\"does not have a valid date\")");
  CHECK(says(date_findings("2023-08-10 25:00"), "front-matter/date-invalid", "fails the build"));
  // With an offset, Time.parse carries 25:00 into the next day instead.
  CHECK(only_message(date_findings("2023-08-10 25:00 +0800"), "front-matter/date-invalid") ==
        "invalid date '2023-08-10 25:00 +0800': hour 25 is past 23; Jekyll reads it as 2023-08-11 01:00:00");
}

TEST_CASE("news-archive keeps the strict format and the calendar check", "[dates][rules]") {
  const std::string news = "extends: news-archive\n";
  CHECK(only_message(date_findings("2016-4-26 12:53:12 +0800", news), "front-matter/date-format") ==
        "date '2016-4-26 12:53:12 +0800' is not in the format YYYY-MM-DD HH:MM:SS +HHMM");
  CHECK(only_message(date_findings("2023-02-30 10:00:00 +0800", news), "front-matter/date-invalid") ==
        "invalid date '2023-02-30 10:00:00 +0800': day 30 does not exist in February 2023");
}

TEST_CASE("filename-date is a warning under jekyll and an error under news-archive", "[dates][rules]") {
  const auto jekyll = date_findings("2022-01-21 10:00:00 +0800", "", "_posts/2022-01-20-x.md");
  REQUIRE(jekyll.size() == 1);
  CHECK(jekyll[0].rule_id == "front-matter/filename-date");
  CHECK(jekyll[0].severity == al::Severity::warning);
  const auto news = date_findings("2022-01-21 10:00:00 +0800", "extends: news-archive\n", "_posts/2022-01-20-x.md");
  REQUIRE(news.size() == 1);
  CHECK(news[0].severity == al::Severity::error);
}

TEST_CASE("filename-date compares the day of the post's URL, in the site's zone", "[dates][rules]") {
  // 06:00 +0800 on the 20th is 22:00 UTC on the 19th: Jekyll's URL says 19 in a UTC site.
  const auto utc = date_findings("2022-01-20 06:00:00 +0800", "", "_posts/2022-01-20-x.md");
  REQUIRE(utc.size() == 1);
  CHECK(utc[0].message == "front-matter date 2022-01-19 does not match the file name's date 2022-01-20 (the day of "
                          "the post's URL, in UTC: the site sets no timezone)");
  CHECK(date_findings("2022-01-20 06:00:00 +0800", "", "_posts/2022-01-19-x.md").empty());
  // The news archive's file names follow the author's clock: compared in the post's offset.
  const std::string news = "extends: news-archive\n";
  CHECK(date_findings("2022-01-20 06:00:00 +0800", news, "_posts/2022-01-20-x.md").empty());
  CHECK(date_findings("2022-01-20 06:00:00 +0800", "rules:\n  front-matter/filename-date:\n    compare_in: post_offset\n",
                      "_posts/2022-01-20-x.md").empty());
  CHECK_THROWS_AS(al::instantiate_checks(al::parse_config(
                      "rules:\n  front-matter/filename-date:\n    compare_in: utc\n", "c.yml")),
                  al::ConfigError);
  // In a site with `timezone: Asia/Shanghai` the URL's day is the author's.
  const std::filesystem::path root = al::test::scratch_dir("filename-date-zone");
  al::test::spit(root / "_config.yml", "timezone: Asia/Shanghai\n");
  al::test::spit(root / "_posts" / "2022-01-20-x.md", "---\ntitle: x\ndate: 2022-01-20 06:00:00 +0800\n---\nx\n");
  al::test::spit(root / "_posts" / "2022-01-21-y.md", "---\ntitle: y\ndate: 2022-01-20 23:30:00 -0100\n---\ny\n");
  std::vector<std::string> found;
  for (const auto& d : al::test::lint_site_offline(root, {root.string()}, "extends: jekyll\n").result.diagnostics)
    if (d.rule_id == "front-matter/filename-date") found.push_back(d.path + ": " + d.message);
  CHECK(found == std::vector<std::string>{});  // 23:30 -0100 on the 20th is 08:30 on the 21st in Shanghai
}

TEST_CASE("future-date reads the date as Jekyll does", "[dates][rules]") {
  const std::string now = "rules:\n  jekyll/future-date:\n    now: '2024-01-01 00:00:00 +0000'\n";
  const auto path = "_posts/2024-01-01-x.md";
  CHECK(date_findings("2024-01-01 07:00:00 +0800", now, "_posts/2023-12-31-x.md").empty());  // 23:00 UTC on 2023-12-31
  CHECK(says(date_findings("2024-01-01 09:00:00 +0000", now, path), "jekyll/future-date", "in the future"));
  // A dropped offset: Jekyll reads 00:30 in the site's zone (UTC here), after `now`, not 16:30 the day before.
  CHECK(date_findings("2024-01-01 00:30:00 +800", now, path).size() == 2);  // date-format and future-date
  // In a named zone, a wall clock is reported only once it is in the future in every zone.
  const std::string tokyo = now + "    timezone: Asia/Tokyo\n";
  CHECK(date_findings("\"2024-01-01 10:00\"", tokyo, path).empty());
  CHECK(date_findings("\"2024-01-01 15:00\"", tokyo, path).size() == 1);
}
