#include <fmt/format.h>

#include <set>

#include "../common.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

// Tags that Liquid 5 and Jekyll 4 define; anything else is `Unknown tag`.
const std::set<std::string, std::less<>> kKnownTags = {
    "assign", "break", "capture", "case", "comment", "continue", "cycle", "decrement", "echo", "for", "if",
    "ifchanged", "include", "include_relative", "increment", "liquid", "raw", "render", "tablerow", "unless",
    "highlight", "link", "post_url", "else", "elsif", "when", "endcapture", "endcase", "endcomment", "endfor",
    "endif", "endifchanged", "endraw", "endtablerow", "endunless", "endhighlight"};

class LiquidSyntax final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "jekyll/liquid-syntax",
        "Liquid markup (`{{`, `{%`) in a post body",
        "Jekyll runs every post through Liquid before Markdown, code blocks included. Checked against "
        "Jekyll 4.3.1 (Liquid 5.4): an unterminated `{{` or `{%`, an unknown tag such as `{% foo %}`, "
        "a block tag never closed (`{% if x %}` alone) or `{% raw %}` without `{% endraw %}` stop "
        "`jekyll build` with `Liquid syntax error`; a complete `{{ name }}` builds but is replaced by the "
        "variable's value, usually nothing, so the text silently disappears. Scraped articles contain "
        "such braces in code, templates and maths. Wrap the text in `{% raw %}...{% endraw %}`, or set "
        "`render_with_liquid: false` in the front matter (Jekyll 4.0+), which this check honours.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (const auto* key = doc.front_matter.find("render_with_liquid")) {
      bool on = true;
      if (key->value.IsScalar() && YAML::convert<bool>::decode(key->value, on) && !on) return;
    }
    const std::string_view text = doc.bytes;
    std::size_t i = doc.body_offset;
    int reported = 0;
    auto report = [&](std::size_t b, std::size_t e, std::string message) {
      if (++reported > 20) return;
      emit.report(b, std::min(e, line_end_at(doc, b)), std::move(message));
    };
    while (i < text.size()) {
      const std::size_t open = text.find('{', i);
      if (open == std::string_view::npos || open + 1 >= text.size()) break;
      const char kind = text[open + 1];
      if (kind != '{' && kind != '%') {
        i = open + 1;
        continue;
      }
      // Liquid 5's tokenizer: `{{` ends at the first `}` (which must be `}}`),
      // `{%` at the first `%}`; anything else is "not properly terminated".
      const std::string_view closer = kind == '{' ? "}}" : "%}";
      std::size_t close = std::string_view::npos;
      if (kind == '{') {
        const std::size_t brace = text.find('}', open + 2);
        if (brace != std::string_view::npos && brace + 1 < text.size() && text[brace + 1] == '}') close = brace;
      } else {
        close = text.find(closer, open + 2);
      }
      if (close == std::string_view::npos) {
        report(open, open + 2,
               fmt::format("`{}` is not closed by `{}`: `jekyll build` fails with a Liquid syntax error; wrap the "
                           "text in {{% raw %}}...{{% endraw %}}",
                           text.substr(open, 2), closer));
        i = open + 2;
        continue;
      }
      const std::size_t end = close + 2;
      const std::string_view inner = trim(text.substr(open + 2, close - open - 2));
      if (kind == '{') {
        report(open, end,
               fmt::format("Liquid output `{}`: Jekyll replaces it with the variable's value (usually nothing) and "
                           "the text disappears; wrap it in {{% raw %}}...{{% endraw %}}",
                           std::string(text.substr(open, std::min<std::size_t>(end - open, 60)))));
        i = end;
        continue;
      }
      std::string_view name = inner;
      if (!name.empty() && name.front() == '-') name.remove_prefix(1);
      name = trim(name);
      name = name.substr(0, name.find_first_of(" \t\r\n-"));
      if (name == "raw") {
        // Skip to the matching endraw; Liquid's raw has no nesting.
        std::size_t k = end;
        std::size_t endraw = std::string_view::npos;
        while ((k = text.find("{%", k)) != std::string_view::npos) {
          const std::size_t c = text.find("%}", k + 2);
          if (c == std::string_view::npos) break;
          std::string_view n = trim(text.substr(k + 2, c - k - 2));
          if (!n.empty() && n.front() == '-') n.remove_prefix(1);
          n = trim(n);
          if (n.substr(0, 6) == "endraw") {
            endraw = c + 2;
            break;
          }
          k = c + 2;
        }
        if (endraw == std::string_view::npos) {
          report(open, end, "`{% raw %}` without `{% endraw %}`: `jekyll build` fails ('raw' tag was never closed)");
          break;
        }
        i = endraw;
        continue;
      }
      if (kKnownTags.find(name) == kKnownTags.end()) {
        report(open, end,
               fmt::format("unknown Liquid tag '{}' in `{}`: `jekyll build` fails with \"Unknown tag\"; wrap the text "
                           "in {{% raw %}}...{{% endraw %}}",
                           name, std::string(text.substr(open, std::min<std::size_t>(end - open, 60)))));
      } else {
        report(open, end,
               fmt::format("Liquid tag `{}` runs at build time (an unclosed block tag fails the build); if it is "
                           "article text, wrap it in {{% raw %}}...{{% endraw %}}",
                           std::string(text.substr(open, std::min<std::size_t>(end - open, 60)))));
      }
      i = end;
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_jekyll_liquid_syntax() { return std::make_unique<LiquidSyntax>(); }
}  // namespace al::checks
