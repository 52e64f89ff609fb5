// Unit tests of the building blocks: line index, positions, globs, dates, JSON, I/O.
#include <catch2/catch.hpp>

#include <set>

#include "archive_lint/dates.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/permalink.hpp"
#include "archive_lint/text.hpp"
#include "support.hpp"

using namespace al::test;

namespace {
std::vector<std::string> lines_of(std::string_view text) {
  const al::LineIndex index(text);
  std::vector<std::string> out;
  for (std::uint32_t l = 1; l <= index.line_count(); ++l) out.emplace_back(index.line_text(text, l));
  return out;
}
using Lines = std::vector<std::string>;
}  // namespace

TEST_CASE("LineIndex: LF", "[unit][lines]") {
  const std::string text = "ab\ncd\n";
  const al::LineIndex index(text);
  CHECK(index.line_count() == 3);  // the empty line after the final newline
  CHECK(lines_of(text) == Lines{"ab", "cd", ""});
  CHECK(index.line_start(1) == 0);
  CHECK(index.line_start(2) == 3);
  CHECK(index.line_start(3) == 6);
  CHECK(index.line_of(0) == 1);
  CHECK(index.line_of(2) == 1);  // the '\n' belongs to its line
  CHECK(index.line_of(3) == 2);
  CHECK(index.line_of(6) == 3);  // offset == size: the last line
  CHECK(index.line_text(text, 0).empty());
  CHECK(index.line_text(text, 4).empty());
}

TEST_CASE("LineIndex: CRLF", "[unit][lines]") {
  const std::string text = "ab\r\ncd\r\n";
  const al::LineIndex index(text);
  CHECK(lines_of(text) == Lines{"ab", "cd", ""});
  CHECK(index.line_start(2) == 4);
  CHECK(index.line_of(2) == 1);  // '\r'
  CHECK(index.line_of(3) == 1);  // '\n' of the same terminator
  CHECK(index.line_of(4) == 2);
}

TEST_CASE("LineIndex: lone CR and mixed terminators", "[unit][lines]") {
  CHECK(lines_of("ab\rcd\ref") == Lines{"ab", "cd", "ef"});
  const std::string mixed = "a\r\n\rb\nc\r";
  CHECK(lines_of(mixed) == Lines{"a", "", "b", "c", ""});
  const al::LineIndex index(mixed);
  CHECK(index.line_start(2) == 3);
  CHECK(index.line_start(3) == 4);
  CHECK(index.line_of(4) == 3);
  // CR CR LF is a lone CR followed by a CRLF: two line breaks.
  CHECK(lines_of("a\r\r\nb") == Lines{"a", "", "b"});
}

TEST_CASE("LineIndex: no trailing newline and empty text", "[unit][lines]") {
  const std::string text = "first\nlast";
  const al::LineIndex index(text);
  CHECK(lines_of(text) == Lines{"first", "last"});
  CHECK(index.line_of(text.size()) == 2);
  CHECK(index.line_of(text.size() - 1) == 2);
  const al::LineIndex empty{std::string_view()};
  CHECK(empty.line_count() == 1);
  CHECK(empty.line_of(0) == 1);
  CHECK(empty.line_start(1) == 0);
  CHECK(empty.line_text("", 1).empty());
}

TEST_CASE("Document::position counts code points and UTF-16 units", "[unit][document]") {
  // "x: " + 中文 (3 bytes each) + 😀 (4 bytes, a surrogate pair in UTF-16) + "z"
  const std::string line2 = "x: \xE4\xB8\xAD\xE6\x96\x87\xF0\x9F\x98\x80z";
  const al::Document doc = al::parse_document("p.md", "first\r\n" + line2 + "\n");
  const std::size_t line2_start = 7;
  const std::size_t z = line2_start + 3 + 6 + 4;
  REQUIRE(doc.bytes[z] == 'z');
  const auto pos = doc.position(z);
  CHECK(pos.line == 2);
  CHECK(pos.column == 7);        // x : space 中 文 😀 -> z is the 7th code point
  CHECK(pos.column_utf16 == 8);  // the emoji takes two UTF-16 units
  CHECK(pos.offset == z);
  const auto emoji = doc.position(line2_start + 3 + 6);
  CHECK(emoji.column == 6);
  CHECK(emoji.column_utf16 == 6);
  const auto start = doc.position(line2_start);
  CHECK(start.line == 2);
  CHECK(start.column == 1);
  // Past the end clamps to the end.
  const auto end = doc.position(doc.bytes.size() + 100);
  CHECK(end.offset == doc.bytes.size());
  CHECK(end.line == 3);
  CHECK(end.column == 1);
  // An invalid byte counts as one column.
  const al::Document bad = al::parse_document("b.md", "a\xFF" "b");
  CHECK(bad.position(2).column == 3);
  CHECK(bad.position(2).column_utf16 == 3);
}

TEST_CASE("count_columns and find_invalid_utf8", "[unit][text]") {
  CHECK(al::count_columns("abc").code_points == 3);
  const auto cjk = al::count_columns("\xE4\xB8\xAD\xF0\xA0\x80\x8B");  // 中 and U+2000B
  CHECK(cjk.code_points == 2);
  CHECK(cjk.utf16_units == 3);
  CHECK_FALSE(al::find_invalid_utf8("plain \xE4\xB8\xAD \xF0\x9F\x98\x80").has_value());
  CHECK(al::find_invalid_utf8("ab\xC0\xAF") == std::optional<std::size_t>(2));      // overlong
  CHECK(al::find_invalid_utf8("a\xED\xA0\x80") == std::optional<std::size_t>(1));   // surrogate
  CHECK(al::find_invalid_utf8("a\xF4\x90\x80\x80") == std::optional<std::size_t>(1));  // > U+10FFFF
  CHECK(al::find_invalid_utf8("abc\xE4\xB8") == std::optional<std::size_t>(3));     // truncated
}

TEST_CASE("glob_match: ** matches any depth, including none", "[unit][glob]") {
  CHECK(al::glob_match("**/*.md", "a.md"));
  CHECK(al::glob_match("**/*.md", "_posts/2022/a.md"));
  CHECK_FALSE(al::glob_match("**/*.md", "_posts/a.mdx"));
  CHECK(al::glob_match("**/_site/**", "_site/index.html"));
  CHECK(al::glob_match("**/_site/**", "blog/_site/a/b.html"));
  CHECK_FALSE(al::glob_match("**/_site/**", "blog/_sites/a.html"));
  CHECK(al::glob_match("docs/**", "docs/a/b/c.md"));
  CHECK_FALSE(al::glob_match("docs/**", "src/docs/a.md"));
  CHECK(al::glob_match("a/**/z.md", "a/z.md"));
  CHECK(al::glob_match("a/**/z.md", "a/b/c/z.md"));
  CHECK_FALSE(al::glob_match("a/**/z.md", "b/a/z.md"));
}

TEST_CASE("glob_match: * and ? stop at /", "[unit][glob]") {
  CHECK(al::glob_match("_posts/*.md", "_posts/x.md"));
  CHECK_FALSE(al::glob_match("_posts/*.md", "_posts/2022/x.md"));
  CHECK(al::glob_match("_posts/*", "_posts/x"));
  CHECK_FALSE(al::glob_match("_posts/*", "_posts/a/b"));
  CHECK(al::glob_match("_posts/a?c.md", "_posts/abc.md"));
  CHECK_FALSE(al::glob_match("_posts/a?c.md", "_posts/ac.md"));
  CHECK_FALSE(al::glob_match("x/a?c", "x/a/c"));
  CHECK(al::glob_match("./_posts/*.md", "_posts/x.md"));
  CHECK(al::glob_match("_posts/*.md", "./_posts/x.md"));
}

TEST_CASE("glob_match: {a,b} alternatives and [a-z] classes", "[unit][glob]") {
  CHECK(al::glob_match("_posts/*.{md,markdown}", "_posts/x.md"));
  CHECK(al::glob_match("_posts/*.{md,markdown}", "_posts/x.markdown"));
  CHECK_FALSE(al::glob_match("_posts/*.{md,markdown}", "_posts/x.html"));
  CHECK(al::glob_match("{_posts,_drafts}/*.md", "_drafts/x.md"));
  CHECK(al::glob_match("_posts/*.{md,{htm,html}}", "_posts/x.html"));
  CHECK_FALSE(al::glob_match("_posts/*.{md,{htm,html}}", "_posts/x.txt"));
  CHECK(al::glob_match("_posts/[a-c]x.md", "_posts/bx.md"));
  CHECK_FALSE(al::glob_match("_posts/[a-c]x.md", "_posts/dx.md"));
  CHECK(al::glob_match("_posts/[!a-c]x.md", "_posts/dx.md"));
  CHECK_FALSE(al::glob_match("_posts/[!a-c]x.md", "_posts/ax.md"));
  CHECK(al::glob_match("_posts/[0-9][0-9][0-9][0-9]-*.md", "_posts/2022-x.md"));
  CHECK_FALSE(al::glob_match("_posts/[0-9][0-9][0-9][0-9]-*.md", "_posts/20x2-x.md"));
}

TEST_CASE("glob_match: a bare pattern (no /) matches at any depth", "[unit][glob]") {
  CHECK(al::glob_match("*.md", "a.md"));
  CHECK(al::glob_match("*.md", "deep/er/a.md"));
  CHECK_FALSE(al::glob_match("*.md", "deep/er/a.txt"));
  CHECK(al::glob_match("notes.md", "a/b/notes.md"));
  CHECK_FALSE(al::glob_match("notes.md", "a/b/xnotes.md"));
  CHECK(al::glob_match("draft-*", "_posts/draft-1.md"));
  CHECK_FALSE(al::glob_match("draft-*", "draft-dir/x.md"));  // * does not cross into the file
}

TEST_CASE("read_post_date reads Jekyll-style dates", "[unit][dates]") {
  auto d = al::read_post_date("2022-01-20 13:12:24 +0800");
  REQUIRE(d);
  CHECK(d->year == 2022);
  CHECK(d->month == 1);
  CHECK(d->day == 20);
  CHECK(d->hour == 13);
  CHECK(d->minute == 12);
  CHECK(d->second == 24);
  CHECK(d->has_time);
  CHECK(d->has_offset);
  CHECK(d->offset_minutes == 480);

  d = al::read_post_date("2022-01-20T06:00:00.250-05:30");
  REQUIRE(d);
  CHECK(d->hour == 6);
  CHECK(d->offset_minutes == -330);

  d = al::read_post_date("2022-01-20 06:00Z");
  REQUIRE(d);
  CHECK(d->has_offset);
  CHECK(d->offset_minutes == 0);
  CHECK(d->second == 0);

  d = al::read_post_date("2022-1-2");
  REQUIRE(d);
  CHECK_FALSE(d->has_time);
  CHECK_FALSE(d->has_offset);
  CHECK(d->month == 1);
  CHECK(d->day == 2);

  // Shape only: out-of-range fields still read.
  d = al::read_post_date("2022-13-45 25:61:00 +0800");
  REQUIRE(d);
  CHECK(d->month == 13);
  CHECK(d->hour == 25);

  for (const char* not_a_date : {"", "yesterday", "2022/01/20", "20.01.2022 13:12:24", "22-01-20",
                                 "2022-01-20 13:12:24 +08:00:00", "2022-01-20 13", "2022-01-20 13:12:24 junk",
                                 "2022-01-20 13:12:24 +8"}) {
    INFO(not_a_date);
    CHECK_FALSE(al::read_post_date(not_a_date).has_value());
  }
}

TEST_CASE("calendar_problem and days_in_month", "[unit][dates]") {
  auto problem = [](const char* text) {
    const auto d = al::read_post_date(text);
    REQUIRE(d);
    return al::calendar_problem(*d);
  };
  CHECK(problem("2022-01-20 13:12:24 +0800").empty());
  CHECK(problem("2020-02-29 00:00:00 +0800").empty());
  CHECK(problem("2000-02-29").empty());
  CHECK(problem("2022-01-20 23:59:60 +1400").empty());  // a leap second, the largest offset
  CHECK(problem("2021-02-29") == "day 29 does not exist in February 2021");
  CHECK(problem("1900-02-29") == "day 29 does not exist in February 1900");
  CHECK(problem("2022-04-31") == "day 31 does not exist in April 2022");
  CHECK(problem("2022-01-00") == "day 0 does not exist in January 2022");
  CHECK(problem("2022-13-01") == "month 13 does not exist");
  CHECK(problem("2022-00-01") == "month 0 does not exist");
  CHECK(problem("2022-01-20 25:00:00") == "hour 25 is past 23");
  CHECK(problem("2022-01-20 10:60:00") == "minute 60 is past 59");
  CHECK_FALSE(problem("2022-01-20 10:00:61").empty());
  CHECK_FALSE(problem("2022-01-20 10:00:00 +1500").empty());
  CHECK_FALSE(problem("2022-01-20 10:00:00 -0960").empty());
  CHECK(al::days_in_month(2021, 2) == 28);
  CHECK(al::days_in_month(2024, 2) == 29);
  CHECK(al::days_in_month(2100, 2) == 28);
  CHECK(al::days_in_month(2000, 2) == 29);
  CHECK(al::days_in_month(2022, 12) == 31);
  CHECK(al::days_in_month(2022, 13) == 0);
}

TEST_CASE("matches_date_pattern checks the shape", "[unit][dates]") {
  const std::string jekyll = "%Y-%m-%d %H:%M:%S %z";
  CHECK(al::matches_date_pattern(jekyll, "2022-01-20 13:12:24 +0800"));
  CHECK(al::matches_date_pattern(jekyll, "2022-01-20 13:12:24 -0500"));
  CHECK(al::matches_date_pattern(jekyll, "2021-02-29 25:61:00 +0800"));  // shape only
  CHECK_FALSE(al::matches_date_pattern(jekyll, "2022-01-20 13:12:24 +08:00"));
  CHECK_FALSE(al::matches_date_pattern(jekyll, "2022-01-20 13:12:24 +08:00:00"));
  CHECK_FALSE(al::matches_date_pattern(jekyll, "2022-01-20 13:12 +0800"));
  CHECK_FALSE(al::matches_date_pattern(jekyll, "2022-1-20 13:12:24 +0800"));
  CHECK_FALSE(al::matches_date_pattern(jekyll, "2022-01-20 13:12:24 +0800 "));
  CHECK_FALSE(al::matches_date_pattern(jekyll, "2022/01/20 13:12:24 +0800"));
  CHECK(al::matches_date_pattern("%Y-%m-%dT%H:%M:%S%:z", "2022-01-20T13:12:24+08:00"));
  CHECK_FALSE(al::matches_date_pattern("%Y-%m-%dT%H:%M:%S%:z", "2022-01-20T13:12:24+0800"));
  CHECK(al::matches_date_pattern("%Y-%m-%d %H:%M:%S%Z", "2022-01-20 13:12:24Z"));
  CHECK(al::matches_date_pattern("%Y-%m-%d %H:%M:%S%Z", "2022-01-20 13:12:24+0800"));
  CHECK(al::matches_date_pattern("%Y-%m-%d %H:%M:%S%Z", "2022-01-20 13:12:24+08:00"));
  CHECK_FALSE(al::matches_date_pattern("%Y-%m-%d %H:%M:%S%Z", "2022-01-20 13:12:24"));
  CHECK(al::matches_date_pattern("%Y-%m-%d", "2022-01-20"));
  CHECK(al::matches_date_pattern("100%% %Y", "100% 2022"));
  CHECK_FALSE(al::matches_date_pattern("100%% %Y", "100 2022"));
}

TEST_CASE("describe_date_pattern and validate_date_pattern", "[unit][dates]") {
  CHECK(al::describe_date_pattern("%Y-%m-%d %H:%M:%S %z") == "YYYY-MM-DD HH:MM:SS +HHMM");
  CHECK(al::describe_date_pattern("%Y-%m-%dT%H:%M:%S%:z") == "YYYY-MM-DDTHH:MM:SS+HH:MM");
  CHECK(al::describe_date_pattern("%d.%m.%Y %Z") == "DD.MM.YYYY Z");
  CHECK(al::describe_date_pattern("100%%") == "100%");
  CHECK_NOTHROW(al::validate_date_pattern("%Y-%m-%d %H:%M:%S %z %:z %Z %%"));
  CHECK_THROWS_AS(al::validate_date_pattern("%Y-%Q"), std::invalid_argument);
  CHECK_THROWS_AS(al::validate_date_pattern("%Y %"), std::invalid_argument);
  CHECK_THROWS_WITH(al::validate_date_pattern("%q"), Catch::Contains("'%q'"));
}

TEST_CASE("json_escape escapes quotes, backslashes and every control character", "[unit][json]") {
  CHECK(al::json_escape("plain") == "\"plain\"");
  CHECK(al::json_escape("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(al::json_escape("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  CHECK(al::json_escape(std::string_view("\0", 1)) == "\"\\u0000\"");
  CHECK(al::json_escape("\x01\x1f\x7f") == "\"\\u0001\\u001f\\u007f\"");
  CHECK(al::json_escape("\xE4\xB8\xAD/\xF0\x9F\x98\x80") == "\"\xE4\xB8\xAD/\xF0\x9F\x98\x80\"");  // UTF-8 as is
  // Every byte below 0x20 comes out escaped: nothing raw that breaks a JSON parser.
  for (int c = 0; c < 0x20; ++c) {
    const std::string escaped = al::json_escape(std::string(1, static_cast<char>(c)));
    INFO("byte " << c << " -> " << escaped);
    CHECK(escaped.size() > 3);
    CHECK(escaped[1] == '\\');
  }
}

TEST_CASE("JsonWriter writes nested, indented JSON", "[unit][json]") {
  std::string out;
  al::JsonWriter w(out);
  w.begin_object();
  w.key("a").value(1);
  w.key("b").begin_array().value("x").value(true).null().end_array();
  w.key("c").begin_object().end_object();
  w.key("d").value(2.5);
  w.end_object();
  CHECK(out == "{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    true,\n    null\n  ],\n  \"c\": {},\n  \"d\": 2.5\n}\n");
}

TEST_CASE("write_file_atomic replaces content and leaves no temporary files", "[unit][io]") {
  TempDir tmp;
  const fs::path target = tmp / "report.sarif";
  spit(target, "old content that is longer than the new one\n");
  al::write_file_atomic(target, "new\n");
  CHECK(slurp(target) == "new\n");
  al::write_file_atomic(target, std::string(200000, 'x'));  // larger than one write
  CHECK(slurp(target).size() == 200000);
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(tmp.path())) names.insert(e.path().filename().string());
  CHECK(names == std::set<std::string>{"report.sarif"});

  // A new file in the current directory form (no parent path) works too.
  al::write_file_atomic(tmp / "fresh.txt", "");
  CHECK(fs::exists(tmp / "fresh.txt"));
  CHECK(fs::file_size(tmp / "fresh.txt") == 0);
}

TEST_CASE("write_file_atomic failures name the path and clean up", "[unit][io]") {
  TempDir tmp;
  CHECK_THROWS_WITH(al::write_file_atomic(tmp / "no" / "such" / "dir.txt", "x"), Catch::Contains("dir.txt"));
  // Renaming over a non-empty directory fails after the temporary file was written.
  fs::create_directory(tmp / "taken");
  spit(tmp / "taken" / "inside", "keep");
  CHECK_THROWS_AS(al::write_file_atomic(tmp / "taken", "x"), std::runtime_error);
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(tmp.path())) names.insert(e.path().filename().string());
  CHECK(names == std::set<std::string>{"taken"});
  CHECK(slurp(tmp / "taken" / "inside") == "keep");
}

TEST_CASE("read_file reports errors instead of throwing", "[unit][io]") {
  TempDir tmp;
  std::string error;
  CHECK_FALSE(al::read_file(tmp / "missing.md", error).has_value());
  CHECK_FALSE(error.empty());
  error.clear();
  CHECK_FALSE(al::read_file(tmp.path(), error).has_value());
  CHECK(error == "is a directory");
  spit(tmp / "nul.bin", std::string("a\0b", 3));
  const auto bytes = al::read_file(tmp / "nul.bin", error);
  REQUIRE(bytes);
  CHECK(bytes->size() == 3);
}

TEST_CASE("rule patterns and suppressions", "[unit][suppression]") {
  CHECK(al::rule_pattern_matches("*", "io/unreadable"));
  CHECK(al::rule_pattern_matches("all", "io/unreadable"));
  CHECK(al::rule_pattern_matches("front-matter/*", "front-matter/date-format"));
  CHECK_FALSE(al::rule_pattern_matches("front-matter/*", "encoding/nul-byte"));
  CHECK(al::rule_pattern_matches("front-matter", "front-matter/date-format"));
  CHECK_FALSE(al::rule_pattern_matches("front", "front-matter/date-format"));
  CHECK(al::rule_pattern_matches(" front-matter/date-format ", "front-matter/date-format"));
  CHECK_FALSE(al::rule_pattern_matches("front-matter/date", "front-matter/date-format"));

  const al::Document doc = al::parse_document(
      "x.md",
      "---\ntitle: x\narchive-lint-disable: [encoding/nul-byte]\n---\n"
      "<!-- archive-lint-disable-next-line front-matter/date-format, io/* -->\n"
      "line six\n"
      "line seven <!-- archive-lint-disable-line -->\n"
      "line eight\n");
  CHECK(doc.suppressions.covers("encoding/nul-byte", 99));
  CHECK(doc.suppressions.covers("front-matter/date-format", 6));
  CHECK(doc.suppressions.covers("io/empty-file", 6));
  CHECK_FALSE(doc.suppressions.covers("front-matter/date-format", 5));
  CHECK_FALSE(doc.suppressions.covers("front-matter/yaml-syntax", 6));
  CHECK(doc.suppressions.covers("front-matter/yaml-syntax", 7));  // no list: every rule
  CHECK_FALSE(doc.suppressions.covers("front-matter/yaml-syntax", 8));
}

TEST_CASE("epoch_seconds reads a post date in its own offset", "[dates]") {
  CHECK(al::epoch_seconds(*al::read_post_date("1970-01-01 00:00:00 +0000")) == 0);
  CHECK(al::epoch_seconds(*al::read_post_date("2022-01-20 06:00:00 +0800")) == 1642629600);  // 2022-01-19 22:00 UTC
  CHECK(al::epoch_seconds(*al::read_post_date("2000-03-01")) == 951868800);                   // after a leap day
  CHECK(al::epoch_seconds(*al::read_post_date("1969-12-31 23:59:59")) == -1);
}

TEST_CASE("decode_utf8_at: well-formed sequences decode, every other byte stands alone", "[text][utf8]") {
  auto at = [](std::string_view s, std::size_t i = 0) { return al::decode_utf8_at(s, i); };
  CHECK(at("A").code_point == U'A');
  CHECK(at("é").code_point == U'é');
  CHECK(at("é").length == 2);
  CHECK(at("中").code_point == U'中');
  CHECK(at("中").length == 3);
  CHECK(at("😀").code_point == U'\U0001F600');
  CHECK(at("😀").length == 4);
  CHECK(at("a中", 1).code_point == U'中');
  for (std::string_view bad : {std::string_view("\xC0\x80"), std::string_view("\xED\xA0\x80"),  // overlong, surrogate
                               std::string_view("\xE4\xB8"), std::string_view("\x80"),           // cut off, stray
                               std::string_view("\xE4\x41\x41")}) {                              // not a continuation
    const al::DecodedCodePoint d = at(bad);
    CHECK_FALSE(d.valid);
    CHECK(d.length == 1);
    CHECK(d.code_point == static_cast<unsigned char>(bad[0]));
  }
}

TEST_CASE("jekyll_post_name reads DATE_FILENAME_MATCHER's parts", "[permalink]") {
  const auto parts = al::jekyll_post_name("_posts/2021-2-03-hello.world..md");
  REQUIRE(parts);
  CHECK(parts->date == "2021-2-03");
  CHECK(parts->slug == "hello.world");
  CHECK(parts->ext == ".md");
  CHECK(parts->basename == "2021-2-03-hello.world.");
  CHECK((parts->year == 2021 && parts->month == 2 && parts->day == 3));
  CHECK(al::jekyll_post_name("21-02-30-x.md")->day == 30);  // the calendar is the caller's question
  CHECK_FALSE(al::jekyll_post_name("12021-02-03-x.md"));
  CHECK_FALSE(al::jekyll_post_name("2021-02-03.md"));
  CHECK_FALSE(al::jekyll_post_name("2021-02-03-x"));
  CHECK_FALSE(al::jekyll_post_name("2021-002-03-x.md"));
}
