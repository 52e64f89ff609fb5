#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_implicitly_closed() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/implicitly-closed",
                "An element is closed implicitly by the next tag",
                "A start tag that the HTML parser does not allow inside the open element closes that element: `<p>a<div>b</div>` closes the paragraph before the `<div>`, so any `</p>` later is stray and styles meant for the paragraph do not apply to the block. Also headings inside headings (`<h1>a<h2>`) and a `<button>` inside a `<button>`. A warning: the result is usually what the author meant, but it is worth making explicit. Omissions the HTML spec expects, such as `</li>` before the next `<li>` or `</p>` before the next `<p>`, are not reported."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "implicitly-closed", "implicitly-closed"),
                Severity::warning,
                {}},
      HtmlIssueKind::implicitly_closed);
}

}  // namespace al::checks
