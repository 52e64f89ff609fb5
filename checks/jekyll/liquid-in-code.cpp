// jekyll/liquid-in-code: Liquid in a code block or code span that Jekyll
// renders away. Docs: docs/checks/jekyll/liquid-in-code.md.
#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/markdown.hpp"
#include "liquid.hpp"

namespace al::checks {
namespace {

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
                "when the post uses no Liquid. Liquid that does not parse is jekyll/liquid-syntax's.",
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
      const std::size_t stop = std::max<std::size_t>(s.begin, std::min<std::size_t>(s.end, line_end_at(doc, s.begin)));
      if (emit.full()) {
        emit.omit(s.begin, stop);
        continue;
      }
      emit.report(s.begin, stop,
                  fmt::format("Liquid `{}` in {}: Jekyll renders it before Markdown and publishes what it "
                              "yields (usually nothing) instead of the code; wrap the code in "
                              "{{% raw %}}...{{% endraw %}}",
                              span_excerpt(doc.text().substr(s.begin, s.end - s.begin)), in->kind == SpanKind::code_block ? "a code block" : "a code span"));
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_jekyll_liquid_in_code() { return std::make_unique<JekyllLiquidInCode>(); }
}  // namespace al::checks
