#pragma once
// A fast, single-pass analysis of the raw HTML in a post body: an HTML5
// tokenizer (with the spec's tokenizer errors) and a light open-element stack
// that follows the "in body" tree-construction rules closely enough to tell
// which end tags are missing, stray or misnested. It runs on
// Segmentation::html_view, where every non-HTML byte is already blanked, so
// every offset maps back to the file exactly. Checks in checks/html read the
// result; nothing here decides severity or wording of rule ids.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive_lint/diagnostic.hpp"
#include "archive_lint/markdown.hpp"

namespace al {

enum class HtmlIssueKind : std::uint8_t {
  unclosed_element,             // a non-void element whose end tag never appears
  stray_end_tag,                // an end tag with nothing to close
  misnested,                    // adoption agency / an end tag that crosses another element
  duplicate_attribute,          // the same attribute twice on one tag
  unterminated_comment,         // <!-- without -->
  invalid_character_reference,  // &bogus; &#xD800; &#; missing ';'
  tokenizer_error,              // other tokenizer errors: bare '<', attribute syntax, EOF in tag...
  void_end_tag,                 // </br>, <img></img>
  implicitly_closed,            // <p>a<div>: the parser closes the <p>
};

struct HtmlIssue {
  HtmlIssueKind kind;
  std::size_t begin;  // file offsets
  std::size_t end;
  std::string message;
  // A place the message names by its line (a file offset; npos: none):
  // the check appends line_note with the line number in place of `{}`.
  std::size_t line_note_at = std::string_view::npos;
  std::string line_note;
  std::optional<Fix> fix;  // a safe edit, when there is one
};

struct HtmlAttribute {
  std::string name;         // lower-cased
  std::string value;        // character references decoded
  std::size_t name_begin;   // file offsets
  std::size_t value_begin;  // the value without its quotes (== name_end when there is no value)
  std::size_t value_end;
  bool has_value;
};

struct HtmlStartTag {
  std::string name;  // lower-cased
  std::size_t begin;  // file offsets of `<` and one past `>`
  std::size_t end;
  std::vector<HtmlAttribute> attributes;
  bool self_closing = false;
  bool foreign = false;     // inside <svg> or <math>
  std::string text;         // for <a>: the text content, references decoded (see capped_text)
  const HtmlAttribute* attribute(std::string_view name) const;
};

// An element carrying data-archive-lint-ignore: findings inside it are dropped.
struct HtmlIgnoredRegion {
  std::size_t begin;  // file offsets, from its start tag to the end of its end tag
  std::size_t end;
  std::vector<std::string> patterns;  // rule ids or families from the attribute value; empty = all html rules
};

// Limits of the analysis (docs/limits.md); each one a post goes past is
// reported once, as an html/tokenizer-error issue that names it.
inline constexpr std::size_t kMaxHtmlDepth = 512;          // open elements followed; deeper ones are not checked
inline constexpr std::size_t kMaxHtmlTags = 100000;        // start tags kept in HtmlAnalysis::tags
inline constexpr std::size_t kMaxHtmlAttributes = 1000;    // attributes kept (and compared) per tag
// Issues of one kind kept with their message: twice the findings listed, so
// that ignored or suppressed ones rarely leave the list short.
inline constexpr std::size_t kKeptHtmlIssues = 2 * kMaxFindingsPerRule;

// An issue past kKeptHtmlIssues of its kind: where it is, for the count of
// findings left out, without its message.
struct OmittedHtmlIssue {
  HtmlIssueKind kind;
  std::uint32_t begin;  // file offsets
  std::uint32_t end;
};

struct HtmlAnalysis {
  std::vector<HtmlIssue> issues;  // in file order
  std::vector<OmittedHtmlIssue> omitted;  // in file order
  std::vector<HtmlStartTag> tags;  // every start tag, in file order (the first kMaxHtmlTags)
  std::vector<HtmlIgnoredRegion> ignored;
  // Bytes, stack entries and attributes the analysis examined: a small
  // multiple of the body's size for any input (tests guard linear time by it).
  std::uint64_t steps = 0;
  // True when offset lies in an element whose ignore attribute covers rule_id.
  bool ignores(std::string_view rule_id, std::size_t offset) const;

  // For ignores(): per rule id, the union of the regions that cover it, as
  // sorted disjoint [begin, end) pairs; built on the first question.
  mutable std::vector<std::pair<std::string, std::vector<std::pair<std::size_t, std::size_t>>>> ignore_index;
};

inline constexpr std::string_view kHtmlIgnoreAttribute = "data-archive-lint-ignore";

// view: the body's HTML view; base: the file offset of view[0].
HtmlAnalysis analyse_html(std::string_view view, std::size_t base);
// A body as kramdown reads it: its HTML view, with the end tags kramdown
// writes where the author left them out, and the tags it shows as text.
HtmlAnalysis analyse_html(const Segmentation& body, std::size_t base);

// Decodes character references in text (named, decimal, hex), as the HTML
// tokenizer does in data state. Exposed for tests.
std::string decode_html_text(std::string_view text);

}  // namespace al
