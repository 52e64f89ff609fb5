#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_duplicate_attribute() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/duplicate-attribute",
                "An attribute appears twice on one tag",
                "The same attribute given twice, as in `<p class=\"lead\" class=\"intro\">`. Browsers keep the first value and silently drop the second, so one of the two classes, styles or links is lost."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "duplicate-attribute", "duplicate-attribute"),
                Severity::error,
                {}},
      HtmlIssueKind::duplicate_attribute);
}

}  // namespace al::checks
