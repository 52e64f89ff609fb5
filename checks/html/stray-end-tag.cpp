#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_stray_end_tag() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/stray-end-tag",
                "An end tag with nothing open to close",
                "An end tag with no matching open element: `</div>` after the paragraph that never opened a `<div>`, or `</p>` with no open `<p>` (HTML5 turns that one into an empty `<p></p>`, adding vertical space). Usually left over from copying part of a page."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "stray-end-tag", "stray-end-tag"),
                Severity::error,
                {}},
      HtmlIssueKind::stray_end_tag);
}

}  // namespace al::checks
