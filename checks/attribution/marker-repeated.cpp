#include <fmt/format.h>

#include "analysis.hpp"

namespace al::checks {
namespace {

class MarkerRepeated final : public attribution::AttributionCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "attribution/marker-repeated",
        "The attribution marker appears more often than the config allows",
        "`attribution.marker.count` (1 in the `news-archive` preset) is the number of markers a post "
        "carries. A second marker usually means two articles were pasted into one post, or a template "
        "ran twice; if the markers name different sources the post is ambiguous about its origin. Each "
        "marker past the allowed count is reported, quoting the first.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const auto& facts = attribution::analyze_once(doc, *rules_);
    if (!facts.applies || !facts.marker_expected) return;
    const long allowed = rules_->marker->count;
    if (static_cast<long>(facts.markers.size()) <= allowed) return;
    const auto& first = facts.markers.front();
    const auto first_line = doc.lines.line_of(first.begin);
    for (auto i = static_cast<std::size_t>(allowed); i < facts.markers.size(); ++i) {
      const auto& m = facts.markers[i];
      emit.report(m.begin, m.end,
                  fmt::format("attribution marker #{} naming '{}'; the config allows {} (the first, on line {}, "
                              "names '{}')",
                              i + 1, m.source, allowed, first_line, first.source));
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_attribution_marker_repeated() { return std::make_unique<MarkerRepeated>(); }
}  // namespace al::checks
