// src/liquid.cpp's spans and errors, and the jekyll/liquid-* rules under the
// jekyll and news-archive presets. Agreement with the real engine: liquid_oracle_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/liquid.hpp"
#include "archive_lint/runner.hpp"
#include "archive_lint/text.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

namespace {

const std::string kFront = "---\nlayout: post\ntitle: x\ndate: 2022-01-20 13:12:24 +0800\n---\n";

liquid::ParseResult parse(std::string_view text) { return liquid::parse(text, 0, liquid::KnownTags::jekyll()); }

std::vector<Diagnostic> lint_with(const std::string& config, const std::string& body) {
  const Config c = parse_config(config, "/nonexistent/.archive-lint.yml");
  const auto checks = instantiate_checks(c);
  std::vector<Diagnostic> out;
  check_document(parse_document("_posts/2022-01-20-x.md", kFront + body), checks, out);
  return out;
}

std::vector<Diagnostic> liquid_findings(const std::string& config, const std::string& body) {
  auto all = lint_with(config, body);
  std::vector<Diagnostic> out;
  for (auto& d : all) {
    if (d.rule_id.rfind("jekyll/liquid", 0) == 0) out.push_back(std::move(d));
  }
  return out;
}

std::string repeat(const std::string& unit, std::size_t size) {
  std::string out;
  while (out.size() < size) out += unit;
  return out;
}

}  // namespace

TEST_CASE("liquid: spans carry byte offsets of output, tags, raw and comment blocks", "[liquid]") {
  const std::string t = "a {{ x }} {%- if y -%}b{% endif %} {% raw %}{{{% endraw %} {% comment %}{% foo %}{% endcomment %}";
  const auto r = parse(t);
  REQUIRE_FALSE(r.failed());
  REQUIRE(r.spans.size() == 6);  // the comment's `{% foo %}` too: Liquid 5.4 tokenizes comments
  CHECK(r.spans[0].kind == liquid::SpanKind::output);
  CHECK(t.substr(r.spans[0].begin, r.spans[0].end - r.spans[0].begin) == "{{ x }}");
  CHECK(t.substr(r.spans[1].begin, r.spans[1].end - r.spans[1].begin) == "{%- if y -%}");
  CHECK(t.substr(r.spans[2].begin, r.spans[2].end - r.spans[2].begin) == "{% endif %}");
  CHECK(r.spans[3].kind == liquid::SpanKind::raw_block);
  CHECK(t.substr(r.spans[3].begin, r.spans[3].end - r.spans[3].begin) == "{% raw %}{{{% endraw %}");
  CHECK(r.spans[4].kind == liquid::SpanKind::comment_block);
  CHECK(r.spans[4].end == t.size());
  CHECK(t.substr(r.spans[5].begin, r.spans[5].end - r.spans[5].begin) == "{% foo %}");
  // The base shifts every offset (the body's place in the file).
  const auto shifted = liquid::parse(t, 100, liquid::KnownTags::jekyll());
  CHECK(shifted.spans[0].begin == r.spans[0].begin + 100);
}

TEST_CASE("liquid: each error has its kind, at the token Liquid stops at", "[liquid]") {
  using K = liquid::ErrorKind;
  const std::vector<std::pair<std::string, K>> cases = {
      {"x {{ total", K::unterminated_output}, {"{{ a } b }}", K::unterminated_output},
      {"{% %}", K::unterminated_tag},         {"a {%", K::unterminated_tag},
      {"{% foo %}", K::unknown_tag},          {"{% for x in y %}", K::never_closed},
      {"{% if a %}{% endfor %}", K::wrong_end_tag}, {"{% endif %}", K::wrong_end_tag},
      {"{% else %}", K::unexpected_else},     {"{% capture a %}{% else %}{% endcapture %}", K::unexpected_else},
      {"{% for x %}{% endfor %}", K::malformed_tag}, {"{% include a.html x %}", K::malformed_tag},
      {"{% raw %}x{%- endraw %}", K::never_closed},
  };
  for (const auto& [text, kind] : cases) {
    INFO(text);
    const auto r = parse(text);
    REQUIRE(r.failed());
    CHECK(r.errors.front().kind == kind);
  }
  const auto r = parse("ab {% foo %}");
  CHECK(r.errors.front().begin == 3);
  CHECK(r.errors.front().end == 12);
  CHECK(r.errors.front().tag == "foo");
}

TEST_CASE("liquid: a wrong end tag that names an outer block closes it, so the rest is not misread", "[liquid]") {
  const auto r = parse("{% for x in y %}{% if a %}{% endfor %}{% if b %}{% endif %}");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].kind == liquid::ErrorKind::wrong_end_tag);
  CHECK(r.errors[0].block == "if");
}

TEST_CASE("liquid: linear on hostile shapes, and the nesting limit stops the parse", "[liquid][hostile][limits]") {
  const std::size_t mib = 1 << 20;
  const std::vector<std::string> shapes = {
      repeat("{%", mib),  repeat("{{", mib), repeat("{% if x %}", mib), "{% raw %}" + repeat("{%{{", mib),
      repeat("{{ }", mib), "{% if " + repeat("a and ", mib) + "%}{% endif %}", "{% if " + repeat(" ", mib) + "%}",
      "{% highlight " + repeat("a \n", mib) + "%}{% endhighlight %}", "{% liquid\n" + repeat("if x\n", mib) + "%}",
      "{% comment %}" + repeat("{% foo %}", mib), "{% # " + repeat("\n #", mib) + "%}",
      "{% for x in " + repeat("[", mib) + " %}", repeat("{% tablerow in in in %}", mib),
      "{% include " + repeat("{{ a |", mib) + " %}", "{% include " + repeat("{{ a }}", mib) + " %}",
      "{% include " + repeat("{{ a ", mib) + " %}",
  };
  for (const auto& text : shapes) {
    INFO(text.substr(0, 24) << " (" << text.size() << " bytes)");
    const auto start = std::chrono::steady_clock::now();
    const auto r = parse(text);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    CHECK(r.steps <= 4 * text.size() + 64);
    CHECK(ms < 3000);
    CHECK(r.errors.size() <= liquid::kMaxErrors);
    CHECK(r.spans.size() <= liquid::kMaxSpans);
  }
  const auto deep = parse(repeat("{% if x %}", mib));
  REQUIRE(deep.errors.size() == 1);
  CHECK(deep.errors[0].kind == liquid::ErrorKind::nesting_too_deep);
}

TEST_CASE("jekyll/liquid-syntax: valid Liquid gets no finding under the jekyll preset", "[liquid][jekyll]") {
  const std::string body =
      "{% include x.html %}\n{% assign n = 1 %}{{ n }}\n{% capture b %}x{% endcapture %}{{ b }}\n"
      "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n{% link _posts/2020-01-01-a.md %}\n"
      "{% comment %} {% foo %} {% endcomment %}\n{{ site.url }}/x {{ page.title }}\n价格 {{ price }} 元\n"
      "{% for p in site.posts %}{{ p.title }}{% else %}none{% endfor %}\n";
  CHECK(liquid_findings("extends: jekyll\n", body).empty());
}

TEST_CASE("jekyll/liquid-syntax: the build-breakers, each with its own message", "[liquid][jekyll]") {
  const auto ds = liquid_findings("extends: jekyll\n",
                                  "{% for x in y %}\n{{ x }}\n\n{% foo %}\n{% if a %}{% endunless %}{% endif %}\n{{ total\n");
  REQUIRE(ds.size() == 4);
  CHECK(ds[0].message.find("unknown Liquid tag 'foo'") == 0);
  CHECK(ds[0].start.line == 9);
  CHECK(ds[1].message.find("'endunless' is not a valid delimiter for if tags") == 0);
  CHECK(ds[2].message.find("`{{` is not closed by `}}`") == 0);
  CHECK(ds[3].message.find("'for' tag was never closed") == 0);
  CHECK(ds[3].start.line == 6);
  for (const auto& d : ds) CHECK(d.severity == Severity::error);
}

TEST_CASE("jekyll/liquid-syntax: messages stay one line of valid UTF-8", "[liquid][jekyll]") {
  const auto ds = liquid_findings("extends: jekyll\n", "{% " + repeat("中文", 200) + "\n" + repeat("中", 30) + " %}\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find('\n') == std::string::npos);
  CHECK_FALSE(find_invalid_utf8(ds[0].message).has_value());
  CHECK(ds[0].message.find("…") != std::string::npos);
}

TEST_CASE("jekyll/liquid-syntax: plugin tags and blocks from the options are known", "[liquid][jekyll]") {
  const std::string body = "{% gist 1234 %}\n{% mycallout %}x{% endmycallout %}\n";
  CHECK(liquid_findings("extends: jekyll\n", body).size() == 3);  // gist, mycallout, endmycallout
  const auto ds = liquid_findings(
      "extends: jekyll\nrules:\n  jekyll/liquid-syntax:\n    tags: [gist]\n    blocks: [mycallout]\n", body);
  CHECK(ds.empty());
  // A block listed as a block needs its end tag.
  const auto open = liquid_findings(
      "extends: jekyll\nrules:\n  jekyll/liquid-syntax:\n    blocks: [mycallout]\n", "{% mycallout %}\n");
  REQUIRE(open.size() == 1);
  CHECK(open[0].message.find("'mycallout' tag was never closed") == 0);
}

TEST_CASE("jekyll/liquid-in-code: braces in code are a warning; render_with_liquid: false turns both rules off",
          "[liquid][jekyll]") {
  const std::string body = "```java\n\"Hello, {{name}}!\"\n```\n\nSee `{{ x }}` and {{ page.title }}.\n";
  const auto ds = liquid_findings("extends: jekyll\n", body);
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].rule_id == "jekyll/liquid-in-code");
  CHECK(ds[0].severity == Severity::warning);
  CHECK(ds[0].message.find("in a code block") != std::string::npos);
  CHECK(ds[1].message.find("in a code span") != std::string::npos);
  CHECK(liquid_findings("extends: jekyll\n", "{% raw %}\n```\n{{name}}\n```\n{% endraw %}\n").empty());
  const std::string front_off = "---\nlayout: post\ntitle: x\nrender_with_liquid: false\n---\n";
  std::vector<Diagnostic> out;
  const Config c = parse_config("extends: jekyll\n", "/nonexistent/.archive-lint.yml");
  check_document(parse_document("_posts/2022-01-20-x.md", front_off + body + "{% foo %}\n"), instantiate_checks(c), out);
  CHECK(std::none_of(out.begin(), out.end(), [](const Diagnostic& d) { return d.rule_id.rfind("jekyll/liquid", 0) == 0; }));
}

TEST_CASE("news-archive: any Liquid is still an error, in prose and in code", "[liquid][jekyll]") {
  const auto ds = liquid_findings("extends: news-archive\n",
                                  "<p>{{ price }} {% include a.html %}</p>\n\n```\n{{name}}\n```\n");
  REQUIRE(ds.size() == 3);
  auto has = [&](const char* rule, const char* start) {
    return std::any_of(ds.begin(), ds.end(),
                       [&](const Diagnostic& d) { return d.rule_id == rule && d.message.find(start) == 0; });
  };
  CHECK(has("jekyll/liquid-syntax", "Liquid output `{{ price }}`"));
  CHECK(has("jekyll/liquid-syntax", "Liquid tag `{% include a.html %}` runs at build time"));
  CHECK(has("jekyll/liquid-in-code", "Liquid `{{name}}` in a code block"));
  for (const auto& d : ds) CHECK(d.severity == Severity::error);
}
