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
    Scan(doc, emit).run();
  }

 private:
  class Scan {
   public:
    Scan(const Document& doc, Emitter& emit)
        : doc_(doc), emit_(emit), text_(doc.bytes), brace_(text_, "}"), tag_close_(text_, "%}"), tag_open_(text_, "{%") {}

    void run() {
      std::size_t i = doc_.body_offset;
      while (i < text_.size()) {
        const std::size_t open = text_.find('{', i);
        if (open == std::string_view::npos || open + 1 >= text_.size()) break;
        const char kind = text_[open + 1];
        if (kind != '{' && kind != '%') {
          i = open + 1;
          continue;
        }
        // Liquid 5's tokenizer: `{{` ends at the first `}` (which must be `}}`),
        // `{%` at the first `%}`; anything else is "not properly terminated".
        const std::string_view closer = kind == '{' ? "}}" : "%}";
        std::size_t close = std::string_view::npos;
        if (kind == '{') {
          const std::size_t brace = brace_(open + 2);
          if (brace != std::string_view::npos && brace + 1 < text_.size() && text_[brace + 1] == '}') close = brace;
        } else {
          close = tag_close_(open + 2);
        }
        if (close == std::string_view::npos) {
          report(open, open + 2, [&] {
            return fmt::format("`{}` is not closed by `{}`: `jekyll build` fails with a Liquid syntax error; wrap "
                               "the text in {{% raw %}}...{{% endraw %}}",
                               text_.substr(open, 2), closer);
          });
          i = open + 2;
          continue;
        }
        const std::size_t end = close + 2;
        if (kind == '{') {
          report(open, end, [&] {
            return fmt::format("Liquid output `{}`: Jekyll replaces it with the variable's value (usually nothing) "
                               "and the text disappears; wrap it in {{% raw %}}...{{% endraw %}}",
                               excerpt(open, end));
          });
          i = end;
          continue;
        }
        i = tag(open, close);
        if (i == std::string_view::npos) break;
      }
    }

   private:
    // A `{% ... %}` tag from open to close; returns where scanning goes on (npos: stop).
    std::size_t tag(std::size_t open, std::size_t close) {
      const std::size_t end = close + 2;
      const std::string_view name = tag_name(text_.substr(open + 2, close - open - 2));
      if (name == "raw") {
        const std::size_t endraw = end_of_raw(end);
        if (endraw == std::string_view::npos) {
          report(open, end, [] {
            return std::string("`{% raw %}` without `{% endraw %}`: `jekyll build` fails ('raw' tag was never closed)");
          });
          return std::string_view::npos;
        }
        return endraw;
      }
      if (kKnownTags.find(name) == kKnownTags.end()) {
        report(open, end, [&] {
          return fmt::format("unknown Liquid tag '{}' in `{}`: `jekyll build` fails with \"Unknown tag\"; wrap the "
                             "text in {{% raw %}}...{{% endraw %}}",
                             name, excerpt(open, end));
        });
      } else {
        report(open, end, [&] {
          return fmt::format("Liquid tag `{}` runs at build time (an unclosed block tag fails the build); if it is "
                             "article text, wrap it in {{% raw %}}...{{% endraw %}}",
                             excerpt(open, end));
        });
      }
      return end;
    }

    static std::string_view tag_name(std::string_view inner) {
      std::string_view name = trim(inner);
      if (!name.empty() && name.front() == '-') name.remove_prefix(1);
      name = trim(name);
      return name.substr(0, name.find_first_of(" \t\r\n-"));
    }

    // After `{% raw %}`: the end of the matching `{% endraw %}` (Liquid's raw
    // has no nesting), or npos.
    std::size_t end_of_raw(std::size_t from) {
      std::size_t k = from;
      while ((k = tag_open_(k)) != std::string_view::npos) {
        const std::size_t c = tag_close_(k + 2);
        if (c == std::string_view::npos) break;
        if (tag_name(text_.substr(k + 2, c - k - 2)).substr(0, 6) == "endraw") return c + 2;
        k = c + 2;
      }
      return std::string_view::npos;
    }

    std::string excerpt(std::size_t open, std::size_t end) const {
      return std::string(text_.substr(open, std::min<std::size_t>(end - open, 60)));
    }

    // Past the cap the message is not built: the finding is only counted.
    template <class Message>
    void report(std::size_t b, std::size_t e, Message&& message) {
      const std::size_t stop = std::min(e, line_end_at(doc_, b));
      if (emit_.full()) {
        emit_.omit(b, stop);
      } else {
        emit_.report(b, stop, message());
      }
    }

    const Document& doc_;
    Emitter& emit_;
    std::string_view text_;
    ForwardFind brace_, tag_close_, tag_open_;  // the scan only moves forward
  };
};

}  // namespace
std::unique_ptr<Check> make_jekyll_liquid_syntax() { return std::make_unique<LiquidSyntax>(); }
}  // namespace al::checks
