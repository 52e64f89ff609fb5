#include <fmt/format.h>

#include "analysis.hpp"

namespace al::checks {
namespace {

class MarkerMissing final : public attribution::AttributionCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "attribution/marker-missing",
        "A reposted post has no attribution marker naming its source",
        "Reposted news must name its source. The `attribution.marker` block of the config gives the "
        "marker's pattern (with a `(?<source>...)` capture) and the element it must sit in; the "
        "`news-archive` preset expects `<p class=\"em_media\">（文章来源：SOURCE）</p>`. A post whose "
        "category turns the marker off (`attribution.categories.NAME.marker: none`) is skipped. A missing "
        "marker is reported at the end of the body; marker text outside the named element, or a named "
        "element whose text is not a marker, is reported where it is.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const auto& facts = attribution::analyze_once(doc, *rules_);
    if (!facts.applies || !facts.marker_expected || !facts.markers.empty()) return;
    const MarkerRule& rule = *rules_->marker;
    if (facts.stray) {
      emit.report(facts.stray->begin, facts.stray->end,
                  fmt::format("attribution marker is not inside the element '{}' that the config names; the marker "
                              "counts only there",
                              rule.element));
      return;
    }
    if (!facts.candidate_elements.empty()) {
      const std::size_t at = facts.candidate_elements.front();
      const auto line = doc.lines.line_of(at);
      emit.report(at, doc.lines.line_start(line) + doc.line_text(line).size(),
                  fmt::format("element '{}' does not contain an attribution marker matching '{}'", rule.element,
                              rule.pattern));
      return;
    }
    emit.report(facts.body_end, facts.body_end,
                fmt::format("no attribution marker: expected {}'{}' naming the source{}",
                            rule.element.empty() ? "" : "an element '" + rule.element + "' with ", rule.pattern,
                            facts.categories.empty() ? std::string()
                                                     : fmt::format(" (category {})", attribution::quote_list(facts.categories))));
  }
};

}  // namespace
std::unique_ptr<Check> make_attribution_marker_missing() { return std::make_unique<MarkerMissing>(); }
}  // namespace al::checks
