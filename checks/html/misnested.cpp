#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_misnested() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/misnested",
                "Elements are closed in the wrong order",
                "Tags that overlap instead of nesting: `<b><i>x</b></i>` or `<p><strong><em>x</strong></em></p>`, and an `<a>` inside another `<a>`. In Markdown kramdown takes an end tag only for the innermost open element, so the crossing end tag is shown as text (and in an HTML block, kramdown then reads the rest of the post as HTML). In an .html post the HTML5 parser repairs them with the adoption agency algorithm, which splits and repeats elements. Close the inner element first. In a Markdown post the judge is kramdown 2.4's output (docs/markdown.md); in an .html post, the browser's reading of the source."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "misnested", "misnested"),
                Severity::error,
                {}},
      HtmlIssueKind::misnested);
}

}  // namespace al::checks
