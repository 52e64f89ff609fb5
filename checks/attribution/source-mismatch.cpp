#include <fmt/format.h>

#include "analysis.hpp"

namespace al::checks {
namespace {

class SourceMismatch final : public attribution::AttributionCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "attribution/source-mismatch",
        "The source named by the marker disagrees with the front-matter tags",
        "`attribution.agree.tags` is a template that ties the marker's source to the tags: with "
        "`{source}新闻` a post marked `（文章来源：科技日报）` must carry the tag `科技日报新闻`. Tags may be "
        "a string (split on whitespace, as Jekyll does) or a list. Reported at the marker's source, quoting "
        "both values. Posts without a `tags` key are left to front-matter/required-fields, and posts with two `tags` keys "
        "to front-matter/duplicate-key (which value was meant is for the author to say).",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const auto& facts = attribution::analyze_once(doc, *rules_);
    if (!facts.applies || !rules_->tags || !facts.has_tags_key || facts.tags.empty() || facts.tags_duplicated) return;
    for (const auto& marker : facts.markers) {
      if (marker.source.empty()) continue;
      const std::string expected = rules_->tags->expand({{"source", marker.source}});
      if (std::find(facts.tags.begin(), facts.tags.end(), expected) != facts.tags.end()) continue;
      std::string found;
      if (!facts.tag_sources.empty())
        found = fmt::format(", which name {}", attribution::quote_list(facts.tag_sources));
      emit.report(marker.source_begin, marker.source_end,
                  fmt::format("marker names source '{}' but the tags are {}{}; expected the tag '{}'", marker.source,
                              attribution::quote_list(facts.tags), found, expected));
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_attribution_source_mismatch() { return std::make_unique<SourceMismatch>(); }
}  // namespace al::checks
