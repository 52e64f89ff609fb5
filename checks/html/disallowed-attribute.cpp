#include <fmt/format.h>

#include "allow_deny.hpp"
#include "issue_check.hpp"

namespace al::checks {
namespace {

class DisallowedAttribute final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "html/disallowed-attribute",
        "An HTML attribute that the archive does not allow",
        "Inline event handlers (`onclick=`, `onload=`, `onerror=` ...) run script from scraped content; "
        "other attributes such as `srcdoc` or `formaction` can too. `allow` lists the attributes a post may "
        "use (empty: every attribute); `deny` lists attributes that are always reported. Both take names or "
        "`*` patterns (`on*`, `data-*`). Nothing is reported with the default options; the `news-archive` "
        "preset denies `on*`, `srcdoc` and `formaction`. The ignore attribute itself is always allowed."
        + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "disallowed-attribute", "disallowed-attribute"),
        Severity::warning,
        {{"allow", "string-list", "[]", "attributes a post may use (names or `*` patterns); empty allows every attribute"},
         {"deny", "string-list", "[]", "attributes that are always reported (names or `*` patterns)"}}};
    return m;
  }
  void configure(const YAML::Node& options) override { attributes_.configure(options); }
  void check(const Document& doc, Emitter& emit) const override {
    if (!attributes_.active()) return;
    const HtmlAnalysis& html = doc.html_analysis;
    for (const auto& tag : html.tags) {
      for (const auto& a : tag.attributes) {
        if (a.name == kHtmlIgnoreAttribute) continue;
        const auto verdict = attributes_.judge(a.name);
        if (verdict == AllowDenyList::Verdict::allowed || html.ignores(meta().id, a.name_begin)) continue;
        emit.report(a.name_begin, a.has_value ? a.value_end : a.name_begin + a.name.size(),
                    verdict == AllowDenyList::Verdict::denied
                        ? fmt::format("attribute '{}' on <{}> is not allowed in posts (option 'deny')", a.name, tag.name)
                        : fmt::format("attribute '{}' on <{}> is not among the allowed attributes (option 'allow')",
                                      a.name, tag.name));
      }
    }
  }

 private:
  AllowDenyList attributes_;
};

}  // namespace

std::unique_ptr<Check> make_html_disallowed_attribute() { return std::make_unique<DisallowedAttribute>(); }

}  // namespace al::checks
