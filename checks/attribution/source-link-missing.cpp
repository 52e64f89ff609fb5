#include <fmt/format.h>

#include "analysis.hpp"

namespace al::checks {
namespace {

class SourceLinkMissing final : public attribution::AttributionCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "attribution/source-link-missing",
        "A post that must link its source article has no source link",
        "Some categories name their source only by linking the original article: an autolink alone on "
        "its line (`<https://...>`), the link role `source`. `attribution.require_source_link: true`, or "
        "`require_source_link: true` under `attribution.categories.NAME`, makes that link the "
        "attribution; the `news-archive` preset requires it for `emnews`. Reported at the end of the body.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const auto& facts = attribution::analyze_once(doc, *rules_);
    if (!facts.applies || facts.has_source_link) return;
    const bool required = facts.category.require_source_link.value_or(rules_->require_source_link);
    if (!required) return;
    emit.report(facts.body_end, facts.body_end,
                fmt::format("no source link: posts in category {} must link the original article as an autolink "
                            "alone on its line, e.g. <https://...>",
                            attribution::quote_list(facts.categories)));
  }
};

}  // namespace
std::unique_ptr<Check> make_attribution_source_link_missing() { return std::make_unique<SourceLinkMissing>(); }
}  // namespace al::checks
