#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_tokenizer_error() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/tokenizer-error",
                "Markup the HTML tokenizer cannot read as intended",
                "Markup that is not read as it looks. In Markdown: a tag of an HTML element that kramdown does not read as one and shows as text, because an unquoted attribute value is not a single word (`<img src=a.png>`) or the attributes are not separated by spaces; quote the values. In an .html post, the HTML5 tokenizer's errors: a `<` that cannot start a tag (write `&lt;`), an unquoted value holding `\"`, `'`, `<`, `=` or a backtick, missing whitespace between attributes, quotes in an attribute name, `=` without a value, a stray `/`, a tag or comment left open at the end, a CDATA section outside SVG or MathML, and the limits of the analysis. In a Markdown post the judge is kramdown 2.4's output (docs/markdown.md); in an .html post, the browser's reading of the source."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "tokenizer-error", "tokenizer-error"),
                Severity::error,
                {}},
      HtmlIssueKind::tokenizer_error);
}

}  // namespace al::checks
