#include <fmt/format.h>

#include "analysis.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

class MarkerPosition final : public attribution::AttributionCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "attribution/marker-position",
        "The attribution marker is not at the end of the article text",
        "With `attribution.marker.position: end` (the `news-archive` preset) the marker closes the "
        "article: after it may come only blank lines, HTML comments and Markdown links (the source link, "
        "the back links) with their separators. Article text after the marker usually means the marker was pasted into the middle "
        "of the post, or a second article was appended without one. `position: any` turns this off.",
        Severity::warning, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const auto& facts = attribution::analyze_once(doc, *rules_);
    if (!facts.applies || !facts.marker_expected || facts.markers.empty() || !rules_->marker->at_end) return;
    const auto& last = facts.markers.back();
    // After an HTML block that never ends kramdown writes the rest as HTML
    // text, links included: the html/ finding on that block says so.
    if (doc.markdown.html_to_end != kNoOffset && doc.markdown.html_to_end <= last.element_end) return;
    // Everything after the marker's element must be navigation: links with
    // role source/back, comments, separators, blank space.
    std::string rest = doc.bytes.substr(last.element_end);
    const std::size_t base = last.element_end;
    auto blank = [&](std::size_t b, std::size_t e) {
      for (std::size_t k = std::max(b, base); k < e && k - base < rest.size(); ++k) {
        if (rest[k - base] != '\n' && rest[k - base] != '\r') rest[k - base] = ' ';
      }
    };
    for (const auto& span : doc.markdown.spans) {
      if (span.kind == SpanKind::html_comment) blank(span.begin, span.end);
    }
    // Markdown links count as navigation (source link, back links, a link to
    // the original): blank them all; an HTML paragraph after the marker stays text.
    for (const auto& ml : doc.markdown.links) blank(ml.begin, ml.end);
    static constexpr std::string_view kSeparators[] = {"｜", "|", "·", "•", "、", "，", ","};
    for (auto sep : kSeparators) {
      for (auto pos = rest.find(sep); pos != std::string::npos; pos = rest.find(sep, pos))
        rest.replace(pos, sep.size(), sep.size(), ' ');
    }
    const auto first = rest.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return;
    const std::size_t at = base + first;
    const auto line = doc.lines.line_of(at);
    emit.report(last.begin, last.end,
                fmt::format("attribution marker is followed by article text on line {} ('{}'); the config wants it "
                            "at the end of the body",
                            line, std::string(trim(doc.line_text(line))).substr(0, 60)));
  }
};

}  // namespace
std::unique_ptr<Check> make_attribution_marker_position() { return std::make_unique<MarkerPosition>(); }
}  // namespace al::checks
