// Hostile input (issue 14): the body parsers stay linear in time and memory,
// and each limit of docs/limits.md holds and is reported. Nothing here is
// timed: work is read from the parsers' step counters (Segmentation::steps,
// HtmlAnalysis::steps), and speed figures belong in bench/hostile.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "archive_lint/html.hpp"
#include "archive_lint/markdown.hpp"
#include "archive_lint/text.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

namespace {

const std::string kFront = "---\nlayout: post\ntitle: \"t\"\ndate: 2022-01-20 13:12:24 +0800\n---\n";  // body on line 6

std::string repeat(const std::string& unit, std::size_t size) {
  std::string out;
  out.reserve(size + unit.size());
  while (out.size() < size) out += unit;
  return out;
}

std::string times(const std::string& unit, std::size_t count) {
  std::string out;
  out.reserve(unit.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

// Lines from a template where `#` is replaced by the line's number.
std::string numbered(const std::string& unit, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; out.size() < size; ++i) {
    std::string line = unit;
    for (auto at = line.find('#'); at != std::string::npos; at = line.find('#', at)) line.replace(at, 1, std::to_string(i));
    out += line;
  }
  return out;
}

struct Shape {
  const char* name;
  std::function<std::string(std::size_t)> make;
};

// Runs `analyse` on each shape at `size` bytes and twice that; `check` gets
// the two results and the larger input.
template <class Analyse, class Check>
void for_each_doubling(const std::vector<Shape>& shapes, std::size_t size, Analyse analyse, Check check) {
  for (const auto& shape : shapes) {
    INFO(shape.name);
    const std::string small = shape.make(size);
    const std::string large = shape.make(2 * size);
    check(analyse(small), analyse(large), large);
  }
}

std::size_t count_rule(const std::vector<Diagnostic>& ds, std::string_view rule) {
  std::size_t n = 0;
  for (const auto& d : ds) n += d.rule_id == rule;
  return n;
}

}  // namespace

// Each of these took time quadratic in the size before (a scan from every
// '[' to the paragraph's end, a search for "-->" from every "<!--", ...).
TEST_CASE("hostile: Markdown segmentation does work linear in the body's size", "[hostile][markdown]") {
  const std::vector<Shape> shapes = {
      {"[", [](std::size_t n) { return repeat("[", n); }},
      {"[a](", [](std::size_t n) { return repeat("[a](", n); }},
      {"![a](", [](std::size_t n) { return repeat("![a](", n); }},
      {"[a](x y", [](std::size_t n) { return repeat("[a](x y ", n); }},
      {"[a](<", [](std::size_t n) { return repeat("[a](<", n); }},
      {"<!--", [](std::size_t n) { return repeat("<!--", n); }},
      {"<!-- lines", [](std::size_t n) { return repeat("<!--\n", n); }},
      {"link per line", [](std::size_t n) { return numbered("[link #](https://example.com/#)\n", n); }},
      {"definitions", [](std::size_t n) { return numbered("[r#]: https://example.com/#\n", n); }},
      {"uses and definitions", [](std::size_t n) {
         return numbered("[x][r#] ", n / 2) + "\n\n" + numbered("[r#]: /u#\n", n / 2);
       }},
      {"[a][b]", [](std::size_t n) { return repeat("[a][b]", n); }},
      {"[]", [](std::size_t n) { return repeat("[]", n); }},
      {"[a][", [](std::size_t n) { return repeat("[a][", n); }},
      {"backtick runs of every length", [](std::size_t n) {
         std::string out;
         for (std::size_t len = 1; out.size() < n; ++len) out += std::string(len, '`') + "x";
         return out;
       }},
      {"unclosed fences, longest first", [](std::size_t n) {
         std::string out;
         for (std::size_t len = 3; out.size() < n; ++len) out = std::string(len, '~') + "\n" + out;
         return out;
       }},
      {"[<!--`-->", [](std::size_t n) { return repeat("[<!--`-->", n); }},
      {"nested links", [](std::size_t n) { return std::string(n / 6, '[') + "x" + repeat("](/u)", n / 6 * 5); }},
      {"nested link chains", [](std::size_t n) { return repeat(std::string(20, '[') + repeat("a](", 60), n); }},
      {"[x](((((", [](std::size_t n) { return "[x](" + repeat("(", n); }},
      {"<a@b", [](std::size_t n) { return repeat("<a@b", n); }},
      // A list item's lazy fences, each closed only after a line of block HTML (then none opens).
      {"lazy fences", [](std::size_t n) { return "- a\n" + repeat("````x\n", n / 6) + "<div>\n````\n"; }},
      {"fences closed far away", [](std::size_t n) { return repeat("````x\n```\n", n / 10) + "````\n"; }},
  };
  for_each_doubling(shapes, 128 * 1024, [](const std::string& body) { return segment_markdown(body, 0); },
                    [](const Segmentation& a, const Segmentation& b, const std::string& large) {
                      CHECK(b.html_view.size() == large.size());
                      CHECK(b.steps <= 64 * large.size());  // link texts are copied up to kMaxLinkTextBytes each
                      CHECK(static_cast<double>(b.steps) <= 2.5 * static_cast<double>(a.steps));
                    });
}

TEST_CASE("hostile: a 2 MB post of open brackets or of unfinished links is text, as kramdown reads it", "[hostile][markdown]") {
  for (const std::string unit : {"[", "[a](", "<!--"}) {
    const std::string body = repeat(unit, 2 << 20);
    const auto seg = segment_markdown(body, 0);
    CHECK(seg.links.empty());
    if (unit == "<!--") {  // never closed: kramdown shows every one as text, and one finding is enough
      CHECK(seg.html_view == repeat(" !--", 2 << 20));
      CHECK(seg.open_comments.size() == 1);
    } else {
      CHECK(seg.html_view == body);  // nothing is Markdown syntax: every byte stays
    }
  }
  // The same with something real at the end: it is still found.
  const std::string body = repeat("[a](", 1 << 20) + "\n\n[ok](/x) `<b>`\n";
  const auto seg = segment_markdown(body, 0);
  REQUIRE(seg.links.size() == 1);
  CHECK(seg.links[0].destination == "/x");
  CHECK(seg.html_view.find("<b>") == std::string::npos);
}

// The answers of the segmentation before the memos, for the constructs they
// cache: nested links, a link in a destination, reference uses.
TEST_CASE("hostile: nested and chained links resolve as before", "[hostile][markdown]") {
  const auto seg = segment_markdown("[[[x](/a)](/b)](/c) [a]([b](/d)) [r][r] [r]\n\n[r]: /e\n", 0);
  std::vector<std::string> dest;
  for (const auto& l : seg.links) dest.push_back(l.destination);
  CHECK(dest == std::vector<std::string>{"/c", "/b", "/a", "[b](/d)", "/d", "/e", "/e", "/e"});
  CHECK(seg.links[3].dest_begin == 24);
  CHECK(seg.links[4].begin == 24);
  CHECK(seg.links[6].label == "r");
}

TEST_CASE("hostile: link text is kept up to a limit, cut at a character", "[hostile][markdown][limits]") {
  const std::string long_text = repeat("中文", 3000);
  const auto seg = segment_markdown("[" + long_text + "](/x)\n", 0);
  REQUIRE(seg.links.size() == 1);
  const std::string& text = seg.links[0].text;
  CHECK(text.size() <= kMaxLinkTextBytes + 3);
  CHECK(text.substr(text.size() - 3) == "\xE2\x80\xA6");  // ends with "…"
  CHECK_FALSE(find_invalid_utf8(text).has_value());
  CHECK(capped_text("short", kMaxLinkTextBytes) == "short");
}

TEST_CASE("hostile: a post keeps at most kMaxLinks links and says how many it left out", "[hostile][limits][links]") {
  const std::string body = times("[a](/x)\n", kMaxLinks + 25);
  const Document doc = parse_document("_posts/2022-01-20-x.md", kFront + body);
  CHECK(doc.links.size() == kMaxLinks);
  CHECK(doc.links_omitted == 25);
  const auto ds = lint(doc);
  REQUIRE(count_rule(ds, "links/malformed") == 1);
  for (const auto& d : ds) {
    if (d.rule_id != "links/malformed") continue;
    CHECK(d.message.find("100025 links") != std::string::npos);
    CHECK(d.start.line == 6 + kMaxLinks);  // the first link left out
  }
}

TEST_CASE("hostile: reference labels longer than CommonMark's 999 never match", "[hostile][markdown][limits]") {
  const std::string label(kMaxLabelBytes + 1, 'x');
  const auto seg = segment_markdown("[" + label + "]\n\n[" + label + "]: /x\n[ok]\n\n[ok]: /y\n", 0);
  REQUIRE(seg.links.size() == 2);
  CHECK(seg.links[0].kind == MarkdownLinkKind::reference_use);
  CHECK(seg.links[0].destination == "/y");
}

// The HTML shapes that were quadratic (a forward search at every misnested
// end tag, a walk over every open element, a comparison with every earlier
// attribute) or held a message per finding.
TEST_CASE("hostile: the HTML analysis does work linear in the body's size", "[hostile][html]") {
  const std::vector<Shape> shapes = {
      {"<div>", [](std::size_t n) { return repeat("<div>", n); }},
      {"</p>", [](std::size_t n) { return repeat("</p>", n); }},
      {"<b><i></b>", [](std::size_t n) { return repeat("<b><i></b>", n); }},
      {"<svg><g></x>", [](std::size_t n) { return "<svg>" + repeat("<g></x>", n); }},
      {"<a>", [](std::size_t n) { return repeat("<a>", n); }},
      {"<a><object> with text", [](std::size_t n) { return repeat("<a><object>some text ", n); }},
      {"<b>", [](std::size_t n) { return repeat("<b>", n); }},
      {"many attributes", [](std::size_t n) { return "<p " + numbered("a# ", n) + ">x</p>"; }},
      {"duplicate attributes", [](std::size_t n) { return "<p " + repeat("a ", n) + ">x</p>"; }},
      {"<a href=\"", [](std::size_t n) { return repeat("<a href=\"", n); }},
      {"<ul><li><ul>", [](std::size_t n) { return "<ul>" + repeat("<li><ul>", n); }},
      {"<table><tr><td>", [](std::size_t n) { return repeat("<table><tr><td>", n); }},
      {"<p><span>", [](std::size_t n) { return repeat("<p><span>", n); }},
      {"references", [](std::size_t n) { return "<p>" + repeat("&amp &#x; ", n) + "</p>"; }},
      {"nested comments", [](std::size_t n) { return "<!--" + repeat("<!--a", n) + "-->"; }},
      {"ignored regions", [](std::size_t n) { return repeat("<div data-archive-lint-ignore></p></div>", n); }},
  };
  for_each_doubling(shapes, 64 * 1024, [](const std::string& body) { return analyse_html(body, 0); },
                    [](const HtmlAnalysis& a, const HtmlAnalysis& b, const std::string& large) {
                      CHECK(b.steps <= 40 * large.size());
                      CHECK(static_cast<double>(b.steps) <= 2.5 * static_cast<double>(a.steps));
                      CHECK(b.issues.size() <= 9 * kKeptHtmlIssues + 3);  // per kind, plus the limit notes
                      CHECK(b.issues.size() + b.omitted.size() <= large.size());
                    });
}

TEST_CASE("hostile: elements past the depth limit are counted, not followed", "[hostile][html][limits]") {
  const std::size_t deep = kMaxHtmlDepth + 300;
  // Closed again: no finding but the limit's own.
  auto a = analyse_html(repeat("<div>", deep * 5) + repeat("</div>", deep * 6) + "<p>x</p>", 0);
  REQUIRE(a.issues.size() == 1);
  CHECK(a.issues[0].kind == HtmlIssueKind::tokenizer_error);
  CHECK(a.issues[0].message.find("812 levels deep") != std::string::npos);
  // Left open: every one is reported, the deeper ones too.
  auto b = analyse_html(repeat("<div>", deep * 5) + "<P>", 0);
  std::size_t unclosed = 0;
  for (const auto& i : b.issues) unclosed += i.kind == HtmlIssueKind::unclosed_element;
  CHECK(unclosed == deep);  // not the <p>: its end tag may be left off
  CHECK(b.issues.back().message == "<div> is never closed (still open at the end of the post)");
  // An end tag inside the overflow closes an overflowed element: after it
  // the nesting below the limit is matched as usual.
  auto c = analyse_html(times("<div>", kMaxHtmlDepth) + "<span><b></i></span>" + times("</div>", kMaxHtmlDepth) + "</p>", 0);
  REQUIRE(c.issues.size() == 2);
  CHECK(c.issues[1].kind == HtmlIssueKind::stray_end_tag);  // the </p>
}

TEST_CASE("hostile: at most kMaxHtmlTags start tags are kept", "[hostile][html][limits]") {
  const auto a = analyse_html(times("<b></b>", kMaxHtmlTags + 10), 0);
  CHECK(a.tags.size() == kMaxHtmlTags);
  REQUIRE(a.issues.size() == 1);
  CHECK(a.issues[0].begin == kMaxHtmlTags * 7);
  CHECK(a.issues[0].message.find("more than 100000 start tags") != std::string::npos);
}

TEST_CASE("hostile: attributes past the limit are neither kept nor compared", "[hostile][html][limits]") {
  std::string attrs;
  // Appends only: "a" + std::string trips GCC 12's false -Wrestrict at -O3 (GCC bug 105329).
  for (std::size_t i = 0; i < kMaxHtmlAttributes + 5; ++i) attrs.append("a").append(std::to_string(i)).append(" ");
  const auto a = analyse_html("<p " + attrs + "a0 a1>x</p><p a b a>y</p>", 0);
  REQUIRE(a.tags.size() == 2);
  CHECK(a.tags[0].attributes.size() == kMaxHtmlAttributes);
  std::size_t duplicates = 0, limits = 0;
  for (const auto& i : a.issues) {
    duplicates += i.kind == HtmlIssueKind::duplicate_attribute;
    limits += i.message.find("attributes: the html checks do not keep") != std::string::npos;
  }
  CHECK(duplicates == 1);  // only the second <p>'s: the first one's come past the limit
  CHECK(limits == 1);
  // With 9 attributes and more, duplicates are found by lookup: same answer.
  const auto b = analyse_html("<p a b c d e f g h i j a k b>x</p>", 0);
  duplicates = 0;
  for (const auto& i : b.issues) duplicates += i.kind == HtmlIssueKind::duplicate_attribute;
  CHECK(duplicates == 2);
}

TEST_CASE("hostile: ignored regions are looked up, whatever their number", "[hostile][html]") {
  const std::string unit = "<div data-archive-lint-ignore=\"html/stray-end-tag\"></p></div>";
  const std::string body = times(unit, 5000) + "</p><div data-archive-lint-ignore></b></div>";
  const auto a = analyse_html(body, 0);
  REQUIRE(a.ignored.size() == 5001);
  CHECK(a.ignores("html/stray-end-tag", unit.size() * 4000 + unit.find("</p>")));
  CHECK_FALSE(a.ignores("html/misnested", unit.size() * 4000 + unit.find("</p>")));
  CHECK_FALSE(a.ignores("html/stray-end-tag", body.find("</p><div data")));
  CHECK(a.ignores("html/misnested", body.rfind("</b>")));
}

TEST_CASE("hostile: findings past the per-rule limit become one '... and N more'", "[hostile][limits]") {
  const std::string body = times("</p>\n", kMaxFindingsPerRule + 50);
  const auto ds = lint_text("_posts/2022-01-20-x.md", kFront + body);
  REQUIRE(count_rule(ds, "html/stray-end-tag") == kMaxFindingsPerRule + 1);
  std::size_t summaries = 0;
  for (const auto& d : ds) {
    if (d.message.rfind("... and ", 0) != 0) continue;
    ++summaries;
    CHECK(d.rule_id == "html/stray-end-tag");
    CHECK(d.message.find("... and 50 more html/stray-end-tag findings") == 0);
    CHECK(d.start.line == 6 + kMaxFindingsPerRule);  // where the list stops
  }
  CHECK(summaries == 1);
  // Suppressed findings do not count towards the limit.
  const std::string suppressed = times("<!-- archive-lint-disable-next-line html/stray-end-tag -->\n</p>\n", 100) + body;
  const auto ds2 = lint_text("_posts/2022-01-20-x.md", kFront + suppressed);
  CHECK(count_rule(ds2, "html/stray-end-tag") == kMaxFindingsPerRule + 1);
}

TEST_CASE("hostile: Liquid findings use the same limit, on 2 MB of '{%' or '{{'", "[hostile][jekyll][limits]") {
  for (const std::string unit : {"{%", "{{", "{% x %}"}) {
    const auto ds = lint_text("_posts/2022-01-20-x.md", kFront + repeat(unit, 2 << 20) + "\n");
    CHECK(count_rule(ds, "jekyll/liquid-syntax") == kMaxFindingsPerRule + 1);
  }
}

TEST_CASE("hostile: lone CR line endings are indexed in one pass", "[hostile][document]") {
  const std::string text = kFront + repeat("text\r", 2 << 20);
  const Document doc = parse_document("_posts/2022-01-20-x.md", text);
  CHECK(doc.lines.line_count() == 5 + (2 << 20) / 5 + 2);
  CHECK(doc.line_text(6) == "text");
  CHECK(doc.line_text(static_cast<std::uint32_t>(doc.lines.line_count() - 1)) == "text");
  CHECK(doc.line_text(static_cast<std::uint32_t>(doc.lines.line_count())).empty());
  // Mixed endings: LF, CRLF, CR.
  const LineIndex mixed("a\nb\r\nc\rd");
  REQUIRE(mixed.line_count() == 4);
  CHECK(mixed.line_text("a\nb\r\nc\rd", 2) == "b");
  CHECK(mixed.line_text("a\nb\r\nc\rd", 3) == "c");
  CHECK(mixed.line_start(4) == 7);
  CHECK(mixed.line_start(5) == 8);
}

TEST_CASE("hostile: columns on a 1 MB line are exact in any order of questions", "[hostile][document]") {
  std::string line;
  for (int i = 0; line.size() < (1 << 20); ++i) line += i % 5 == 0 ? "中" : i % 11 == 0 ? "\xF0\x9F\x98\x80" : i % 13 == 0 ? "\xE4" : "a";
  const std::string text = kFront + line + "\nend\n";
  const Document doc = parse_document("_posts/2022-01-20-x.md", text);
  const std::size_t start = doc.body_offset;
  std::uint32_t state = 7;
  for (int k = 0; k < 200; ++k) {
    state = state * 1664525u + 1013904223u;
    std::size_t offset = start + state % line.size();
    while (offset > start && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) --offset;
    const Position p = doc.position(offset);
    const ColumnCounts expected = count_columns(std::string_view(text).substr(start, offset - start));
    REQUIRE(p.line == 6);
    REQUIRE(p.column == expected.code_points + 1);
    REQUIRE(p.column_utf16 == expected.utf16_units + 1);
  }
  // Checkpoints split the text where counting on gives the same as counting through.
  const auto points = column_checkpoints(line, 4096);
  REQUIRE(points.size() > 200);
  for (const auto& c : points) {
    const ColumnCounts whole = count_columns(std::string_view(line).substr(0, c.offset));
    REQUIRE(whole.code_points == c.counts.code_points);
    REQUIRE(whole.utf16_units == c.counts.utf16_units);
  }
}

TEST_CASE("hostile: suppression directives are read in one pass and looked up fast", "[hostile][suppression]") {
  const std::string body = times("<!-- archive-lint-disable-next-line html/stray-end-tag -->\n</p>\n", 20000) +
                           repeat("archive-lint-disable-next-line ", 1 << 20);
  const Document doc = parse_document("_posts/2022-01-20-x.md", kFront + body);
  REQUIRE(doc.suppressions.lines.size() == 20000);
  CHECK(doc.suppressions.covers("html/stray-end-tag", 7));
  CHECK(doc.suppressions.covers("html/stray-end-tag", 6 + 2 * 19999 + 1));
  CHECK_FALSE(doc.suppressions.covers("html/stray-end-tag", 6));
  CHECK_FALSE(doc.suppressions.covers("html/misnested", 7));
  // Two directives in one comment: each list ends where the next directive starts.
  const Document two = parse_document(
      "x.md", "<!-- archive-lint-disable-next-line html/a archive-lint-disable-line html/b -->\nx\n");
  REQUIRE(two.suppressions.lines.size() == 2);
  CHECK(two.suppressions.covers("html/a", 2));
  CHECK(two.suppressions.covers("html/b", 1));
  CHECK_FALSE(two.suppressions.covers("html/b", 2));
}

TEST_CASE("hostile: front matter past the limit is not parsed, and says so", "[hostile][yaml][limits]") {
  const std::string yaml = numbered("k#: value\n", kMaxFrontMatterBytes + 1);
  const Document doc = parse_document("_posts/2022-01-20-x.md", "---\n" + yaml + "---\nbody\n");
  REQUIRE(doc.front_matter.error);
  CHECK(doc.front_matter.error->limit);
  const auto ds = lint(doc);
  REQUIRE(count_rule(ds, "front-matter/yaml-syntax") == 1);
  for (const auto& d : ds) {
    if (d.rule_id == "front-matter/yaml-syntax") CHECK(d.message.rfind("the front matter is ", 0) == 0);
  }
}

TEST_CASE("hostile: YAML aliases are walked once", "[hostile][yaml]") {
  // a0 has a duplicate key; every later key refers to the one before nine
  // times: walking through the aliases would visit 9^12 nodes.
  std::string yaml = "layout: post\ntitle: t\na0: &a0 {k: 1, k: 2}\n";
  for (int i = 1; i <= 12; ++i) {
    // Appends only, for GCC 12's false -Wrestrict at -O3 (GCC bug 105329).
    yaml.append("a").append(std::to_string(i)).append(": &a").append(std::to_string(i)).append(" [");
    for (int j = 0; j < 9; ++j) yaml.append(j ? ", *a" : "*a").append(std::to_string(i - 1));
    yaml += "]\n";
  }
  yaml += "b: !ruby/object:Foo {x: 1}\nc: [*a12, *a12]\n";
  const auto ds = lint_text("_posts/2022-01-20-x.md", "---\n" + yaml + "---\nbody\n");
  CHECK(count_rule(ds, "front-matter/duplicate-key") == 1);
  CHECK(count_rule(ds, "jekyll/front-matter-unreadable") == 1);
}
