#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_void_end_tag() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/void-end-tag",
                "An end tag on a void element",
                "Void elements (`br`, `img`, `hr`, `input`, `meta`, `link`, `source`, `wbr`, ...) have no end tag. In Markdown kramdown shows `</br>` as text, so the page has a literal `</br>`; a fix replaces it with `<br>`. In an .html post browsers read `</br>` as a second `<br>` and drop the other void end tags. In a Markdown post the judge is kramdown 2.4's output (docs/markdown.md); in an .html post, the browser's reading of the source."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "void-end-tag", "void-end-tag"),
                Severity::error,
                {}},
      HtmlIssueKind::void_end_tag);
}

}  // namespace al::checks
