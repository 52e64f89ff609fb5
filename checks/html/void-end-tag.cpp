#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_void_end_tag() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/void-end-tag",
                "An end tag on a void element",
                "Void elements (`br`, `img`, `hr`, `input`, `meta`, `link`, `source`, `wbr`, ...) have no content and no end tag. `</br>` is read as a second `<br>`; `<img></img>` and other void end tags are dropped. Write `<br>` or `<br />` and `<img ...>` or `<img ... />`."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "void-end-tag", "void-end-tag"),
                Severity::error,
                {}},
      HtmlIssueKind::void_end_tag);
}

}  // namespace al::checks
