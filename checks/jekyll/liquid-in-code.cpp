// jekyll/liquid-in-code: Liquid in a code block or code span that Jekyll
// renders away. Docs: docs/checks/jekyll/liquid-in-code.md.
#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/markdown.hpp"
#include "liquid.hpp"

namespace al::checks {
namespace {

// `{{ "{%" }}` and `{{- '{{x}}' -}}`: Liquid's own escape, which renders
// exactly the quoted text the author meant to show.
bool is_string_literal_output(std::string_view output) {
  if (output.size() < 4) return false;
  output = output.substr(2, output.size() - 4);
  if (!output.empty() && output.front() == '-') output.remove_prefix(1);
  if (!output.empty() && output.back() == '-') output.remove_suffix(1);
  const auto first = output.find_first_not_of(" \t\r\n");
  const auto last = output.find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos || last <= first) return false;
  const char quote = output[first];
  return (quote == '"' || quote == '\'') && output[last] == quote &&
         output.substr(first + 1, last - first - 1).find(quote) == std::string_view::npos;
}

// A code block indented rather than fenced. In a page (a template: an index,
// a layout-like listing) indented Liquid is markup laid out by hand, which
// Liquid runs before kramdown ever sees an indent; in a post it is a sample.
bool is_indented_block(const Document& doc, const Span& block) {
  const std::string_view text = doc.text().substr(block.begin, block.end - block.begin);
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] != '`' && text[first] != '~';
}

class JekyllLiquidInCode final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "jekyll/liquid-in-code",
        .summary = "Liquid in a code block or code span that Jekyll renders away",
        .help = "Jekyll runs Liquid before Markdown, so code samples are not exempt: the template braces of "
                "another language (Vue or Handlebars `{{name}}`, Go templates `{{range .}}`, Jinja "
                "`{% for %}`) are valid Liquid and are replaced by what Liquid makes of them, usually nothing. "
                "```` ```java\\n\"Hello, {{name}}!\"\\n``` ```` is published as `\"Hello, !\"`. Wrap the code "
                "in `{% raw %}...{% endraw %}` (inside or around the fence), or set `render_with_liquid: false` "
                "when the post uses no Liquid. Not reported: an output of a quoted string alone (`{{ \"{%\" }}`, "
                "Liquid's own escape, which renders the quoted text), and Liquid in an indented code block of "
                "a page outside `_posts` (an index or listing template laid out by indentation: Liquid runs "
                "before kramdown sees the indent). Liquid that does not parse is jekyll/liquid-syntax's.",
        .default_severity = Severity::warning,
        .options = {},
    };
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!renders_liquid(doc)) return;
    const auto& parsed = liquid_parse(doc, liquid::KnownTags::jekyll(), true);
    CodeCursor code(doc);
    for (const auto& s : parsed.spans) {
      if (s.kind != liquid::SpanKind::output && s.kind != liquid::SpanKind::tag) continue;
      const Span* in = code.at(s.begin);
      if (!in) continue;
      const std::string_view liquid = doc.text().substr(s.begin, s.end - s.begin);
      if (s.kind == liquid::SpanKind::output && is_string_literal_output(liquid)) continue;
      if (in->kind == SpanKind::code_block && !doc.is_post() && is_indented_block(doc, *in)) continue;
      const std::size_t stop = std::max<std::size_t>(s.begin, std::min<std::size_t>(s.end, line_end_at(doc, s.begin)));
      if (emit.full()) {
        emit.omit(s.begin, stop);
        continue;
      }
      emit.report(s.begin, stop,
                  fmt::format("Liquid `{}` in {}: Jekyll renders it before Markdown and publishes what it "
                              "yields (usually nothing) instead of the code; wrap the code in "
                              "{{% raw %}}...{{% endraw %}}",
                              span_excerpt(liquid), in->kind == SpanKind::code_block ? "a code block" : "a code span"));
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_jekyll_liquid_in_code() { return std::make_unique<JekyllLiquidInCode>(); }
}  // namespace al::checks
