#include <fmt/format.h>

#include "issue_check.hpp"

namespace al::checks {

std::unique_ptr<Check> make_html_invalid_character_reference() {
  return std::make_unique<HtmlIssueCheck>(
      CheckMeta{"html/invalid-character-reference",
                "A character reference is unknown or malformed",
                "A character reference the HTML parser cannot read as written: an unknown name (`&nbps;`), a missing `;` after a known name in text (`&copy 2022`), a numeric reference without digits (`&#;`) or one that names no usable character (`&#0;`, `&#xD800;`, `&#x110000;`, control characters). Browsers show the raw text or a replacement character. Known references such as `&nbsp;` and a bare `&` (as in a URL query `?a=1&b=2`) are fine."
                    + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "invalid-character-reference", "invalid-character-reference"),
                Severity::error,
                {}},
      HtmlIssueKind::invalid_character_reference);
}

}  // namespace al::checks
