#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_tokenizer_error() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/tokenizer-error",
                "Markup the HTML tokenizer cannot read as intended",
                "Other HTML5 tokenizer errors worth fixing: a `<` inside raw HTML that cannot start a tag (write `&lt;`), an unquoted attribute value holding `\"`, `'`, `<`, `=` or a backtick (quote it), missing whitespace between attributes, an attribute name containing quotes, `=` without a value, a tag never closed with `>`, `<!` or `<?` or `</` not followed by a tag name (dropped as a bogus comment), comments closed with `--!>` or opened and closed at once (`<!-->`), nested `<!--`, and a DOCTYPE inside the body. A bare `<` in Markdown text (outside any HTML element) is left alone, since kramdown escapes it."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "tokenizer-error", "tokenizer-error"),
                Severity::error,
                {}},
      HtmlIssueKind::tokenizer_error);
}

}  // namespace al::checks
