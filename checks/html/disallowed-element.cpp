#include <fmt/format.h>

#include "allow_deny.hpp"
#include "issue_check.hpp"

namespace al::checks {
namespace {

class DisallowedElement final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "html/disallowed-element",
        "An HTML element that the archive does not allow",
        "Scraped or reposted content must not carry active or embedding markup such as `<script>`, "
        "`<iframe>`, `<object>` or `<form>`: it runs code from, or frames, a site the archive does not "
        "control. `allow` lists the elements a post may use (empty: every element); `deny` lists elements "
        "that are always reported. Both take element names or `*` patterns. Nothing is reported with the "
        "default options; the `news-archive` preset sets an allowlist of text, list, table and image elements."
        + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "disallowed-element", "disallowed-element"),
        Severity::warning,
        {{"allow", "string-list", "[]", "elements a post may contain; empty allows every element"},
         {"deny", "string-list", "[]", "elements that are always reported"}}};
    return m;
  }
  void configure(const YAML::Node& options) override { elements_.configure(options); }
  void check(const Document& doc, Emitter& emit) const override {
    if (!elements_.active()) return;
    const HtmlAnalysis& html = doc.html_analysis;
    for (const auto& tag : html.tags) {
      if (tag.foreign) continue;  // SVG and MathML children are judged by their <svg>/<math>
      const auto verdict = elements_.judge(tag.name);
      if (verdict == AllowDenyList::Verdict::allowed || html.ignores(meta().id, tag.begin)) continue;
      emit.report(tag.begin, tag.end,
                  verdict == AllowDenyList::Verdict::denied
                      ? fmt::format("<{}> is not allowed in posts (option 'deny')", tag.name)
                      : fmt::format("<{}> is not among the allowed elements (option 'allow')", tag.name));
    }
  }

 private:
  AllowDenyList elements_;
};

}  // namespace

std::unique_ptr<Check> make_html_disallowed_element() { return std::make_unique<DisallowedElement>(); }

}  // namespace al::checks
