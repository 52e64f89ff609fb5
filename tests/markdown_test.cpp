// Markdown-aware segmentation: which bytes of a body are HTML.
#include <catch2/catch.hpp>

#include <string>

#include "archive_lint/document.hpp"
#include "archive_lint/markdown.hpp"

using namespace al;

namespace {

// The HTML view of a body without front matter.
std::string view(const std::string& body) { return segment_markdown(body, 0).html_view; }

bool has_span(const Segmentation& seg, SpanKind kind, std::size_t begin, std::size_t end) {
  for (const auto& s : seg.spans) {
    if (s.kind == kind && s.begin == begin && s.end == end) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("segmentation keeps every byte offset", "[markdown]") {
  const std::string body = "<p>a `<b>` 中文</p>\r\n<http://x.cn/?a=1&b=2>\r\n[t](//h/p)\n";
  const auto seg = segment_markdown(body, 0);
  REQUIRE(seg.html_view.size() == body.size());
  // Line terminators survive blanking, so line numbers do not move.
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' || body[i] == '\r') CHECK(seg.html_view[i] == body[i]);
  }
}

TEST_CASE("offsets are file offsets when the body follows front matter", "[markdown]") {
  const std::string text = "---\ntitle: x\n---\nsee <https://a.b/c>\n";
  const std::size_t body = text.find("see");
  const auto seg = segment_markdown(text, body);
  REQUIRE(seg.links.size() == 1);
  CHECK(seg.links[0].kind == MarkdownLinkKind::autolink);
  CHECK(seg.links[0].begin == text.find('<'));
  CHECK(seg.links[0].destination == "https://a.b/c");
  CHECK(has_span(seg, SpanKind::autolink, text.find('<'), text.find('>') + 1));
  CHECK(seg.html_view == "see                \n");
}

TEST_CASE("autolinks are not tags", "[markdown]") {
  CHECK(view("<http://x.cn/a?b=1&c=2>") == std::string(23, ' '));
  CHECK(view("mail <user@example.com> now") == "mail                    now");
  // (a <p> inside a paragraph is text to kramdown: a block element)
  CHECK(view("<ftp://h/x> <p>") == std::string(15, ' '));
  // Not autolinks: tags, and a scheme followed by a space.
  CHECK(view("<a href=\"x\">") == "<a href=\"x\">");
  CHECK(view("<span>x</span>") == "<span>x</span>");
}

TEST_CASE("inline code of any backtick length is not HTML", "[markdown]") {
  CHECK(view("a `<div>` b") == "a         b");
  CHECK(view("a ``x ` <i> y`` b") == "a               b");
  CHECK(view("a ```<p>``` b") == "a           b");
  // An unmatched run is literal text and does not swallow what follows.
  CHECK(view("a `` <b>x</b>") == "a `` <b>x</b>");
  // A code span does not cross a blank line.
  CHECK(view("a `x\n\n<b>` y") == "a `x\n\n<b>` y");
}

TEST_CASE("fenced and indented code blocks are not HTML", "[markdown]") {
  CHECK(view("```\n<div>\n```\n<p>") == "   \n     \n   \n<p>");
  CHECK(view("~~~~ html\n<b>\n~~~\n~~~~\nx") == "         \n   \n   \n    \nx");
  // kramdown reads indented code before block HTML: an indented tag is code.
  CHECK(view("para\n\n    <div>\n    x <b>\n\ny") == "para\n\n" + std::string(9, ' ') + "\n" + std::string(9, ' ') + "\n\ny");
  // An indented line right after a paragraph continues it.
  CHECK(view("para\n    <b>x</b>\n") == "para\n    <b>x</b>\n");
  CHECK(view("para\n\n    code <b>\n\ny") == "para\n\n            \n\ny");
  // kramdown needs a closing fence: without one the lines are ordinary text.
  CHECK(view("```\n<b>x</b>") == "```\n<b>x</b>");
}

TEST_CASE("CRLF code blocks", "[markdown]") {
  CHECK(view("```\r\n<div>\r\n```\r\n<p>") == "   \r\n     \r\n   \r\n<p>");
}

TEST_CASE("links, images and reference definitions are Markdown", "[markdown]") {
  const auto seg = segment_markdown("[返回](//h.com/a.html)｜![alt](/i.png \"t\")\n", 0);
  REQUIRE(seg.links.size() == 2);
  CHECK(seg.links[0].kind == MarkdownLinkKind::inline_link);
  CHECK(seg.links[0].destination == "//h.com/a.html");
  CHECK(seg.links[0].text == "返回");
  CHECK(seg.links[1].kind == MarkdownLinkKind::inline_image);
  CHECK(seg.links[1].destination == "/i.png");
  CHECK(seg.html_view.find('(') == std::string::npos);
  CHECK(seg.html_view.find("返回") != std::string::npos);  // link text stays: it may hold HTML

  const auto ref = segment_markdown("[a][x] and [x]\n\n[x]: <http://h/> \"T\"\n", 0);
  CHECK(ref.html_view.find("http") == std::string::npos);
  int uses = 0, defs = 0;
  for (const auto& l : ref.links) {
    uses += l.kind == MarkdownLinkKind::reference_use;
    defs += l.kind == MarkdownLinkKind::reference_definition;
    CHECK(l.destination == "http://h/");
  }
  CHECK(uses == 2);
  CHECK(defs == 1);
}

TEST_CASE("a link destination or title may start on the next line", "[markdown]") {
  // Checked against kramdown 2.4 (input GFM, as Jekyll 4 uses it): the first
  // four are links, the last is text because a blank line ends the paragraph.
  struct Case {
    std::string body;
    std::string destination;  // empty: no link
  };
  const Case cases[] = {
      {"para [y](\nhttp://a.com/x) end\n", "http://a.com/x"},
      {"![i](\n  /img.png \"t\")\n", "/img.png"},
      {"[y](http://a.com\n \"t\")\n", "http://a.com"},
      {"[y](\r\nhttp://a.com)\r\n", "http://a.com"},
      {"[y](\n\nhttp://a.com)\n", ""},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    const auto seg = segment_markdown(c.body, 0);
    if (c.destination.empty()) {
      CHECK(seg.links.empty());
      continue;
    }
    REQUIRE(seg.links.size() == 1);
    CHECK(seg.links[0].destination == c.destination);
    CHECK(c.body.substr(seg.links[0].dest_begin, seg.links[0].dest_end - seg.links[0].dest_begin) == c.destination);
    CHECK(seg.html_view.find(c.destination) == std::string::npos);  // the URL is Markdown, not HTML text
  }
}

TEST_CASE("footnote definitions are not reference definitions", "[markdown]") {
  const auto seg = segment_markdown("text[^1]\n\n[^1]: see <b>this</b>\n", 0);
  CHECK(seg.links.empty());
  CHECK(seg.html_view.find("<b>this</b>") != std::string::npos);
}

TEST_CASE("HTML comments are HTML, including multi-line ones", "[markdown]") {
  const std::string body = "<!-- a\n\n    indented -->\n<p>x</p>";
  const auto seg = segment_markdown(body, 0);
  CHECK(seg.html_view == body);  // nothing inside the comment becomes a code block
  CHECK(has_span(seg, SpanKind::html_comment, 0, body.find("-->") + 3));
  // Backticks inside a comment do not open code.
  CHECK(view("<!-- `x --> <b>`") == "<!-- `x --> <b>`");
}

TEST_CASE("an unterminated comment does not stop Markdown scanning", "[markdown]") {
  const auto seg = segment_markdown("<!-- open\n\n<http://a.b/> [t](/x)\n", 0);
  REQUIRE(seg.links.size() == 2);
  CHECK(seg.html_view.find("http") == std::string::npos);
  // kramdown shows an unterminated `<!--` as text: it is recorded for html/unterminated-comment.
  CHECK(seg.html_view.rfind(" !--", 0) == 0);
  REQUIRE(seg.open_comments.size() == 1);
  CHECK(seg.open_comments[0] == 0);
}

TEST_CASE("backslash escapes are not tags", "[markdown]") {
  CHECK(view("a \\<div> b") == "a   div> b");
}

TEST_CASE("markdown: link destinations honour backslash escapes and character references", "[markdown][links]") {
  const al::Document doc = al::parse_document(
      "_posts/2022-01-20-x.md",
      "---\ntitle: x\n---\n[a](https://my\\_site.example.com/p?a=1&amp;b=2) <https://x.example/a&amp;b>\n");
  REQUIRE(doc.links.size() == 2);
  CHECK(doc.links[0].url == "https://my_site.example.com/p?a=1&b=2");
  CHECK(doc.links[1].url == "https://x.example/a&amp;b");  // autolinks are taken literally
}
