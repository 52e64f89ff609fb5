#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_unclosed_element() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/unclosed-element",
                "A non-void element is never closed",
                "An element whose end tag never appears: `<p><strong>x</p>` (the `</p>` closes the paragraph, and the `<strong>` with it) or a `<div>` still open at the end of the post. Browsers close it wherever the parser has to, and formatting elements such as `<strong>` are then repeated into every following paragraph, so the rest of the page changes style. Elements whose end tag HTML lets you leave off (`<p>`, `<li>`, `<td>`, `<tr>`, `<option>`, ...) are not reported when their parent closes them."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "unclosed-element", "unclosed-element"),
                Severity::error,
                {}},
      HtmlIssueKind::unclosed_element);
}

}  // namespace al::checks
