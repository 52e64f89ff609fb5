// Config parsing and file collection, as documented in docs/configuration.md.
#include <catch2/catch.hpp>

#include <algorithm>

#include "archive_lint/registry.hpp"
#include "support.hpp"

using namespace al::test;

namespace {
using al::find_active;
al::Config parse(const std::string& text) { return al::parse_config(text, "/project/.archive-lint.yml"); }
}  // namespace

TEST_CASE("config: defaults and presets", "[config]") {
  const al::Config plain = parse("");
  CHECK(plain.root == "/project");
  CHECK(plain.preset == "jekyll");
  CHECK(plain.include == std::vector<std::string>{"**/*.markdown", "**/*.mkdown", "**/*.mkdn", "**/*.mkd", "**/*.md",
                                                  "**/*.html", "**/*.htm"});
  CHECK(plain.exclude.size() == 5);
  CHECK(plain.site_url == "https://example.com");
  CHECK(al::instantiate_checks(plain).size() == al::registry().size());  // all on by default

  const al::Config news = parse("extends: news-archive\n");
  CHECK(news.preset == "news-archive");
  CHECK(news.site_url == "https://finews.withounder.com");
  const auto& fields = news.rules.at("front-matter/required-fields").options["fields"];
  REQUIRE(fields.IsSequence());
  CHECK(fields.size() == 5);
  CHECK(al::preset_names() == std::vector<std::string>{"jekyll", "news-archive"});

  // jekyll requires nothing; news-archive requires a title.
  const std::string no_title = "---\nlayout: post\ndate: 2022-01-20 13:12:24 +0800\ncategories: c\ntags: t\n---\n";
  std::vector<al::Diagnostic> out;
  al::check_document(al::parse_document("p.md", no_title), al::instantiate_checks(plain), out);
  CHECK(out.empty());
  al::check_document(al::parse_document("p.md", no_title), al::instantiate_checks(news), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].message == "required front-matter field 'title' is missing");
}

TEST_CASE("config: family settings apply before exact ids, whatever the order", "[config]") {
  const al::Config config = parse(
      "rules:\n  front-matter/date-format: error\n  front-matter/*: warning\n  encoding/*: off\n"
      "  encoding/nul-byte: on\n  io/empty-file:\n    severity: note\n  io/unreadable:\n    enabled: false\n");
  const auto checks = al::instantiate_checks(config);
  REQUIRE(find_active(checks, "front-matter/date-format"));
  CHECK(find_active(checks, "front-matter/date-format")->severity == al::Severity::error);
  CHECK(find_active(checks, "front-matter/missing")->severity == al::Severity::warning);
  CHECK(find_active(checks, "encoding/invalid-utf8") == nullptr);
  CHECK(find_active(checks, "encoding/nul-byte") != nullptr);
  CHECK(find_active(checks, "io/empty-file")->severity == al::Severity::note);
  CHECK(find_active(checks, "io/unreadable") == nullptr);
}

TEST_CASE("config: user options override the preset option by option", "[config]") {
  const al::Config config = parse(
      "extends: news-archive\nrules:\n  front-matter/date-format:\n    formats: \"%Y-%m-%d\"\n"
      "  front-matter/required-fields:\n    severity: warning\n");
  const auto checks = al::instantiate_checks(config);
  std::vector<al::Diagnostic> out;
  // The preset's fields survive a severity-only override; the format is the user's.
  al::check_document(al::parse_document("p.md", "---\nlayout: post\ntitle: t\ndate: 2022-01-20\ncategories: c\n---\n"),
                     checks, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].rule_id == "front-matter/required-fields");
  CHECK(out[0].severity == al::Severity::warning);
  CHECK(out[0].message == "required front-matter field 'tags' is missing");
}

TEST_CASE("config: errors name file:line:column", "[config]") {
  using Catch::Contains;
  CHECK_THROWS_AS(parse("rules: [\n"), al::ConfigError);
  CHECK_THROWS_WITH(parse("extends: news-archive\nbogus: 1\n"), Contains("/project/.archive-lint.yml:2:1: unknown key 'bogus'"));
  CHECK_THROWS_WITH(parse("rules:\n  nope/*: off\n"), Contains(":2:3: unknown rule family 'nope/*'"));
  CHECK_THROWS_WITH(parse("rules:\n  front-matter/*:\n    fields: []\n"), Contains(":3:5: rule 'front-matter/*' has no option 'fields'"));
  CHECK_THROWS_WITH(parse("rules:\n  io/empty-file:\n    severity: fatal\n"), Contains(":3:15: severity must be"));
  CHECK_THROWS_WITH(parse("rules:\n  io/empty-file:\n    enabled: maybe\n"), Contains(":3:14: enabled must be"));
  CHECK_THROWS_WITH(parse("site:\n  host: x\n"), Contains(":2:3: unknown key 'site.host'"));
  CHECK_THROWS_WITH(parse("include: {a: 1}\n"), Contains(":1:10: 'include' must be a list of globs"));
  CHECK_THROWS_WITH(parse("- a\n"), Contains("the config must be a mapping"));
  CHECK_THROWS_WITH(al::instantiate_checks(parse("rules:\n  front-matter/date-format:\n    formats: []\n")),
                    Contains("needs at least one pattern"));
}

TEST_CASE("collect_files: include, exclude and explicit files", "[config]") {
  TempDir tmp;
  spit(tmp / "_posts/a.md", "x");
  spit(tmp / "_posts/b.txt", "x");
  spit(tmp / "_posts/old/c.md", "x");
  spit(tmp / "_site/d.md", "x");
  spit(tmp / "page.html", "x");
  al::Config config = al::parse_config("exclude: [\"**/_site/**\", \"_posts/old\"]\n", tmp / ".archive-lint.yml");
  std::vector<std::string> missing;
  auto display = [&](const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& f : al::collect_files(paths, config, missing)) out.push_back(f.display_path);
    return out;
  };
  CHECK(display({tmp.path().string()}) == std::vector<std::string>{"_posts/a.md", "page.html"});
  // A file named explicitly is taken even if no include glob matches it...
  CHECK(display({(tmp / "_posts/b.txt").string()}) == std::vector<std::string>{"_posts/b.txt"});
  // ...but not when it is excluded.
  CHECK(display({(tmp / "_site/d.md").string()}).empty());
  CHECK(missing.empty());
  display({(tmp / "nope.md").string()});
  CHECK(missing == std::vector<std::string>{(tmp / "nope.md").string()});

  missing.clear();
  config = al::parse_config("include: \"_posts/**/*.md\"\nexclude: []\n", tmp / ".archive-lint.yml");
  CHECK(display({tmp.path().string()}) == std::vector<std::string>{"_posts/a.md", "_posts/old/c.md"});
}

// One list of post extensions (Jekyll's markdown_ext, plus HTML) for the
// default include globs, the archive index's listing and permalink output.
TEST_CASE("config: one list of post file extensions, in any case", "[config]") {
  for (const char* name : {"2022-01-20-a.md", "a.MD", "a.markdown", "a.mkdown", "a.mkdn", "a.Mkd", "a.html", "a.HTM"}) {
    INFO(name);
    CHECK(al::is_post_file_name(name));
  }
  for (const char* name : {"a.txt", "a.md~", "md", "a.", "a.mdx", "a.xhtml"}) {
    INFO(name);
    CHECK_FALSE(al::is_post_file_name(name));
  }
  CHECK(al::is_markdown_extension("MKDN"));
  CHECK_FALSE(al::is_markdown_extension("html"));
  const al::Config plain = parse("");
  for (std::string_view ext : al::kMarkdownExtensions) CHECK(std::count(plain.include.begin(), plain.include.end(), "**/*." + std::string(ext)) == 1);
  for (std::string_view ext : al::kHtmlExtensions) CHECK(std::count(plain.include.begin(), plain.include.end(), "**/*." + std::string(ext)) == 1);
}
