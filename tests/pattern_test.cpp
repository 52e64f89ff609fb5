// Patterns from the config meet author text: RE2, linear time, errors in words.
#include <catch2/catch.hpp>

#include <chrono>

#include "archive_lint/attribution.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/links.hpp"
#include "archive_lint/pattern.hpp"
#include "support.hpp"

using namespace al::test;
using al::Pattern;
using al::PatternError;

namespace {

std::string error_of(const std::string& pattern) {
  try {
    Pattern p(pattern);
  } catch (const PatternError& e) {
    return e.what();
  }
  return "";
}

std::string config_error(const std::string& text) {
  try {
    const al::Config config = al::parse_config(text, "site/.archive-lint.yml");
    (void)al::load_link_settings(config);
  } catch (const al::ConfigError& e) {
    return e.what();
  }
  return "";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("pattern: what RE2 cannot do is an error naming the construct", "[pattern]") {
  const std::pair<const char*, const char*> cases[] = {
      {"(?<=a)b", "lookbehind `(?<=`"},
      {"(?<!a)b", "negative lookbehind `(?<!`"},
      {"a(?=b)", "lookahead `(?=`"},
      {"^https?://(?!127)", "negative lookahead `(?!`"},
      {"(a)\\1", "backreference `\\1`"},
      {"(?<n>a)\\k<n>", "backreference `\\k<`"},
      {"(?P<n>a)(?P=n)", "backreference `(?P=`"},
      {"a*+", "possessive repetition `*+`"},
      {"a++b", "possessive repetition `++`"},
      {"a?+", "possessive repetition `?+`"},
      {"a{2,3}+", "possessive repetition `{2,3}+`"},
      {"(?>a+)b", "atomic group `(?>`"},
      {"a(?R)?b", "recursion `(?R`"},
      {"(a)(?1)", "recursion `(?1`"},
      {"(a)(?-1)", "recursion `(?-1`"},
      {"(a)?(?(1)b|c)", "conditional group `(?(`"},
  };
  for (const auto& [pattern, construct] : cases) {
    INFO(pattern);
    const std::string e = error_of(pattern);
    CHECK(e == std::string(construct) + " is not supported: archive-lint uses RE2, which runs in linear time");
  }
}

TEST_CASE("pattern: the same characters inside a class or escaped are plain text", "[pattern]") {
  for (const char* pattern : {"[(?=x)]", "[*+]+", "\\*+", "\\(?=", "a{,3}+", "\\\\(a)", "[]*+]", "[[:alpha:]*+]"}) {
    INFO(pattern);
    CHECK(error_of(pattern).empty());
  }
  CHECK(Pattern("\\*+").full_match("***"));
  CHECK(Pattern("\\Q(?<x>)*+\\E").full_match("(?<x>)*+"));  // RE2's literal quoting
  CHECK(Pattern("\\Q(?=").full_match("(?="));
  CHECK(Pattern("[(?=x)]+").full_match("(?=x)"));
  CHECK(Pattern("\\(?=").full_match("("  "="));
  CHECK(Pattern("\\(?=").full_match("="));
}

TEST_CASE("pattern: invalid patterns are explained in words", "[pattern]") {
  const std::pair<const char*, const char*> cases[] = {
      {"(a", "has no closing `)`"},
      {"a)", "closes no group"},
      {"[a", "has no closing `]`"},
      {"*a", "`*` repeats nothing"},
      {"a**", "repeats a repetition"},
      {"a{1001}", "out of range (RE2 counts up to 1000"},
      {"((a{100}){100})", "the repetition `{100}` is out of range"},
      {"\\u4E2D", "RE2 writes a code point as `\\x{4E2D}`"},
      {"\\Z", "invalid escape `\\Z`"},
      {"[z-a]", "invalid range `z-a`"},
      {"(?<a-b>x)", "group name"},
      {"(?<x>a)(?<x>b)", "the group name `x` is used twice"},
      {"(?P<x>a)(?<x>b)", "the group name `x` is used twice"},
      {"a\\", "ends in a lone `\\`"},
      {"\xff", "not valid UTF-8"},
      {"(?i)\\pL{1000}\\pL{1000}", "the pattern is too large: RE2 would need more than 8 MiB for it"},
  };
  for (const auto& [pattern, words] : cases) {
    INFO(pattern);
    const std::string e = error_of(pattern);
    CHECK(e.find(words) != std::string::npos);
  }
}

TEST_CASE("pattern: search, find from a position, whole match and groups", "[pattern]") {
  const Pattern p("(?<word>b+)(c)?");
  CHECK(p.search("abbd"));
  CHECK_FALSE(p.search("ad"));
  CHECK_FALSE(p.full_match("abb"));
  const auto m = p.full_match("bbc");
  REQUIRE(m);
  CHECK((*m)[1].in("bbc") == "bb");
  CHECK((*m)[2].matched);
  const auto n = p.find("xbb", 0);
  REQUIRE(n);
  CHECK((*n)[0].begin == 1);
  CHECK_FALSE((*n)[2].matched);
  CHECK((*n)[2].in("xbb").empty());
  // From a position the text before it is context: `^` does not match there, `\b` sees it.
  CHECK_FALSE(Pattern("^a").find("ba", 1));
  const auto word = Pattern("\\bfoo").find("xfoo foo", 1);
  REQUIRE(word);
  CHECK((*word)[0].begin == 5);
  CHECK_FALSE(Pattern("a").find("a", 2));
  // An empty subject still matches an empty pattern (RE2 would see a null text).
  CHECK(Pattern("").full_match(std::string_view()));
  CHECK(Pattern("x*").full_match(""));
  // Characters, not bytes: `[^）]` excludes the whole character.
  const std::string text = "（文章来源：科技日报）后";
  const auto cjk = Pattern("（文章来源：([^）]+)）").find(text);
  REQUIRE(cjk);
  CHECK((*cjk)[1].in(text) == "科技日报");
}

TEST_CASE("pattern: replacements follow ECMAScript's $ forms", "[pattern]") {
  const std::string url = "https://a.example/p/x.html?q";
  const Pattern p("^https://a\\.example/(p)/(x)");
  const auto m = p.find(url);
  REQUIRE(m);
  CHECK(al::expand_replacement("_site/$1-$2", url, *m) == "_site/p-x");
  CHECK(al::expand_replacement("[$&]", url, *m) == "[https://a.example/p/x]");
  CHECK(al::expand_replacement("$$1 $", url, *m) == "$1 $");
  CHECK(al::expand_replacement("$'|$`", url, *m) == ".html?q|");
  CHECK(al::expand_replacement("$9$01$x", url, *m) == "p$x");  // no group 9; $01 is group 1
}

TEST_CASE("pattern: hostile patterns and texts take linear time", "[pattern]") {
  const std::string many_a(10000, 'a');
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(Pattern("(a+)+$").search(many_a + "b"));
  CHECK_FALSE(Pattern("(x+x+)+y").search(std::string(30000, 'x')));
  CHECK(Pattern(".*\\.pdf$").search(std::string(30000, 'a') + ".pdf"));
  CHECK(seconds_since(start) < 2.0);  // the standard library regex: exponential, or a stack overflow
}

TEST_CASE("pattern: links.exclude and links.remap errors name file:line:col and the construct", "[pattern][links][config]") {
  const std::string lookahead = config_error("links:\n  exclude:\n    - 'ok'\n    - '^https?://(?!127)'\n");
  CHECK(lookahead.find("site/.archive-lint.yml:4:7: links.exclude pattern '^https?://(?!127)': negative lookahead `(?!` "
                       "is not supported: archive-lint uses RE2, which runs in linear time") == 0);
  const std::string single = config_error("links:\n  exclude: '(a)\\1'\n");
  CHECK(single.find("site/.archive-lint.yml:2:12: links.exclude pattern") == 0);
  CHECK(single.find("backreference `\\1`") != std::string::npos);
  const std::string remap = config_error("links:\n  remap:\n    - file: x\n      pattern: '(?<=a)b'\n");
  CHECK(remap.find("site/.archive-lint.yml:4:16: links.remap pattern '(?<=a)b': lookbehind `(?<=`") == 0);
  const std::string broken = config_error("links:\n  exclude: ['[a']\n");
  CHECK(broken.find("site/.archive-lint.yml:2:13: links.exclude pattern '[a': the character class") == 0);
  al::LinkOverrides cli;
  cli.exclude = {"(?<=x)y"};
  try {
    (void)al::load_link_settings(al::parse_config("", "c.yml"), cli);
    FAIL("no error");
  } catch (const al::ConfigError& e) {
    CHECK(std::string(e.what()) ==
          "--exclude '(?<=x)y': lookbehind `(?<=` is not supported: archive-lint uses RE2, which runs in linear time");
  }
}

TEST_CASE("pattern: an attribution marker RE2 cannot express names the construct at its line", "[pattern][attribution][config]") {
  auto error = [](const std::string& text) -> std::string {
    try {
      (void)al::parse_config(text, "site/.archive-lint.yml");
    } catch (const al::ConfigError& e) {
      return e.what();
    }
    return "";
  };
  const std::string e = error("attribution:\n  marker:\n    pattern: '(?<=来源：)(?<source>\\S+)'\n");
  CHECK(e.find("site/.archive-lint.yml:3:14: 'attribution.marker.pattern' is not a pattern archive-lint can use: "
               "lookbehind `(?<=` is not supported") == 0);
  CHECK(error("attribution:\n  marker:\n    pattern: '(?P<source>x)\\1'\n").find("backreference `\\1`") != std::string::npos);
  // The Python spelling and the ECMAScript one both name the capture.
  CHECK(error("attribution:\n  marker:\n    pattern: 'Source: (?P<source>.+)'\n").empty());
}

namespace {

// A post whose only link is a 30,000-character loopback URL (`tail` ends it).
struct LongUrlProject {
  TempDir dir;
  explicit LongUrlProject(const std::string& config, const std::string& tail = "") {
    spit(dir / ".archive-lint.yml", config);
    spit(dir / "_posts/2022-01-20-long.md", "---\nlayout: post\ntitle: t\ndate: 2022-01-20 13:12:24 +0800\n---\n<http://127.0.0.1:9/" +
                                                  std::string(30000, 'a') + tail + ">\n");
  }
  RunOutput cli(const std::string& args) const { return run(sh_quote(cli_binary().string()) + " " + args, dir.path()); }
};

}  // namespace

TEST_CASE("pattern: --exclude on a 30,000-character URL does not crash", "[pattern][links][cli]") {
  LongUrlProject p("links:\n  protocol_relative: https\n");
  const auto r = p.cli("check --offline --color never --exclude '.*\\.pdf$'");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "No problems in 1 file.\n");
  CHECK(r.err.empty());
}

TEST_CASE("pattern: links.remap with (.*)$ on a 30,000-character URL does not crash", "[pattern][links][cli]") {
  LongUrlProject p("links:\n  remap:\n    - pattern: '^http://127\\.0\\.0\\.1:9/(.*)$'\n      file: '_site/$1'\n");
  const auto r = p.cli("check --offline --color never");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // the remapped local file does not exist
  CHECK(r.out.find("_posts/2022-01-20-long.md:6:2: error: http://127.0.0.1:9/aaaa") == 0);
  CHECK(r.out.find("does not exist (links.remap '^http://127\\.0\\.0\\.1:9/(.*)$') [links/dead]") != std::string::npos);
  CHECK(r.err.empty());
}

TEST_CASE("pattern: --exclude '(a+)+$' against 10,000 a's finishes fast", "[pattern][links][cli]") {
  LongUrlProject p("links:\n  protocol_relative: https\n", "b");
  const auto start = std::chrono::steady_clock::now();
  const auto r = p.cli("check --offline --color never --exclude '(a+)+$'");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(seconds_since(start) < 10.0);  // the standard library regex overflowed the stack here
}
