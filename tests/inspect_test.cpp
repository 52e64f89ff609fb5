// archive-lint inspect: the spans and links it shows are the Document's.
#include <catch2/catch.hpp>

#include <algorithm>

#include "archive_lint/inspect.hpp"
#include "archive_lint/json_value.hpp"
#include "support.hpp"

using namespace al::test;

namespace {

const al::InspectedSpan* find_kind(const al::PostInspection& post, const std::string& kind) {
  for (const auto& s : post.spans) {
    if (s.kind == kind) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("inspect: Markdown code, HTML tags, Liquid and links, each with its place", "[inspect]") {
  TempDir tmp;
  const std::string text =
      "---\ntitle: \"Hi\"\ntags: [a, b]\n---\nText {{ page.title }} with <span class=\"x\">html</span>.\n\n"
      "```js\nvar a = \"{{name}}\";\n```\n\n{% if x %}never closed\n<https://example.com/a>\n";
  spit(tmp / "post.md", text);
  const al::Document doc = al::load_document((tmp / "post.md").string(), "post.md");
  const al::PostInspection post = al::inspect_document(doc);
  CHECK(post.front_matter == "present");
  REQUIRE(post.keys.size() == 2);
  CHECK(post.keys[1].name == "tags");
  CHECK(post.keys[1].line == 3);
  CHECK(post.keys[1].value == "[a, b]");
  CHECK(post.body_line == 5);
  const auto* code = find_kind(post, "markdown code block");
  REQUIRE(code != nullptr);
  CHECK(code->begin.line == 7);
  CHECK(code->end.line == 9);
  CHECK(code->text.find('\n') == std::string::npos);
  const auto* span = find_kind(post, "html <span>");
  REQUIRE(span != nullptr);
  CHECK(span->begin.line == 5);
  CHECK(span->begin.column == 28);
  const auto* output = find_kind(post, "liquid output");
  REQUIRE(output != nullptr);
  CHECK(output->text == "{{ page.title }}");
  bool never_closed = false;
  for (const auto& s : post.spans) never_closed |= s.kind.find("liquid error: 'if' tag was never closed") == 0;
  CHECK(never_closed);
  REQUIRE(post.links.size() == 1);
  CHECK(post.links[0].kind == "link source");
  CHECK(post.links[0].text == "https://example.com/a");
  // JSON carries the same values.
  const al::JsonValue json = al::parse_json(al::render_inspection_json(post));
  const al::JsonValue* keys = json.find("keys");
  REQUIRE(keys != nullptr);
  CHECK(keys->as_array().at(1).get_string("name") == "tags");
  CHECK(json.find("spans")->as_array().size() == post.spans.size());
}

TEST_CASE("inspect: a post that cannot be read says why instead of failing", "[inspect]") {
  TempDir tmp;
  const al::Document doc = al::load_document((tmp / "missing.md").string(), "missing.md");
  const al::PostInspection post = al::inspect_document(doc);
  CHECK(post.front_matter.rfind("unreadable: ", 0) == 0);
  CHECK(post.spans.empty());
  CHECK(render_inspection_text(post).find("missing.md") != std::string::npos);
}

TEST_CASE("inspect: what kramdown shows as text and where it closes elements itself", "[inspect]") {
  const std::string text = "---\ntitle: x\n---\nA List<Runnable> x </div>\n\n<div>\nrest\n";
  const al::Document doc = al::parse_document("_posts/2020-01-01-a.md", text);
  const al::PostInspection post = al::inspect_document(doc);
  auto has = [&](const std::string& kind, std::uint32_t line, std::uint32_t column) {
    return std::any_of(post.spans.begin(), post.spans.end(), [&](const al::InspectedSpan& s) {
      return s.kind == kind && s.begin.line == line && s.begin.column == column;
    });
  };
  CHECK(has("html <runnable>", 4, 7));
  CHECK(has("kramdown closes at the end of its block", 4, 7));
  CHECK(has("markdown shown as text", 4, 20));
  CHECK(has("kramdown reads as HTML to the end of the post", 6, 1));
}
