#include <fmt/format.h>

#include "analysis.hpp"

namespace al::checks {
namespace {

class BacklinkMismatch final : public attribution::AttributionCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "attribution/backlink-mismatch",
        "The back link names another source or category than the post",
        "The back link to the source's section must agree with the post. Its text is read with "
        "`attribution.agree.backlink_text` (`返回{source}新闻`) and must name the marker's source (or, "
        "without a marker, the source the tags name); its URL must have one of the "
        "`attribution.agree.backlink_url` forms, with `{category}` equal to a front-matter category. "
        "One finding per back link, at its line, quoting what disagrees with what. When the marker "
        "itself disagrees with the tags and the back link agrees with the tags, only "
        "attribution/source-mismatch reports.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const auto& facts = attribution::analyze_once(doc, *rules_);
    if (!facts.applies) return;
    for (const auto& b : facts.backlinks) {
      std::vector<std::string> problems;
      // Text: the marker's source, else a source the tags name.
      std::vector<std::string> expected;
      for (const auto& m : facts.markers) {
        if (!m.source.empty()) expected.push_back(m.source);
      }
      const bool by_marker = !expected.empty();
      if (!b.source.empty()) {
        const bool agrees_marker = std::find(expected.begin(), expected.end(), b.source) != expected.end();
        const bool agrees_tags =
            std::find(facts.tag_sources.begin(), facts.tag_sources.end(), b.source) != facts.tag_sources.end();
        if (by_marker && !agrees_marker && !agrees_tags) {
          problems.push_back(fmt::format("its text '{}' names '{}' but the marker names {}", b.link->text, b.source,
                                         attribution::quote_list(expected)));
        } else if (!by_marker && !facts.tag_sources.empty() && !agrees_tags) {
          problems.push_back(fmt::format("its text '{}' names '{}' but the tags name {}", b.link->text, b.source,
                                         attribution::quote_list(facts.tag_sources)));
        }
      }
      // URL: one of the configured forms, carrying the post's category.
      if (!rules_->backlink_url.empty()) {
        if (!b.url_matched) {
          std::vector<std::string> forms;
          for (const auto& t : rules_->backlink_url) forms.push_back(t.text);
          problems.push_back(fmt::format("its URL '{}' has none of the forms {}", b.link->url, attribution::quote_list(forms)));
        } else {
          if (auto c = b.url_values.find("category"); c != b.url_values.end() && facts.has_categories_key &&
                                                      !facts.categories.empty() &&
                                                      std::find(facts.categories.begin(), facts.categories.end(),
                                                                c->second) == facts.categories.end()) {
            problems.push_back(fmt::format("its URL '{}' points at category '{}' but the front-matter category is {}",
                                           b.link->url, c->second, attribution::quote_list(facts.categories)));
          }
          if (auto s = b.url_values.find("source"); s != b.url_values.end() && !expected.empty() &&
                                                    std::find(expected.begin(), expected.end(), s->second) == expected.end()) {
            problems.push_back(fmt::format("its URL '{}' names source '{}' but the marker names {}", b.link->url,
                                           s->second, attribution::quote_list(expected)));
          }
        }
      }
      if (problems.empty()) continue;
      std::string message = "back link disagrees with the post: ";
      for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
      // Point at the whole Markdown link when we can find it, else at the URL.
      std::size_t begin = b.link->begin, end = b.link->end;
      for (const auto& ml : doc.markdown.links) {
        if (ml.dest_begin == b.link->begin) {
          begin = ml.begin;
          end = ml.end;
          break;
        }
      }
      emit.report(begin, end, std::move(message));
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_attribution_backlink_mismatch() { return std::make_unique<BacklinkMismatch>(); }
}  // namespace al::checks
