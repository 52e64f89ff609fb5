// src/markdown.cpp's reading of HTML in Markdown against the real engine:
// tests/oracle/kramdown-read.rb renders each snippet as Jekyll 4.3.1 does
// (Liquid, then kramdown 2.4 with Jekyll's settings and GFM input; Debian's
// `jekyll`, which scripts/bootstrap --test installs) and lists what kramdown
// made of it. Every snippet must agree on: which tags are markup (in order),
// which end tags are shown as text, which elements kramdown closes itself,
// and how many code spans and blocks there are. Seed: KRAMDOWN_ORACLE_SEED;
// count: KRAMDOWN_ORACLE_COUNT.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "archive_lint/document.hpp"
#include "archive_lint/html.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/json_value.hpp"
#include "archive_lint/markdown.hpp"
#include "archive_lint/text.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

namespace {

// Pieces the generator joins: HTML that is and is not a tag to kramdown,
// Markdown blocks and spans, Liquid blocks, CJK text.
const std::vector<std::string>& pieces() {
  static const std::vector<std::string> p = {
      // tags, end tags, look-alikes
      "<span>", "</span>", "<b>", "</b>", "<i>", "</i>", "<em>", "</em>", "<div>", "</div>", "<div class=\"note\">",
      "<details>", "</details>", "<summary>s</summary>", "<br>", "</br>", "<br/>", "<p>", "</p>", "<Context>",
      "</Context>", "<Runnable>", "List<Map>", "List<?>", "Supplier<? extends T>", "<string, float>", "<font=5>",
      "<a，b>", "<FileMetaData*>", "<SQL及索引。", "friction(0<friction<1.0)", "1 <= 2", "<!-- c -->",
      "<!-- open ->", "<img src=\"a.png\">", "<kbd>Ctrl</kbd>", "<code>x</code>", "<iframe src=x></iframe>",
      "<a href=\"/x\">l</a>", "<x-foo>", "<元素>", "<hr>", "<script>a < b</script>", "<span title='a > b'>",
      "<p class=\"lead\" id=x>", "<a href=) for", "<Node>", "</Node>", "o_{<t})}", "<u>", "</u>", "<table>",
      "</table>", "<td>", "<section>", "</section>",
      // Markdown
      "\n\n", "\n", "\n\n", "# ", "## ", "- ", "1. ", "> ", "    ", "`code <b>`", "``a ` <i> b``", "```\n",
      "```git tag```", "\n```html\n<div>\n```\n", "\n~~~\n<b>\n~~~\n", "[l](http://x)", "[<b>t</b>](/y)",
      "<http://a.b/c>", "<me@example.com>", "$$a<b$$", "\n| a <b> | c |\n|---|---|\n| <i>d | e |\n",
      "\\<b>", "*em*", "**st**", "[^1]", "\n\n[^1]: note\n", "\n\n$$\nx<y\n$$\n\n",
      // Liquid
      "\n{% highlight xml %}\n<?xml version=\"1.0\"?><b>\n{% endhighlight %}\n",
      "\n{% highlight ruby %}\nYAML.load <code>\n{% endhighlight %}\n", "{% comment %}<div>{% endcomment %}",
      "{{ 'v' }}", "{% raw %}<b>{% endraw %}",
      // text
      "中文", "元素", "，", "。", "text ", " and ", "x", " ",
  };
  return p;
}

std::vector<std::string> generated(std::uint64_t seed, std::size_t count) {
  Rng rng{seed ? seed : 1};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string s;
    const std::size_t n = 1 + rng.below(12);
    for (std::size_t k = 0; k < n; ++k) s += pieces()[rng.below(pieces().size())];
    out.push_back(std::move(s) + "\n");
  }
  return out;
}

struct Reading {
  bool skip = false;
  std::vector<std::string> elements, text_end_tags, auto_closed;
  std::int64_t code = 0;
};

std::vector<std::string> strings(const JsonValue* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->as_array()) out.push_back(to_lower_ascii(e.as_string()));
  return out;
}

std::vector<Reading> oracle(const std::vector<std::string>& snippets) {
  TempDir dir;
  std::string input;
  for (std::size_t i = 0; i < snippets.size(); ++i) {
    input += "{\"id\":" + std::to_string(i) + ",\"text\":" + json_escape(snippets[i]) + "}\n";
  }
  spit(dir / "in.jsonl", input);
  const fs::path script = source_dir() / "tests" / "oracle" / "kramdown-read.rb";
  const RunOutput r = run("ruby " + sh_quote(script.string()) + " < " + sh_quote((dir / "in.jsonl").string()), dir.path());
  INFO("the oracle needs ruby and Debian's jekyll package: scripts/bootstrap --test installs them");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<Reading> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    const JsonValue v = parse_json(line);
    Reading reading;
    reading.skip = v.find("skip") != nullptr;
    reading.elements = strings(v.find("elements"));
    reading.text_end_tags = strings(v.find("text_end_tags"));
    reading.auto_closed = strings(v.find("auto_closed"));
    if (const auto* c = v.find("code")) reading.code = c->as_int().value_or(-1);
    out.push_back(std::move(reading));
  }
  REQUIRE(out.size() == snippets.size());
  return out;
}

// The element name at a '<' of text, as written, lower-cased.
std::string name_at(std::string_view text, std::size_t at) {
  std::size_t e = at + 1;
  while (e < text.size() && text[e] != ' ' && text[e] != '>' && text[e] != '/' && text[e] != '\n' && text[e] != '\t') ++e;
  return to_lower_ascii(text.substr(at + 1, e - at - 1));
}

// archive-lint's reading, in the oracle's terms.
Reading ours(const std::string& text) {
  const Segmentation seg = segment_markdown(text, 0);
  const HtmlAnalysis html = analyse_html(seg, 0);
  Reading r;
  (void)html;
  for (const auto at : seg.kramdown_tags) r.elements.push_back(name_at(text, at));
  // kramdown's warnings are compared one per name and line (it repeats some).
  const LineIndex lines(text);
  std::set<std::pair<std::string, std::uint32_t>> seen;
  auto once = [&](std::vector<std::string>& to, std::string name, std::size_t at) {
    if (seen.emplace(name + (&to == &r.auto_closed ? "/closed" : "/text"), lines.line_of(at)).second) to.push_back(std::move(name));
  };
  for (const auto& t : seg.text_tags) once(r.text_end_tags, to_lower_ascii(t.name), t.begin);
  // kramdown warns once for a raw HTML block that never ends: for its innermost open element.
  bool in_group = false;
  for (const auto& c : seg.kramdown_closes) {
    if (c.scope == KramdownCloseScope::block_text) {
      once(r.auto_closed, name_at(text, c.start), c.start);
    } else if (!in_group) {
      once(r.auto_closed, name_at(text, c.start), c.start);
      in_group = c.scope == KramdownCloseScope::document;
    } else if (c.scope == KramdownCloseScope::document_block) {
      in_group = false;
    }
  }
  r.code = std::count_if(seg.spans.begin(), seg.spans.end(),
                         [](const Span& s) { return s.kind == SpanKind::code_span || s.kind == SpanKind::code_block; });
  return r;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return "[" + out + "]";
}

std::string describe(const Reading& r) {
  return "elements " + joined(r.elements) + ", text end tags " + joined(r.text_end_tags) + ", closed by kramdown " +
         joined(r.auto_closed) + ", code " + std::to_string(r.code);
}

bool same(Reading a, Reading b) {
  for (auto* v : {&a.text_end_tags, &a.auto_closed, &b.text_end_tags, &b.auto_closed}) std::sort(v->begin(), v->end());
  return a.elements == b.elements && a.text_end_tags == b.text_end_tags && a.auto_closed == b.auto_closed &&
         a.code == b.code;
}

// The snippets on which archive-lint and kramdown disagree, each printed.
std::size_t disagreements(const std::vector<std::string>& snippets, const std::string& origin, std::size_t* judged) {
  const auto readings = oracle(snippets);
  std::size_t bad = 0;
  *judged = 0;
  for (std::size_t i = 0; i < snippets.size(); ++i) {
    if (readings[i].skip) continue;
    ++*judged;
    const Reading mine = ours(snippets[i]);
    if (same(mine, readings[i])) continue;
    ++bad;
    UNSCOPED_INFO(origin << " snippet " << i << ": " << json_escape(snippets[i]) << "\n  kramdown: "
                         << describe(readings[i]) << "\n  ours:     " << describe(mine));
  }
  return bad;
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("oracle: hand-written HTML in Markdown reads as kramdown reads it", "[oracle][kramdown]") {
  const std::vector<std::string> cases = {
      "A List<Runnable> is here\nand more.\n", "Next para <span>x\n\nafter\n", "1 <= a and <Node> b\n",
      "</br> and <br/> x </div> y\n", "<a，b> <font=5> <string, float> <FileMetaData*> List<?> friction(0<friction<1.0)\n",
      "## json 转换为 List<Map>\n", "| HTML 的 <iframe> | b |\n|---|---|\n| <span>x | y |\n",
      "```git tag```\n\n<div class=\"note\">\n\nhi\n", "<div>\n\n# Head\n\n[l](x) and `<b>` x\n",
      "<p><strong>x</p>\n", "<b><i>x</b></i>\n", "See the <!-- hidden note -> text.\n\n<div>x</div>\n",
      "- <details>\n  <summary>x</summary>\n\n    body\n\n  </details>\n",
      "{% highlight xml %}\n<?xml version=\"1.0\"?><!DOCTYPE x>\n{% endhighlight %}\n",
      "{% highlight ruby %}\nYAML.load <code>\n{% endhighlight %}\n", "$$ o_{<t})} $$\n",
      "<Context>元素 is\nthe [l](y)\n\nnext\n", "text\n<div>\nin *div*\n</div>\nafter\n",
      "use <kbd>Ctrl</kbd> and <code>a<b</code>\n", "> quoted <span>x\n> more</span>\n",
      "<div markdown=\"1\">\n**x** <b>y\n</div>\n", "<script>if (a < b) {}</script>\n\nx <i>\n",
  };
  std::size_t judged = 0;
  CHECK(disagreements(cases, "hand-written", &judged) == 0);
  CHECK(judged == cases.size());
}

TEST_CASE("oracle: every Markdown fixture of the html rules reads as kramdown reads it", "[oracle][kramdown]") {
  std::vector<std::string> bodies;
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(source_dir() / "tests" / "fixtures" / "html")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".md" || entry.path().filename() == "README.md") continue;
    const std::string text = slurp(entry.path());
    const Document doc = parse_document(entry.path().filename().string(), text);
    bodies.push_back(text.substr(doc.body_offset));
    names.push_back(entry.path().filename().string());
  }
  REQUIRE(bodies.size() >= 20);
  std::size_t judged = 0;
  CHECK(disagreements(bodies, "fixture", &judged) == 0);
  CHECK(judged == bodies.size());
}

TEST_CASE("oracle: generated HTML, Markdown, Liquid and CJK mixes read as kramdown reads them", "[oracle][kramdown]") {
  const std::uint64_t seed = env_number("KRAMDOWN_ORACLE_SEED", 20261204);
  const std::size_t count = env_number("KRAMDOWN_ORACLE_COUNT", 5000);
  std::size_t judged = 0;
  const std::size_t bad = disagreements(generated(seed, count), "seed " + std::to_string(seed), &judged);
  WARN("generated (seed " << seed << "): " << count << " snippets, " << judged << " judged, " << bad
                          << " disagree");
  // A ratchet, not the goal (0): with the default seed and count 13 snippets
  // still disagree, all where a list item, blockquote or footnote definition
  // takes the next lines lazily (docs/markdown.md, "Known differences").
  // Fewer is progress; lower the bound with the fix.
  if (seed == 20261204 && count == 5000) CHECK(bad <= 13);
  CHECK(judged * 10 >= count * 9);  // Liquid refuses few of them
}
