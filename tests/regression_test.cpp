// Bugs found while writing the test suite; each test failed before its fix.
#include <catch2/catch.hpp>

#include "archive_lint/json.hpp"
#include "archive_lint/text.hpp"
#include "support.hpp"

using namespace al::test;

TEST_CASE("regression: an unreadable file is not also reported as empty", "[regression][io]") {
  TempDir tmp;
  fs::create_symlink(tmp / "nowhere.md", tmp / "dangling.md");
  const al::Document doc = al::load_document((tmp / "dangling.md").string(), "dangling.md");
  REQUIRE_FALSE(doc.readable);
  const auto found = lint(doc);
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule_id == "io/unreadable");
}

TEST_CASE("regression: columns on line 1 are counted after a UTF-8 BOM", "[regression][document]") {
  const std::string bom = "\xEF\xBB\xBF";
  const al::Document doc = al::parse_document("x.md", bom + "---\nlayout: post\n");
  REQUIRE(doc.has_bom);
  CHECK(doc.position(3).column == 1);        // the `---` right after the BOM
  CHECK(doc.position(3).column_utf16 == 1);
  CHECK(doc.position(4).column == 2);
  CHECK(doc.position(0).column == 1);        // offsets inside the BOM clamp to column 1
  CHECK(doc.position(7).line == 2);
  CHECK(doc.position(7).column == 1);        // other lines are unaffected
  const auto found = lint(doc);
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule_id == "front-matter/unterminated");
  CHECK(found[0].start.column == 1);
}

TEST_CASE("regression: date pattern %Z accepts +HH:MM as documented", "[regression][dates]") {
  const al::Config config = al::parse_config(
      "extends: news-archive\nrules:\n  front-matter/date-format:\n    formats: [\"%Y-%m-%d %H:%M:%S %Z\"]\n",
      "/nonexistent/.archive-lint.yml");
  const auto checks = al::instantiate_checks(config);
  auto findings = [&](const std::string& date) {
    std::vector<al::Diagnostic> out;
    al::check_document(al::parse_document("p.md", "---\nlayout: post\ntitle: t\ndate: " + date +
                                                      "\ncategories: c\ntags: t\n---\n"),
                       checks, out);
    return out.size();
  };
  CHECK(findings("2022-01-20 13:12:24 +08:00") == 0);
  CHECK(findings("2022-01-20 13:12:24 +0800") == 0);
  CHECK(findings("2022-01-20 13:12:24 Z") == 0);
  CHECK(findings("2022-01-20 13:12:24 +08:0") == 1);
}

TEST_CASE("regression: a bad option value is reported at its own line", "[regression][config]") {
  // YAML::Clone() dropped the marks, so every option error said "line 1".
  const al::Config config = al::parse_config(
      "extends: news-archive\nrules:\n  front-matter/field-types:\n    types: {title: strin}\n"
      "  front-matter/required-fields:\n    fields: [title]\n",
      "/nonexistent/.archive-lint.yml");
  CHECK_THROWS_WITH(al::instantiate_checks(config), Catch::Contains(".archive-lint.yml:4:20: rule 'front-matter/field-types': unknown type 'strin'"));
  const al::Config list = al::parse_config(
      "rules:\n\n  front-matter/required-fields:\n    fields: {a: 1}\n", "/nonexistent/.archive-lint.yml");
  CHECK_THROWS_WITH(al::instantiate_checks(list), Catch::Contains(".archive-lint.yml:4:13: rule 'front-matter/required-fields': option 'fields' must be a list"));
}

TEST_CASE("regression: JSON and SARIF stay valid UTF-8 when a file is not", "[regression][json]") {
  // encoding/invalid-utf8 findings carry the bad line as their SARIF snippet.
  CHECK(al::json_escape("a\xD6\xD0" "b") == "\"a\\ufffd\\ufffdb\"");
  CHECK(al::json_escape("\xE4\xB8") == "\"\\ufffd\\ufffd\"");          // truncated 3-byte sequence
  CHECK(al::json_escape("\xED\xA0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
  CHECK(al::json_escape("\xE4\xB8\xAD\xF0\x9F\x98\x80") == "\"\xE4\xB8\xAD\xF0\x9F\x98\x80\"");

  TempDir tmp;
  spit(tmp / ".archive-lint.yml", "");
  spit(tmp / "gbk.md", "---\ntitle: x\n---\n<p>\xD6\xD0\xCE\xC4</p>\n");
  for (const char* format : {"sarif", "json"}) {
    INFO(format);
    const auto r = run(sh_quote(cli_binary().string()) + " check gbk.md --format " + format, tmp.path());
    CHECK(r.exit_code == 1);
    CHECK_FALSE(al::find_invalid_utf8(r.out).has_value());
    CHECK(r.out.find("invalid UTF-8 byte 0xD6") != std::string::npos);
  }
}

// Minified HTML puts thousands of findings on one line: each keeps a bounded
// excerpt of it (not a copy of the whole line), and positions computed in
// file order must equal positions computed from scratch.
TEST_CASE("regression: many findings on one long line keep exact columns and bounded excerpts", "[regression]") {
  std::string body;
  for (int i = 0; i < 3000; ++i) body += (i % 7 == 0 ? "中" : "") + std::string("<div>");
  // An .html post: the browser reads every <div> (kramdown would read one HTML block).
  const al::Document doc = al::parse_document("_posts/2022-01-20-long.html", "---\ntitle: x\n---\n" + body + "\n");
  const al::Config config = al::parse_config("extends: jekyll\n", "/tmp/.archive-lint.yml");
  const auto checks = al::instantiate_checks(config);
  std::vector<al::Diagnostic> out;
  al::check_document(doc, checks, out);
  std::size_t unclosed = 0;
  for (const auto& d : out) {
    if (d.rule_id != "html/unclosed-element") continue;
    ++unclosed;
    CHECK(d.source_line.size() <= 400);
    const al::Document fresh = al::parse_document(doc.path, doc.bytes);  // no resumed positions
    if (unclosed % 500 == 1) {
      const al::Position p = fresh.position(d.start.offset);
      CHECK(p.column == d.start.column);
      CHECK(p.column_utf16 == d.start.column_utf16);
      // The excerpt starts where source_column says: the caret lands on '<'.
      std::size_t byte = 0;
      for (std::uint32_t c = d.source_column; c < d.start.column; ++c) {
        const auto lead = static_cast<unsigned char>(d.source_line[byte]);
        byte += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      }
      REQUIRE(byte < d.source_line.size());
      CHECK(d.source_line.substr(byte, 5) == "<div>");
    }
  }
  CHECK(unclosed == 3000);
}
