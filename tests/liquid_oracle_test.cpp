// src/liquid.cpp against the real engine: tests/oracle/liquid-parse.rb runs
// Liquid::Template.parse with Jekyll 4.3.1 loaded (Debian's `jekyll`, which
// scripts/bootstrap --test installs), and every snippet must get the same
// answer to "does `jekyll build` fail on it". Seed: LIQUID_ORACLE_SEED.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "archive_lint/liquid.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Pieces the generator joins: valid and broken Liquid, Markdown code, CJK text.
const std::vector<std::string>& pieces() {
  static const std::vector<std::string> p = {
      "{{ x }}", "{{ site.url }}/x", "{{ page.title | upcase }}", "{{", "}}", "{%", "%}", "{", "}", "%", "{{ x }",
      "{{- y -}}", "{{}}", "{{}", "{{ a } b }}", "{{% if %}", "{% if x %}", "{%- if x -%}", "{%if a%}", "{% endif %}",
      "{% elsif a == 1 %}", "{% elsif %}", "{% else %}", "{% else x %}", "{% if x and %}", "{% if a or b %}",
      "{% if %}", "{% if 'a %}", "{% unless x %}", "{% endunless %}", "{% for i in y %}", "{% for i in (1..3) %}",
      "{% for i %}", "{% for i in %}", "{% for i in y reversed limit:2 %}", "{% endfor %}", "{% break %}",
      "{% continue %}", "{% raw %}", "{% endraw %}", "{%- endraw -%}", "{% endraw -%}", "{% raw x %}",
      "{% comment %}", "{% endcomment %}", "{% comment x %}", "{% case x %}", "{% case %}", "{% when 1 %}",
      "{% when 1, 2 %}", "{% when %}", "{% endcase %}", "{% assign a = 1 %}", "{% assign a %}", "{% assign = 1 %}",
      "{% assign a[0] = b | plus: 1 %}", "{% capture c %}", "{% capture %}", "{% endcapture %}",
      "{% include a.html %}", "{% include a.html k=\"v\" j='w' n=1 %}", "{% include a.html k %}",
      "{% include {{ page.inc }} %}", "{% include {{ page.inc }} x %}", "{% include {{ a | b }} }} c=d %}", "{% include_relative b.md x=y %}", "{% highlight ruby %}",
      "{% highlight ruby linenos %}", "{% highlight %}", "{% highlight c hl_lines=\"1 2\" %}", "{% endhighlight %}",
      "{% post_url 2020-01-01-x %}", "{% post_url /2020/2020-01-01-x %}", "{% post_url foo %}", "{% link a.md %}",
      "{% foo %}", "{% endfoo %}", "{% end %}", "{% IF x %}", "{% # c %}", "{%# c %}", "{% # a\n b %}",
      "{% # a\n # b %}", "{% liquid\nif x\necho y\nendif %}", "{% liquid\nif x %}", "{% liquid\nendif %}",
      "{% liquid\nassign a = 1\n{{ x }} %}", "{% liquid comment\nx y\nendcomment %}", "{% tablerow r in t %}",
      "{% tablerow %}", "{% endtablerow %}", "{% cycle 'a','b' %}", "{% cycle %}", "{% cycle , %}",
      "{% render 'x' %}", "{% render x %}", "{% echo x %}", "{% increment n %}", "{% decrement n %}",
      "{% ifchanged %}", "{% endifchanged %}", "{% %}", "{%-%}", "{%}", "中文 ", "日本語の{{ 変数 }}", "{% if é %}",
      "{% 中 %}", "```\n", "```java\n\"Hello, {{name}}!\"\n```\n", "`{{ x }}`", "\n", "text ", "    {{ x }}\n",
      " and ", "{% if a and b or c %}", "{% if a == \"x y\" %}", "{% if , %}", "{% if a and %}", "{% if | %}",
  };
  return p;
}

// Pieces that parse on their own, and block tags to wrap them in.
const std::vector<std::string>& valid_pieces() {
  static const std::vector<std::string> p = {
      "{{ x }}", "{{ site.url }}/x", "{{ page.title | upcase }}", "{{- y -}}", "{{}}", "{{ x }}}", "} %} text",
      "{% assign a = 1 %}", "{% assign a[0] = b | plus: 1 %}", "{% include a.html %}",
      "{% include a.html k=\"v\" j='w' n=1 %}", "{% include_relative b.md x=y %}", "{% post_url 2020-01-01-x %}",
      "{% link a.md %}", "{% # c %}", "{% # a\n # b %}", "{% liquid\nif x\necho y\nendif %}", "{% cycle 'a','b' %}",
      "{% render 'x' %}", "{% echo x %}", "{% increment n %}", "{% raw %}{{ x {% foo %}{% endraw %}",
      "{% comment %}{% foo %}{% else %}{% endcomment %}", "中文 ", "日本語の{{ 変数 }}", "```\n", "`{{ x }}`", "\n",
      "text ", "    {{ x }}\n", " and ", "{", "}", "%",
  };
  return p;
}
const std::vector<std::pair<std::string, std::string>>& blocks() {
  static const std::vector<std::pair<std::string, std::string>> b = {
      {"{% if a and b or c %}", "{% else %}x{% endif %}"}, {"{% if a == \"x y\" %}", "{% elsif b %}{% endif %}"},
      {"{% unless x %}", "{% endunless %}"}, {"{% for i in (1..3) %}", "{% else %}{% endfor %}"},
      {"{% for i in y reversed limit:2 %}", "{% break %}{% endfor %}"}, {"{% case x %}{% when 1, 2 %}", "{% endcase %}"},
      {"{% capture c %}", "{% endcapture %}"}, {"{% highlight ruby linenos %}", "{% endhighlight %}"},
      {"{% highlight c hl_lines=\"1 2\" %}", "{% endhighlight %}"}, {"{% tablerow r in t %}", "{% endtablerow %}"},
      {"{% ifchanged %}", "{% endifchanged %}"}, {"{%- if x -%}", "{%- endif -%}"}, {"{% comment %}", "{% endcomment %}"},
      {"```java\n{% raw %}", "{% endraw %}\n```\n"},
  };
  return b;
}

std::vector<std::string> generated(std::uint64_t seed, std::size_t count) {
  Rng rng{seed ? seed : 1};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string s;
    if (rng.below(4) == 0) {  // a quarter of character soup: the tokenizer's corners
      static const std::vector<std::string> soup = {"{", "}", "%", "-", "#", " ", "\n", "'", "\"", "x", "in", "if",
                                                    "endif", "raw", "endraw", "for", "endfor", "and", "=", "中",
                                                    "comment", "endcomment", "else", "|", ",", "(", ")", ".."};
      const std::size_t n = 1 + rng.below(24);
      for (std::size_t k = 0; k < n; ++k) s += soup[rng.below(soup.size())];
      out.push_back(std::move(s));
      continue;
    }
    const std::size_t n = 1 + rng.below(10);
    const bool valid = rng.below(2) == 0;  // half from parsing pieces in balanced blocks
    const auto& from = valid ? valid_pieces() : pieces();
    for (std::size_t k = 0; k < n; ++k) {
      s += from[rng.below(from.size())];
      if (valid && rng.below(3) == 0) {
        const auto& [open, close] = blocks()[rng.below(blocks().size())];
        s = open + s + close;
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

struct Verdict {
  bool raises = false;
  std::string message;
};

// Runs the oracle on every snippet; one verdict per snippet, in order.
std::vector<Verdict> oracle(const std::vector<std::string>& snippets) {
  TempDir dir;
  std::string input;
  for (std::size_t i = 0; i < snippets.size(); ++i) {
    input += "{\"id\":" + std::to_string(i) + ",\"text\":" + json_string(snippets[i]) + "}\n";
  }
  spit(dir / "in.jsonl", input);
  const fs::path script = source_dir() / "tests" / "oracle" / "liquid-parse.rb";
  const RunOutput r = run("ruby " + sh_quote(script.string()) + " < " + sh_quote((dir / "in.jsonl").string()), dir.path());
  INFO("the oracle needs ruby and Debian's jekyll package: scripts/bootstrap --test installs them");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<Verdict> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    Verdict v;
    v.raises = line.find("\"raises\":true") != std::string::npos;
    if (const auto m = line.find("\"message\":"); m != std::string::npos) v.message = line.substr(m + 10);
    out.push_back(std::move(v));
  }
  REQUIRE(out.size() == snippets.size());
  return out;
}

// Whether Liquid's first error (its message) is of the kind of ours.
bool same_kind(const std::string& message, liquid::ErrorKind kind) {
  using K = liquid::ErrorKind;
  auto has = [&](const char* what) { return message.find(what) != std::string::npos; };
  if (has("Variable '")) return kind == K::unterminated_output;
  if (has("was not properly terminated")) return kind == K::unterminated_tag;
  if (has("Unknown tag")) return kind == K::unknown_tag || kind == K::wrong_end_tag;
  if (has("was never closed")) return kind == K::never_closed;
  if (has("is not a valid delimiter")) return kind == K::wrong_end_tag;
  if (has("does not expect 'else'") || has("Unexpected outer")) return kind == K::unexpected_else;
  if (has("Nesting too deep")) return kind == K::nesting_too_deep;
  return kind == K::malformed_tag;
}

std::string ours(const liquid::ParseResult& r) {
  return r.errors.empty() ? std::string("no error") : liquid::describe(r.errors.front());
}

// The number of snippets on which this parser and Liquid disagree (fails or
// not, and the kind of the first error), each printed.
// `failing`, when given, counts the snippets Liquid refuses.
std::size_t disagreements(const std::vector<std::string>& snippets, const std::string& origin,
                          std::size_t* failing = nullptr) {
  const auto verdicts = oracle(snippets);
  const auto known = liquid::KnownTags::jekyll();
  std::size_t bad = 0;
  if (failing) *failing = static_cast<std::size_t>(std::count_if(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.raises; }));
  for (std::size_t i = 0; i < snippets.size(); ++i) {
    const auto r = liquid::parse(snippets[i], 0, known);
    if (r.failed() == verdicts[i].raises &&
        (!r.failed() || same_kind(verdicts[i].message, r.errors.front().kind)))
      continue;
    ++bad;
    UNSCOPED_INFO(origin << " snippet " << i << ": " << json_string(snippets[i]) << "\n  Liquid: "
                         << (verdicts[i].raises ? verdicts[i].message : "parses") << "\n  ours: " << ours(r));
  }
  return bad;
}

}  // namespace

TEST_CASE("oracle: hand-written Liquid gets Liquid 5.4's verdict", "[oracle][liquid]") {
  const std::vector<std::string> cases = {
      // valid (issue 12's false positives)
      "{% include x.html %}", "{% assign a = 1 %}{{ a }}", "{% capture b %}x{% endcapture %}{{ b }}",
      "{% highlight ruby %}\nputs 1\n{% endhighlight %}", "{% link _posts/2020-01-01-a.md %}",
      "{% comment %} {% foo %} {% else %} {% endcomment %}", "{{ site.url }}/x", "{{ page.title }}",
      "价格 {{ price }} 元", "{% raw %}{{ x {% foo %}{% endraw %}", "{% raw %}x{% endraw -%}", "{% if a %}{% elsif b %}{% else %}{% endif %}",
      "{% for x in y %}{% else %}{% endfor %}", "{% case x %}{% when 1 %}{% when 2, 3 %}{% else %}{% endcase %}",
      "{% liquid\nif x\n  echo y\nendif %}", "{% # a comment %}", "{% if \"a %}{% endif %}", "{% if and %}{% endif %}",
      "{{ x }}}", "a } b %} c", "{%- if x -%} y {%- endif -%}",
      // common in real posts
      "{% highlight ruby linenos=table %}x{% endhighlight %}", "{% highlight js mark_lines=\"1 2\" %}x{% endhighlight %}",
      "{% highlight c++ %}x{% endhighlight %}", "{% highlight shell-session %}x{% endhighlight %}",
      "{% highlight ruby linenos=\"a\" %}x{% endhighlight %}", "{% highlight ruby\n%}x{% endhighlight %}",
      "{% post_url 2010-07-21-name %}", "{% post_url /subdir/2010-07-21-name %}", "{% post_url 2010-7-21 %}",
      "{% include_relative ../x.md %}", "{% include note.html content=\"a \\\"b\\\"\" %}",
      "{% include x.html a=page.b %}", "{% include x.html a=1, b=2 %}", "{% include x.html a = 'b' %}",
      "{% include x.html param=\"{{ y }}\" %}", "{% include {{ x }} foo %}", "{% include {{ x }}.html a=1 %}",
      "{% include {{ x | append: '.html' }} a=1 %}", "{% include a{{ x }} {{ y }} b %}", "{% include {{x}}{{y}} k='v' %}", "{% assign x = \"a,b\" | split: \",\" %}",
      "{% for post in site.posts limit: 5 %}{% endfor %}", "{% for i in (1..page.n) %}{% endfor %}",
      "{% if page.tags contains \"x\" %}{% endif %}", "{% unless a == empty %}{% endunless %}",
      "{% case page.x %}{% when \"a\" or \"b\" %}{% endcase %}", "{% cycle \"odd\", \"even\" %}",
      "{% tablerow p in ps cols:2 %}{% endtablerow %}", "{{ \"now\" | date: \"%Y\" }}",
      "{{ content | strip_html | truncatewords: 50 }}", "{% if a %}{% else if b %}{% endif %}",
      "{% if a %}{% elseif b %}{% endif %}", "{% raw -%}{{ x }}{% endraw -%}", "{% if a %}{%- endif -%}",
      "<p>{{ page.title }}</p>\n\n```js\nconst t = `${a}`;\n```\n", "$$ \\frac{a}{b} $$ {#id}", "{#{a}}",
      "{{ 'a' }}{{ \"b\" }}{{ 1 }}{{ nil }}", "{{ x | }}", "{{ | x }}", "{{ x y z }}",
      // errors
      "{% for x in y %}", "{% if x %}{% endfor %}", "{% endif %}", "{% else %}", "{% end %}", "{% foo %}", "{{ total",
      "{{ x }", "{% %}", "{%", "{% raw %}x{%- endraw %}", "{% raw x %}{% endraw %}", "{% comment %}{% if x %}{% endcomment %}",
      "{% for x in y %}{% else %}{% else %}{% endfor %}", "{% tablerow r in t %}{% else %}{% endtablerow %}",
      "{% include a.html x %}", "{% highlight %}{% endhighlight %}", "{% post_url foo %}", "{% if x and %}{% endif %}",
      "{% case %}{% endcase %}", "{% case x %}{% when %}{% endcase %}", "{% case x %}{% else y %}{% endcase %}",
      "{% capture %}{% endcapture %}", "{% assign x %}", "{% cycle %}", "{% render x %}", "{% # a\n b %}",
      "{% liquid\nif x %}", "{% if x %}{% liquid endif %}", "{% IF x %}", "{% for i %}{% endfor %}",
      "{% for i in %}{% endfor %}", "{% for i in(1..2) %}{% endfor %}", "{% tablerow %}{% endtablerow %}",
      "{% if (1..3) contains 2 %}{% endif %}", "{% if a.b[0] != 'x' %}{% endif %}", "{% for i in\"abc\" %}{% endfor %}",
      "{% for i in(1..2) foo %}{% endfor %}", "{% if a b %}{% endif %}", "{% if , %}{% endif %}", "{% if a and %}{% endif %}", "{% unless %}{% endunless %}",
  };
  CHECK(disagreements(cases, "hand-written") == 0);
}

TEST_CASE("oracle: generated Liquid, Markdown and CJK snippets get Liquid 5.4's verdict", "[oracle][liquid]") {
  std::uint64_t seed = 20261202;
  if (const char* s = std::getenv("LIQUID_ORACLE_SEED")) seed = std::strtoull(s, nullptr, 10);
  const std::size_t count = 3000;
  INFO("seed " << seed << " (LIQUID_ORACLE_SEED), " << count << " snippets");
  std::size_t failing = 0;
  CHECK(disagreements(generated(seed, count), "seed " + std::to_string(seed), &failing) == 0);
  // Both answers are well represented, so agreement means something.
  CHECK(failing > count / 5);
  CHECK(failing < count - count / 10);
}

TEST_CASE("oracle: deep nesting stops where Liquid's MAX_DEPTH does", "[oracle][liquid]") {
  std::string at_limit, past_limit;
  for (std::size_t i = 0; i < liquid::kMaxDepth; ++i) at_limit += "{% if x %}";
  for (std::size_t i = 0; i < liquid::kMaxDepth; ++i) at_limit += "{% endif %}";
  past_limit = "{% if x %}" + at_limit + "{% endif %}";
  CHECK(disagreements({at_limit, past_limit}, "nesting") == 0);
  CHECK_FALSE(liquid::parse(at_limit, 0, liquid::KnownTags::jekyll()).failed());
  CHECK(liquid::parse(past_limit, 0, liquid::KnownTags::jekyll()).errors.front().kind == liquid::ErrorKind::nesting_too_deep);
}
