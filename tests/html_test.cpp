// html/* checks: rule, line and column for broken fixtures, nothing on clean look-alikes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/html.hpp"
#include "support.hpp"
#include "archive_lint/runner.hpp"

using namespace al;

namespace {

const std::string kFront = "---\nlayout: post\ntitle: \"t\"\ndate: 2022-01-20 13:12:24 +0800\n---\n";  // body on line 6

std::vector<Diagnostic> lint(const std::string& text, const std::string& config_text = "",
                             const std::string& path = "_posts/2022-01-20-x.md") {
  const Config config = config_text.empty() ? default_config(".") : parse_config(config_text, "cfg.yml");
  const auto checks = instantiate_checks(config);
  const Document doc = parse_document(path, text);
  std::vector<Diagnostic> out;
  check_document(doc, checks, out);
  return out;
}

std::vector<Diagnostic> html_findings(const std::string& text, const std::string& config_text = "") {
  std::vector<Diagnostic> out;
  for (auto& d : lint(text, config_text)) {
    if (d.rule_id.rfind("html/", 0) == 0) out.push_back(std::move(d));
  }
  return out;
}

std::string describe(const std::vector<Diagnostic>& ds) {
  std::ostringstream s;
  for (const auto& d : ds) s << d.rule_id << " " << d.start.line << ":" << d.start.column << " " << d.message << "\n";
  return s.str();
}

// Exactly one html finding, with this rule at this line and column. A
// Markdown post unless the path says otherwise: an .html post is HTML as
// written, with the browser's rules only.
void expect_one(const std::string& body, const std::string& rule, std::uint32_t line, std::uint32_t column,
                const std::string& config_text = "", const std::string& path = "_posts/2022-01-20-x.md") {
  std::vector<Diagnostic> ds;
  for (auto& d : lint(kFront + body, config_text, path)) {
    if (d.rule_id.rfind("html/", 0) == 0) ds.push_back(std::move(d));
  }
  INFO(body);
  INFO(describe(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].rule_id == rule);
  CHECK(ds[0].start.line == line);
  CHECK(ds[0].start.column == column);
}

void expect_clean(const std::string& body, const std::string& config_text = "",
                  const std::string& path = "_posts/2022-01-20-x.md") {
  std::vector<Diagnostic> ds;
  for (auto& d : lint(kFront + body, config_text, path)) {
    if (d.rule_id.rfind("html/", 0) == 0) ds.push_back(std::move(d));
  }
  INFO(body);
  INFO(describe(ds));
  CHECK(ds.empty());
}

const std::string kHtmlPost = "_posts/2022-01-20-x.html";

}  // namespace

TEST_CASE("html/unclosed-element", "[html]") {
  expect_one("<p>ok</p>\n<p><strong>x</p>\n", "html/unclosed-element", 7, 4);
  expect_one("<p>a</p>\n<div>\n<p>b</p>\n", "html/unclosed-element", 7, 1);
  expect_one("<div><span>x</div>\n", "html/unclosed-element", 6, 6);
  const auto ds = html_findings(kFront + "<p><strong>x</p>\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("<strong>") != std::string::npos);
  CHECK(ds[0].severity == Severity::error);
}

TEST_CASE("html/stray-end-tag", "[html]") {
  expect_one("<p>a</p></div>\n", "html/stray-end-tag", 6, 9);
  expect_one("text\n\n</p>\n", "html/stray-end-tag", 8, 1);
  expect_one("<p>a</p>\n <p>b</b></p>\n", "html/stray-end-tag", 7, 6);
}

TEST_CASE("html/misnested", "[html]") {
  expect_one("<b><i>x</b></i>\n", "html/misnested", 6, 8);
  expect_one(" <p><strong><em>s</strong></em></p>\n", "html/misnested", 6, 18);
  expect_one("<span><div>x</span></div>\n", "html/misnested", 6, 13, "", kHtmlPost);
  const auto ds = html_findings(kFront + "<b><i>x</b></i>\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("</b>") != std::string::npos);
  CHECK(ds[0].message.find("<i>") != std::string::npos);
}

TEST_CASE("html/duplicate-attribute", "[html]") {
  expect_one("<p class=\"lead\" class=\"intro\">x</p>\n", "html/duplicate-attribute", 6, 17);
  expect_one("<img src=\"a.png\" alt=x SRC=\"b.png\">\n", "html/duplicate-attribute", 6, 24);
  expect_one("<img src=a.png alt=x SRC=b.png>\n", "html/duplicate-attribute", 6, 22, "", kHtmlPost);
  const auto ds = html_findings(kFront + "<p class=\"lead\" class=\"intro\">x</p>\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("kramdown keeps only the last one") != std::string::npos);
}

TEST_CASE("html/unterminated-comment", "[html]") {
  expect_one("<p>a</p>\n<!-- TODO\n<p>b</p>\n", "html/unterminated-comment", 7, 1);
}

TEST_CASE("html/invalid-character-reference", "[html]") {
  expect_one("<p>a &nbps; b</p>\n", "html/invalid-character-reference", 6, 6);
  expect_one("<p>&#xD800;</p>\n", "html/invalid-character-reference", 6, 4);
  expect_one("<p>&#;</p>\n", "html/invalid-character-reference", 6, 4);
  expect_one("<p>&copy 2022</p>\n", "html/invalid-character-reference", 6, 4);
  expect_one("<a href=\"/x?a=1&amp;b=&bogus;\">x</a>\n", "html/invalid-character-reference", 6, 23);
}

TEST_CASE("html/tokenizer-error", "[html]") {
  // In an .html post the browser reads the source as written.
  expect_one("<p>收益率<3%</p>\n", "html/tokenizer-error", 6, 7, "", kHtmlPost);
  expect_one("<p class=a\"b>x</p>\n", "html/tokenizer-error", 6, 11, "", kHtmlPost);
  expect_one("<p class=\"a\"id=\"b\">x</p>\n", "html/tokenizer-error", 6, 13, "", kHtmlPost);
  expect_one("<p>a</p> <? php ?>\n", "html/tokenizer-error", 6, 10, "", kHtmlPost);
  expect_one("<p>a</p>\n<!-- a --!>\n", "html/tokenizer-error", 7, 8, "", kHtmlPost);
  // kramdown writes a bare '<' as &lt;, and every tag it reads anew; a tag it
  // does not read is shown as text.
  expect_clean("<p>收益率<3%</p>\n");
  expect_one("<p class=a\"b>x</p>\n", "html/tokenizer-error", 6, 1);
  expect_one("see <img src=a.png alt=x> here\n", "html/tokenizer-error", 6, 5);
}

TEST_CASE("html/void-end-tag", "[html]") {
  expect_one("<p>a<br></br>b</p>\n", "html/void-end-tag", 6, 9);
  expect_one("<img src=\"a.png\"></img>\n", "html/void-end-tag", 6, 18);
}

TEST_CASE("html/implicitly-closed is a separate warning", "[html]") {
  expect_one("<p>a<div>b</div>\n", "html/implicitly-closed", 6, 5, "", kHtmlPost);
  expect_one("<h1>a<h2>b</h2>\n", "html/implicitly-closed", 6, 6, "", kHtmlPost);
  std::vector<Diagnostic> ds;
  for (auto& d : lint(kFront + "<p>a<ul><li>x</li></ul>\n", "", kHtmlPost))
    if (d.rule_id.rfind("html/", 0) == 0) ds.push_back(std::move(d));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].severity == Severity::warning);
  CHECK(ds[0].message.find("<ul>") != std::string::npos);
  // In Markdown kramdown never sees the <p> closed: the rest of the post is HTML to it.
  const auto md = html_findings(kFront + "<p>a<div>b</div>\n");
  REQUIRE(md.size() == 2);
  const auto unclosed = std::find_if(md.begin(), md.end(), [](const Diagnostic& d) { return d.rule_id == "html/unclosed-element"; });
  REQUIRE(unclosed != md.end());
  CHECK(unclosed->message.find("converts none of the Markdown") != std::string::npos);
}

TEST_CASE("html/disallowed-element and html/disallowed-attribute follow the allowlist", "[html]") {
  const std::string news = "extends: news-archive\n";
  auto only_html = [](const std::vector<Diagnostic>& ds) {
    std::vector<Diagnostic> out;
    for (const auto& d : ds)
      if (d.rule_id.rfind("html/disallowed", 0) == 0) out.push_back(d);
    return out;
  };
  auto ds = only_html(html_findings(kFront + "<p>a</p>\n<script>alert(1)</script>\n<iframe src=\"//x\"></iframe>\n", news));
  INFO(describe(ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].rule_id == "html/disallowed-element");
  CHECK(ds[0].severity == Severity::warning);
  CHECK(ds[0].start.line == 7);
  CHECK(ds[1].start.line == 8);
  CHECK(ds[1].message.find("<iframe>") != std::string::npos);
  ds = only_html(html_findings(kFront + "<p onclick=\"go()\">a</p>\n", news));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].rule_id == "html/disallowed-attribute");
  CHECK(ds[0].start.column == 4);
  CHECK(ds[0].message.find("onclick") != std::string::npos);
  // The default (jekyll) preset allows everything.
  CHECK(html_findings(kFront + "<script>x()</script><p onclick=\"y\">a</p>\n").empty());
  // Options are the rule's own: a custom deny list.
  ds = html_findings(kFront + "<p><font color=red>a</font></p>\n",
                     "rules:\n  html/disallowed-element:\n    deny: [font]\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].rule_id == "html/disallowed-element");
}

TEST_CASE("data-archive-lint-ignore silences an element and its content", "[html]") {
  expect_clean("<div data-archive-lint-ignore><p><b>x</p><i>y</div>\n<p>ok</p>\n");
  expect_clean("<script data-archive-lint-ignore>x()</script>\n", "extends: news-archive\n");
  // A list of rules only silences those.
  expect_one("<div data-archive-lint-ignore=\"html/misnested\"><p><b>x</p></div>\n", "html/unclosed-element", 6, 51);
  // Outside the element, findings are reported as usual.
  expect_one("<div data-archive-lint-ignore><b>x</div>\n<b><i>x</b></i>\n", "html/misnested", 7, 8, "", kHtmlPost);
  expect_one("<div data-archive-lint-ignore><b>x</b></div>\n\n<b><i>x</b></i>\n", "html/misnested", 8, 8);
}

TEST_CASE("clean look-alikes give no findings", "[html]") {
  expect_clean("<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW1&a=2&b=3>\n");
  expect_clean("<http://x.cn/?a=1&b=2>\n\n[返回](//finews.withounder.com/)｜[返回首页](//finews.withounder.com/)\n");
  expect_clean("Use `<div>` and ``<p>`x`</b>`` in code.\n");
  expect_clean("```html\n<div><b>\n</p>\n```\n\n~~~\n</div>\n~~~\n");
  expect_clean("para\n\n    code </div> <b>\n\nmore\n");
  expect_clean("<!-- a comment with <b> and </div> -->\n<!--\nmulti\n\nline </p>\n-->\n<p>x</p>\n");
  expect_clean("<p>a<br>b<br/>c<br />d<img src=\"a.png\" alt=\"x\" /><wbr></p><hr><hr/>\n");
  expect_clean("<table><tr><td>a<td>b</tr><tr><th>c</table>\n", "", kHtmlPost);
  expect_clean("<table>\n<thead><tr><th>h</th></tr></thead>\n<tr><td>x</td></tr>\n</table>\n");
  expect_clean("<ul><li>a<li>b</ul><dl><dt>t<dd>d</dl><p>a<p>b\n", "", kHtmlPost);
  expect_clean("<select><option>a<option>b<optgroup label=x><option>c</select>\n", "", kHtmlPost);
  expect_clean("<p>&nbsp;&amp;&lt;&#169;&#x4E2D;&copy; AT&T a & b</p><a href=\"?a=1&b=2&copy=3\">x</a>\n");
  expect_clean("AT&T and &bogus; and 1 < 2 in Markdown text\n");
  expect_clean("<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\"/><circle r=\"1\"></circle></svg>\n");
  expect_clean("<script>if (a < b && c) { document.write('</p>'); }</script>\n<style>p>b{}</style>\n");
  expect_clean("<textarea><b>not a tag</textarea><title>&amp;</title>\n", "", kHtmlPost);
  expect_clean("<div><p>text</div>\n<p>last\n", "", kHtmlPost);
  expect_clean("<P CLASS=\"x\">upper</p>\n");
  // Look-alikes kramdown writes as text, as their authors meant.
  expect_clean("A List&lt;T> and `List<T>` and the HTML 的 <iframe></iframe> tag in prose\n");
  expect_clean("<a，b> <font=5> <string, float> <FileMetaData*> List<?> friction(0<friction<1.0) 1 <= 2\n");
  expect_clean("## json 转换为 List<Map>\n\n| HTML 的 <iframe> | b |\n|---|---|\n| x | y |\n");
  expect_clean("{% highlight xml %}\n<?xml version=\"1.0\"?><!DOCTYPE x><a>\n{% endhighlight %}\n");
  expect_clean("$$ o_{<t})} $$ in text\n");
  expect_clean("[t](/x \"title <b>\") and ![alt <i>](/i.png)\n\n[r]: /y\n");
}

TEST_CASE("the example posts are clean", "[html]") {
  // The two post shapes of the news archive (copies of the archive's own
  // posts); the other files in examples/_posts carry defects on purpose.
  for (const char* name : {"2022-01-20-NW202201202254890865.md", "2022-01-21-NW202201210000000001.md"}) {
    const auto path = al::test::source_dir() / "examples" / "_posts" / name;
    const auto ds = lint(al::test::slurp(path), "extends: news-archive\n", std::string("_posts/") + name);
    INFO(path.string());
    INFO(describe(ds));
    CHECK(ds.empty());
  }
}

TEST_CASE("positions count front matter, CRLF and multi-byte text", "[html]") {
  const std::string text =
      "---\r\nlayout: post\r\ntitle: \"标题\"\r\ndate: 2022-01-20 13:12:24 +0800\r\n---\r\n"
      "<p>第一段</p>\r\n"
      " <p>中文😀<b><i>x</b></i></p>\r\n";
  const auto ds = html_findings(text);
  INFO(describe(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].rule_id == "html/misnested");
  CHECK(ds[0].start.line == 7);
  // " <p>" 4 + "中文😀" 3 code points (4 UTF-16 units) + "<b><i>x" 7
  CHECK(ds[0].start.column == 15);
  CHECK(ds[0].start.column_utf16 == 16);
  CHECK(ds[0].start.offset == text.find("</b>"));
  CHECK(ds[0].source_line == " <p>中文😀<b><i>x</b></i></p>");
}

TEST_CASE("SARIF columns are UTF-16 code units as declared", "[html]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "archive-lint-html-sarif";
  fs::create_directories(dir / "_posts");
  {
    std::ofstream out(dir / "_posts" / "2022-01-20-x.md", std::ios::binary);
    out << kFront << "<p>😀中<b><i>x</b></i></p>\n";
  }
  const fs::path report = dir / "out.sarif";
  const std::string cmd = std::string("cd '") + dir.string() + "' && '" + ARCHIVE_LINT_BINARY +
                          "' check _posts --format sarif -o '" + report.string() + "'";
  (void)std::system(cmd.c_str());
  std::ifstream in(report);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string sarif = ss.str();
  CHECK(sarif.find("\"columnKind\": \"utf16CodeUnits\"") != std::string::npos);
  CHECK(sarif.find("html/misnested") != std::string::npos);
  // "<p>" 3 + 😀 (2 units) + 中 (1) + "<b><i>x" 7 -> column 14
  CHECK(sarif.find("\"startColumn\": 14") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("link extraction from HTML keeps its fields", "[html][links]") {
  const std::string text = kFront +
                           "<p><a href=\" /a?x=1&amp;y=2 \">see <b>this</b> &amp; that</a>"
                           "<img src='//i/1.jpg' alt=\"图 &lt;1&gt;\" srcset=\"/s1.jpg 1x, /s2.jpg 2x\"></p>\n"
                           "<script src=\"//cdn/x.js\"></script>\n`<a href=\"/code\">`\n";
  const Document doc = parse_document("_posts/2022-01-20-x.md", text);
  REQUIRE(doc.links.size() == 5);
  CHECK(doc.links[0].url == "/a?x=1&y=2");
  CHECK(doc.links[0].element == "a");
  CHECK(doc.links[0].attribute == "href");
  CHECK(doc.links[0].role == LinkRole::in_text);
  CHECK(doc.links[0].origin == LinkOrigin::html_attribute);
  CHECK(doc.links[0].text == "see this & that");
  CHECK(text.substr(doc.links[0].begin, doc.links[0].end - doc.links[0].begin) == "/a?x=1&amp;y=2");  // as written, without the spaces around it
  CHECK(doc.links[1].url == "//i/1.jpg");
  CHECK(doc.links[1].role == LinkRole::image);
  CHECK(doc.links[1].text == "图 <1>");
  CHECK(text.substr(doc.links[1].begin, doc.links[1].end - doc.links[1].begin) == "//i/1.jpg");
  CHECK(doc.links[2].url == "/s1.jpg");
  CHECK(doc.links[2].attribute == "srcset");
  CHECK(doc.links[3].url == "/s2.jpg");
  CHECK(doc.links[4].url == "//cdn/x.js");
  CHECK(doc.links[4].role == LinkRole::resource);
  CHECK(text.substr(doc.links[4].begin, doc.links[4].end - doc.links[4].begin) == "//cdn/x.js");
}

TEST_CASE("decode_html_text", "[html]") {
  CHECK(decode_html_text("a&amp;b&lt;&#x4E2D;&#20013;&notit;&copy") == "a&b<中中¬it;©");
  CHECK(decode_html_text("&#128;&bogus;") == "€&bogus;");
}

TEST_CASE("the analysis survives hostile markup and keeps offsets in range", "[html]") {
  static constexpr char kAlphabet[] = "<>/!-?&#x;=\"' \n\r`[]()ab1pdivbr\t@:*\\~";
  std::uint32_t state = 12345;
  for (int round = 0; round < 3000; ++round) {
    std::string body;
    const int len = 1 + static_cast<int>(state % 80);
    for (int k = 0; k < len; ++k) {
      state = state * 1664525u + 1013904223u;
      body.push_back(kAlphabet[(state >> 16) % (sizeof(kAlphabet) - 1)]);
    }
    const std::string text = kFront + body;
    const Document doc = parse_document("_posts/2022-01-20-x.md", text);
    for (const auto& issue : doc.html_analysis.issues) {
      INFO(body);
      REQUIRE(issue.begin >= doc.body_offset);
      REQUIRE(issue.end <= text.size());
      REQUIRE(issue.begin <= issue.end);
    }
    for (const auto& link : doc.links) REQUIRE(link.end <= text.size());
  }
}
