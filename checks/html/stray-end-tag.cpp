#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_stray_end_tag() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/stray-end-tag",
                "An end tag with nothing open to close",
                "An end tag with nothing to close. In Markdown, kramdown shows such an end tag as text: `</div>` in a paragraph (a block element's tags are HTML only at the start of a line), or an end tag that does not close the innermost element opened in the same paragraph, so the reader sees a literal `</div>`. In an .html post, an end tag with no open element (a stray `</p>` becomes an empty paragraph). Usually left over from copying part of a page. In a Markdown post the judge is kramdown 2.4's output (docs/markdown.md); in an .html post, the browser's reading of the source."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "stray-end-tag", "stray-end-tag"),
                Severity::error,
                {}},
      HtmlIssueKind::stray_end_tag);
}

}  // namespace al::checks
