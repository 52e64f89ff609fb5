// jekyll/liquid-syntax: Liquid that stops `jekyll build`, parsed as Liquid 5.4
// with Jekyll 4.3's tags (src/liquid.cpp). Docs: docs/checks/jekyll/liquid-syntax.md.
#include <fmt/format.h>

#include <unordered_set>

#include "../common.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/site.hpp"
#include "archive_lint/markdown.hpp"
#include "liquid.hpp"

namespace al::checks {
namespace {

class LiquidSyntax final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "jekyll/liquid-syntax",
        "Liquid markup that stops `jekyll build`",
        "Jekyll runs every post through Liquid before Markdown, code blocks included, and a Liquid syntax "
        "error stops `jekyll build`. The body is parsed as Liquid 5.4 does under Jekyll 4.3's default "
        "`liquid.error_mode: warn`, with Liquid's and Jekyll's tags: an unterminated `{{` or `{%`, an unknown "
        "tag, a block tag never closed (`{% for x in y %}` alone: \"'for' tag was never closed\") or closed by "
        "the wrong end tag, `else` where the block takes none, and tag markup that Liquid's parser rejects "
        "(`{% for x %}`, `{% assign x %}`, `{% include a.html x %}`) are reported. Valid Liquid is not. Tags a "
        "site defines in `_plugins` are listed in the `tags` and `blocks` options. Article text that only "
        "looks like Liquid goes in `{% raw %}...{% endraw %}`; `render_with_liquid: false` in the front matter "
        "(Jekyll 4.0+) turns Liquid off for the post, and this check honours it.",
        Severity::error,
        {{"tags", "string-list", "[]", "names of tags (no end tag) that the site's plugins register"},
         {"blocks", "string-list", "[]", "names of block tags, closed by `end<name>`, that the plugins register"},
         {"report_all", "bool", "false",
          "also report valid Liquid outside code (for archives whose posts carry no Liquid at all); Liquid "
          "in code is jekyll/liquid-in-code's"}}};
    return m;
  }
  // The tags the site's `_plugins/*.rb` register (the site model reads them).
  void configure_shared(const Config& config) override {
    plugin_tags_.clear();
    unnamed_plugins_ = false;
    if (!config.jekyll) return;
    plugin_tags_ = config.jekyll->plugin_tags;
    plugin_tags_.insert(plugin_tags_.end(), config.jekyll->gem_tags.begin(), config.jekyll->gem_tags.end());
    unnamed_plugins_ = config.jekyll->plugin_tags_unnamed;
  }
  void configure(const YAML::Node& options) override {
    known_ = liquid::KnownTags::jekyll();
    const auto tags = option_string_list(options, "tags", {});
    const auto blocks = option_string_list(options, "blocks", {});
    jekyll_only_ = tags.empty() && blocks.empty() && plugin_tags_.empty() && !unnamed_plugins_;
    known_.unnamed_plugins = unnamed_plugins_;
    for (const auto& t : tags) known_.tags.insert(t);
    for (const auto& b : blocks) {
      known_.tags.erase(b);
      known_.blocks.insert(b);
    }
    // A plugin's register_tag does not say whether the class is a block: its
    // name and `end<name>` are both taken as tags, so neither form is reported.
    // The `blocks` option makes the pairing checked.
    for (const auto& t : plugin_tags_) {
      if (known_.blocks.count(t)) continue;
      known_.tags.insert(t);
      known_.tags.insert("end" + t);
    }
    report_all_ = option_bool(options, "report_all", false);
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!renders_liquid(doc)) return;
    const liquid::ParseResult& parsed = liquid_parse(doc, known_, jekyll_only_);
    std::unordered_set<std::size_t> errors_at;
    for (const auto& e : parsed.errors) {
      errors_at.insert(e.begin);
      report(doc, emit, e.begin, e.end, [&] { return liquid::describe(e); });
    }
    for (std::size_t i = 0; i < parsed.errors_omitted; ++i) {
      emit.omit(parsed.first_omitted_error, line_end_at(doc, parsed.first_omitted_error));
    }
    if (report_all_) report_valid(doc, emit, parsed, errors_at);
  }

 private:
  // The old scan's findings, kept for archives where any Liquid is a mistake.
  void report_valid(const Document& doc, Emitter& emit, const liquid::ParseResult& parsed,
                    const std::unordered_set<std::size_t>& errors_at) const {
    CodeCursor code(doc);
    for (const auto& s : parsed.spans) {
      if (s.kind == liquid::SpanKind::raw_block || errors_at.count(s.begin) || code.at(s.begin)) continue;
      const std::string_view text = doc.text().substr(s.begin, s.end - s.begin);
      if (s.kind == liquid::SpanKind::output) {
        report(doc, emit, s.begin, s.end, [&] {
          return fmt::format("Liquid output `{}`: Jekyll replaces it with the variable's value (usually nothing) "
                             "and the text disappears; wrap it in {{% raw %}}...{{% endraw %}}",
                             span_excerpt(text));
        });
      } else {
        report(doc, emit, s.begin, s.end, [&] {
          return fmt::format("Liquid tag `{}` runs at build time; if it is article text, wrap it in "
                             "{{% raw %}}...{{% endraw %}}",
                             span_excerpt(text));
        });
      }
    }
    for (std::size_t i = 0; i < parsed.spans_omitted; ++i) emit.omit(doc.bytes.size(), doc.bytes.size());
  }

  // Past the cap the message is not built: the finding is only counted.
  template <class Message>
  static void report(const Document& doc, Emitter& emit, std::size_t b, std::size_t e, Message&& message) {
    const std::size_t stop = std::max(b, std::min(e, line_end_at(doc, b)));
    if (emit.full()) {
      emit.omit(b, stop);
    } else {
      emit.report(b, stop, message());
    }
  }

  liquid::KnownTags known_ = liquid::KnownTags::jekyll();
  std::vector<std::string> plugin_tags_;
  bool unnamed_plugins_ = false;
  bool jekyll_only_ = true;
  bool report_all_ = false;
};

}  // namespace
std::unique_ptr<Check> make_jekyll_liquid_syntax() { return std::make_unique<LiquidSyntax>(); }
}  // namespace al::checks
