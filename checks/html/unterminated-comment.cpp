#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_unterminated_comment() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/unterminated-comment",
                "An HTML comment is never closed",
                "A `<!--` without a matching `-->`. Everything after it, to the end of the post, is part of the comment and disappears from the page."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "unterminated-comment", "unterminated-comment"),
                Severity::error,
                {}},
      HtmlIssueKind::unterminated_comment);
}

}  // namespace al::checks
