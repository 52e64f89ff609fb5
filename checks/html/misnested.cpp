#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_misnested() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/misnested",
                "Elements are closed in the wrong order",
                "Tags that overlap instead of nesting: `<b><i>x</b></i>` or `<p><strong><em>x</strong></em></p>`, and an `<a>` inside another `<a>`. The HTML5 parser repairs these with the adoption agency algorithm, which splits and repeats elements, so the page rarely looks like what the author meant. Close the inner element first."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "misnested", "misnested"),
                Severity::error,
                {}},
      HtmlIssueKind::misnested);
}

}  // namespace al::checks
