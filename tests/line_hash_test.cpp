// primaryLocationLineHash must equal what GitHub's upload action computes, so
// that SARIF uploaded through the API de-duplicates alerts the same way. The
// expected values were produced by an independent implementation of the
// action's algorithm (src/fingerprints.ts in github/codeql-action) run under
// Node.js on the same bytes.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "archive_lint/line_hash.hpp"
#include "support.hpp"

namespace {
std::vector<std::uint32_t> lines(std::uint32_t n) {
  std::vector<std::uint32_t> v;
  for (std::uint32_t i = 1; i <= n; ++i) v.push_back(i);
  return v;
}
}  // namespace

TEST_CASE("line hash: CRLF, lone CR, blanks, tabs and astral characters", "[line-hash]") {
  const std::string text = "a\r\nb\rc\n\n  x y\t\n\xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87\n";
  const auto h = al::github_line_hashes(text, lines(7));
  CHECK(h.at(1) == "c41750a23386311f:1");
  CHECK(h.at(2) == "99158b90f5eba528:1");
  CHECK(h.at(3) == "6cf48c15234971f4:1");
  CHECK(h.at(4) == "40d428a25ab9e98b:1");
  CHECK(h.at(5) == "6689b9711dbe2ead:1");
  CHECK(h.at(6) == "5204db042a1b888a:1");
  CHECK(h.at(7) == "c129715d7a2bc9a3:1");  // the empty last line after the final newline
}

TEST_CASE("line hash: identical lines differ by what follows them", "[line-hash]") {
  const auto h = al::github_line_hashes("same\nsame\nsame\n", lines(4));
  CHECK(h.at(1) == "55dfc028cbd34ba7:1");
  CHECK(h.at(2) == "54dd522503d971eb:1");
  CHECK(h.at(3) == "930af01a65e2307f:1");
}

TEST_CASE("line hash: a real post, and only the wanted lines", "[line-hash]") {
  std::ifstream in(al::test::source_dir() / "examples/_posts/2022-01-22-NW202201220000000002.md", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto h = al::github_line_hashes(ss.str(), {1, 3});
  REQUIRE(h.size() == 2);
  CHECK(h.at(1) == "9bbaac5a7eb69242:1");
  CHECK(h.at(3) == "89fbde594c6a7f40:1");
}

// The scan stops once every wanted line has its hash: asking for a line alone
// or with later ones gives the same value, repeated lines keep their counts.
TEST_CASE("line hash: stopping after the last wanted line changes nothing", "[line-hash]") {
  std::string text;
  for (int i = 0; i < 300; ++i) text += (i % 3 == 0 ? std::string("---") : "line " + std::to_string(i % 7)) + "\n";
  const auto all = al::github_line_hashes(text, lines(301));
  REQUIRE(all.size() == 301);
  for (std::uint32_t line : {1u, 4u, 150u, 299u, 300u, 301u}) {
    INFO("line " << line);
    const auto one = al::github_line_hashes(text, {line});
    REQUIRE(one.size() == 1);
    CHECK(one.at(line) == all.at(line));
  }
  CHECK(all.at(150).substr(all.at(150).find(':')) != ":1");  // the text repeats every 21 lines: counted
}
