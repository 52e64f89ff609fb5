#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_unterminated_comment() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/unterminated-comment",
                "An HTML comment is never closed",
                "A `<!--` without a matching `-->`. In Markdown, kramdown needs the `-->` in the same paragraph (or, for a comment that starts a line, anywhere after it); without it the `<!--` and the note after it are shown as text on the page. In an .html post everything after it, to the end of the post, becomes part of the comment and disappears. In a Markdown post the judge is kramdown 2.4's output (docs/markdown.md); in an .html post, the browser's reading of the source."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "unterminated-comment", "unterminated-comment"),
                Severity::error,
                {}},
      HtmlIssueKind::unterminated_comment);
}

}  // namespace al::checks
