#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_duplicate_attribute() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/duplicate-attribute",
                "An attribute appears twice on one tag",
                "The same attribute given twice, as in `<p class=\"lead\" class=\"intro\">`. kramdown writes the tag anew and keeps the last value; browsers reading an .html post keep the first. Either way one of the two classes, styles or links is lost: merge them. In a Markdown post the judge is kramdown 2.4's output (docs/markdown.md); in an .html post, the browser's reading of the source."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "duplicate-attribute", "duplicate-attribute"),
                Severity::error,
                {}},
      HtmlIssueKind::duplicate_attribute);
}

}  // namespace al::checks
