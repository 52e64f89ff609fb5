#pragma once
// What a post says about its source: the marker(s), the tags, the back link
// and the source link, read once per check from the Document (no gumbo: a
// light scan of the HTML view). Shared by the attribution/* checks.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "archive_lint/attribution.hpp"
#include "archive_lint/check.hpp"
#include "archive_lint/document.hpp"

namespace al::checks::attribution {

struct Marker {
  std::size_t element_begin = 0;  // file offsets of the element (or of the match)
  std::size_t element_end = 0;
  std::size_t begin = 0;          // the matched marker text
  std::size_t end = 0;
  std::size_t source_begin = 0;
  std::size_t source_end = 0;
  std::string source;
};

struct BackLink {
  const Link* link = nullptr;
  std::string source;                  // from agree.backlink_text
  bool url_matched = false;            // the URL has one of the agree.backlink_url forms
  std::map<std::string, std::string> url_values;  // {category}, {source} from the URL
};

struct Facts {
  bool applies = false;              // attribution is configured and the front matter is readable
  CategoryRule category;             // the rule for this post's categories
  bool marker_expected = false;
  std::vector<std::string> categories;
  std::vector<std::string> tags;
  bool has_tags_key = false;
  bool tags_duplicated = false;           // `tags:` twice: front-matter/duplicate-key reports it
  bool has_categories_key = false;
  std::vector<std::string> tag_sources;   // sources that agree.tags reads from the tags
  std::vector<Marker> markers;            // inside the named element, in order
  std::vector<std::size_t> candidate_elements;  // named elements whose text is no marker
  std::optional<Marker> stray;            // marker text outside the element (when none inside)
  std::vector<BackLink> backlinks;        // back links whose text fits agree.backlink_text
  bool has_source_link = false;
  std::size_t body_end = 0;               // end of the last non-blank body line
};

Facts analyze(const Document& doc, const AttributionRules& rules);
// The same, computed once per document and rules and shared by the six checks.
const Facts& analyze_once(const Document& doc, const AttributionRules& rules);

std::string quote_list(const std::vector<std::string>& items);

// Base for the attribution checks: compiles the shared `attribution:` block.
class AttributionCheck : public Check {
 public:
  void configure_shared(const Config& config) override;

 protected:
  std::shared_ptr<const AttributionRules> rules_ = std::make_shared<AttributionRules>();
};

}  // namespace al::checks::attribution
