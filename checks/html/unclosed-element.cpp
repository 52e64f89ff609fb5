#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_unclosed_element() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/unclosed-element",
                "A non-void element is never closed",
                "An element whose end tag never appears. In Markdown (kramdown 2.4, docs/markdown.md): a span element left open in its paragraph, header or table cell, which kramdown closes at the end of that block (the finding names the line); a name no HTML element has, such as the generic `List<Runnable>`, which kramdown keeps as a tag so that it vanishes from the page (a fix writes `&lt;`); and an HTML block that never ends, such as `<p><strong>x</p>` or an unclosed `<div>` at a line start, after which kramdown converts none of the Markdown in the rest of the post. kramdown matches end tags strictly, so even `<li>` without `</li>` breaks an HTML block. In an .html post, the browser's rules: elements whose end tag HTML lets you leave off (`<p>`, `<li>`, `<td>`, ...) are not reported when their parent closes them."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "unclosed-element", "unclosed-element"),
                Severity::error,
                {}},
      HtmlIssueKind::unclosed_element);
}

}  // namespace al::checks
