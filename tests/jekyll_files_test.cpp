// What Jekyll renders, and how: a walk of a site lists the files Jekyll
// renders (not layouts, includes or static files), an .html body is HTML as
// written, plugin tags come from _plugins and plugin gems, and Liquid that
// renders as meant inside code is not reported.
#include <catch2/catch.hpp>

#include <algorithm>

#include "archive_lint/document.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/site.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

namespace {

std::vector<std::string> paths_of(const PipelineResult& run, const std::string& rule = "") {
  std::vector<std::string> out;
  for (const auto& d : run.result.diagnostics) {
    if (rule.empty() || d.rule_id == rule) out.push_back(d.path);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

TEST_CASE("a walk of a Jekyll site lists what Jekyll renders", "[site][walk]") {
  const fs::path root = scratch_dir("walk-site");
  spit(root / "_config.yml", "exclude: [drafts-old]\ncollections:\n  recipes:\n    output: true\n");
  const std::string broken = "---\ntitle: x\n---\n{% if a %}\n";  // an unclosed `if`: liquid-syntax
  spit(root / "_posts" / "2020-01-01-a.md", broken);
  spit(root / "en" / "_posts" / "2020-01-01-b.md", broken);
  spit(root / "_recipes" / "soup.md", broken);
  spit(root / "about.md", broken);                      // a page: front matter
  spit(root / "static.md", "{% if a %}\n");             // no front matter: copied as it is
  spit(root / "_layouts" / "post.html", broken);        // templates, not documents
  spit(root / "_includes" / "x.html", "{% if a %}\n");
  spit(root / "_other" / "y.md", broken);               // `_x` folders are not read
  spit(root / ".hidden" / "z.md", broken);
  spit(root / "drafts-old" / "w.md", broken);           // excluded by the site
  spit(root / "node_modules" / "p" / "README.md", broken);  // Jekyll's own excludes
  spit(root / "_notes.md", broken);                     // a special name
  const auto found = paths_of(lint_site_offline(root, {root.string()}, "extends: jekyll\n"), "jekyll/liquid-syntax");
  CHECK(found == std::vector<std::string>{"_posts/2020-01-01-a.md", "_recipes/soup.md", "about.md",
                                          "en/_posts/2020-01-01-b.md"});
  // A file named on the command line is linted whatever it is.
  const auto named = paths_of(lint_site_offline(root, {(root / "_layouts" / "post.html").string()}, "extends: jekyll\n"),
                              "jekyll/liquid-syntax");
  CHECK(named == std::vector<std::string>{"_layouts/post.html"});
}

TEST_CASE("an .html body is HTML as written: no Markdown code, links or escapes", "[site][walk]") {
  const std::string body = "---\ntitle: x\n---\n<div>\n    <p>{{ page.title }}</p>\n</div>\n[a](http://x.test/)\n";
  const Document html = parse_document("_posts/2020-01-01-x.html", body);
  CHECK_FALSE(html.is_markdown());
  CHECK(std::none_of(html.markdown.spans.begin(), html.markdown.spans.end(),
                     [](const Span& s) { return s.kind == SpanKind::code_block; }));
  CHECK(html.markdown.links.empty());
  CHECK(html.markdown.html_view == body.substr(body.find("<div>")));
  const Document md = parse_document("_posts/2020-01-01-x.md", body);
  CHECK(md.is_markdown());
  CHECK(md.markdown.links.size() == 1);
  // The indented line is Liquid in an HTML file, not a code sample.
  const fs::path root = scratch_dir("html-post");
  spit(root / "_config.yml", "title: x\n");
  spit(root / "_posts" / "2020-01-01-x.html", body);
  CHECK(paths_of(lint_site_offline(root, {root.string()}, "extends: jekyll\n"), "jekyll/liquid-in-code").empty());
}

TEST_CASE("plugin gems' tags are known; a tag no one can name is not reported", "[site][liquid]") {
  const fs::path root = scratch_dir("plugin-gems");
  spit(root / "_config.yml", "plugins: [jekyll-seo-tag]\n");
  spit(root / "Gemfile", "source 'x'\ngroup :jekyll_plugins do\n  gem \"jekyll-feed\"\nend\ngem 'rake'\n");
  spit(root / "_posts" / "2020-01-01-a.md", "---\ntitle: a\n---\n{% seo %}\n{% feed_meta %}\n{% gallery %}\n");
  const auto run = [&] {
    std::vector<std::string> messages;
    for (const auto& d : lint_site_offline(root, {root.string()}, "extends: jekyll\n").result.diagnostics)
      if (d.rule_id == "jekyll/liquid-syntax") messages.push_back(d.message);
    return messages;
  };
  const auto known = run();
  REQUIRE(known.size() == 1);
  CHECK(known[0].find("gallery") != std::string::npos);
  const JekyllSite site = load_jekyll_site(root);
  CHECK(site.gem_tags == std::vector<std::string>{"feed_meta", "seo"});
  CHECK_FALSE(site.plugin_tags_unnamed);
  // A plugin that computes its tag's name: `gallery` may be it.
  spit(root / "_plugins" / "tags.rb", "%w[gallery video].each { |t| Liquid::Template.register_tag(t, Embed) }\n");
  CHECK(load_jekyll_site(root).plugin_tags_unnamed);
  CHECK(run().empty());
  // So may a gem archive-lint does not know; an unclosed block is still reported.
  fs::remove(root / "_plugins" / "tags.rb");
  spit(root / "_config.yml", "plugins: [jekyll-seo-tag, jekyll-gallery-tag]\n");
  CHECK(run().empty());
  spit(root / "_posts" / "2020-01-01-a.md", "---\ntitle: a\n---\n{% gallery %}\n{% for x in y %}\n");
  const auto unclosed = run();
  REQUIRE(unclosed.size() == 1);
  CHECK(unclosed[0].find("for") != std::string::npos);
}

TEST_CASE("liquid-in-code: Liquid's own escape and indented page templates are not reported", "[liquid]") {
  const fs::path root = scratch_dir("liquid-in-code-exempt");
  spit(root / "_config.yml", "title: x\n");
  spit(root / "_posts" / "2020-01-01-a.md",
       "---\ntitle: a\n---\n```liquid\n{{- \"{%\" }} if x %}\n{{ '{{' }}name}}\n```\n\n```js\n{{name}}\n```\n");
  spit(root / "index.md", "---\nlayout: home\n---\n    {% for p in site.posts %}\n    {{ p.title }}\n    {% endfor %}\n");
  spit(root / "_posts" / "2020-01-02-b.md", "---\ntitle: b\n---\nGo:\n\n    {{range .}}{{.Name}}{{end}}\n");
  std::vector<std::string> found;
  for (const auto& d : lint_site_offline(root, {root.string()}, "extends: jekyll\n").result.diagnostics)
    if (d.rule_id == "jekyll/liquid-in-code") found.push_back(d.path + ":" + std::to_string(d.start.line));
  CHECK(found == std::vector<std::string>{"_posts/2020-01-01-a.md:10", "_posts/2020-01-02-b.md:6",
                                          "_posts/2020-01-02-b.md:6", "_posts/2020-01-02-b.md:6"});
}

TEST_CASE("duplicate-post: unpublished posts and misnamed files are not on the site", "[archive][duplicate]") {
  const fs::path root = scratch_dir("dup-unpublished");
  spit(root / "_config.yml", "title: x\n");
  std::string text;
  for (int i = 0; i < 60; ++i) text += "word" + std::to_string(i % 7) + (i % 3 ? "a " : "b ");
  spit(root / "_posts" / "2020-01-01-a.md", "---\ntitle: a\n---\n" + text + "\n");
  spit(root / "_posts" / "2020-01-02-b.md", "---\ntitle: b\npublished: false\n---\n" + text + "\n");
  spit(root / "_posts" / "2020" / "01-03-c.md", "---\ntitle: c\n---\n" + text + "\n");
  CHECK(paths_of(lint_site_offline(root, {root.string()}, "extends: jekyll\n"), "archive/duplicate-post").empty());
  spit(root / "_posts" / "2020-01-04-d.md", "---\ntitle: d\n---\n" + text + "\n");
  CHECK(paths_of(lint_site_offline(root, {root.string()}, "extends: jekyll\n"), "archive/duplicate-post") ==
        std::vector<std::string>{"_posts/2020-01-01-a.md", "_posts/2020-01-04-d.md"});
}
