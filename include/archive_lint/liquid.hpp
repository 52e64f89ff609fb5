#pragma once
// Liquid 5.4's template grammar, as Jekyll 4.3 parses a post body: the
// tokenizer (Liquid::Tokenizer's TemplateParser regex), `raw`, `comment` and
// the `liquid` tag, block tags and their ends, and the tag-markup errors that
// raise at parse time under Jekyll's default `liquid.error_mode: warn` (the
// lax parsers; strict-parser errors are only warnings there). Linear in the
// input; no recursion deeper than one `liquid` tag.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace al::liquid {

enum class SpanKind : std::uint8_t {
  output,         // {{ ... }}
  tag,            // {% ... %}, any tag except the two below (`liquid` included)
  raw_block,      // {% raw %} ... {% endraw %}: the whole block, kept as text
  comment_block,  // {% comment %} ... {% endcomment %}: the whole block
};

struct Span {
  SpanKind kind;
  std::uint32_t begin;  // offsets in the text given to parse(), plus its base
  std::uint32_t end;
};

enum class ErrorKind : std::uint8_t {
  unterminated_output,  // `{{` with no `}}` where Liquid's tokenizer ends it
  unterminated_tag,     // `{%` with no `%}`, or a tag with no name (`{% %}`)
  unknown_tag,          // a tag name no one registered
  never_closed,         // a block tag open at the end (of the body or of a `liquid` tag)
  wrong_end_tag,        // `{% endfor %}` inside an `if`, `{% endif %}` with no `if`
  unexpected_else,      // `else` (or `end`) where the block takes none, or outside any block
  malformed_tag,        // markup the tag's parser rejects (`{% for x %}`, `{% assign x %}`)
  nesting_too_deep,     // more than 100 nested blocks (Liquid::Block::MAX_DEPTH)
};

struct Error {
  ErrorKind kind;
  std::size_t begin = 0;  // the offending token
  std::size_t end = 0;
  std::string tag;        // tag name as written (at most kMaxNameBytes)
  std::string block;      // the enclosing (or unclosed) block's name, when one matters
  std::string detail;     // for malformed_tag: the syntax the tag wants, in Liquid's words
};

// The tags a site has: names of tags (no end tag) and of blocks (`end<name>` closes them).
struct KnownTags {
  std::set<std::string, std::less<>> tags;
  std::set<std::string, std::less<>> blocks;
  // The site registers tags archive-lint cannot name (JekyllSite::plugin_tags_unnamed):
  // an unknown tag, and an `end` tag of no known block, may be one of them.
  bool unnamed_plugins = false;
  // Liquid 5.4's standard tags and Jekyll 4.3's (include, include_relative,
  // highlight, link, post_url), nothing else.
  static KnownTags jekyll();
};

// Limits (docs/limits.md): past them spans and errors are counted, not kept.
inline constexpr std::size_t kMaxSpans = 100000;
inline constexpr std::size_t kMaxErrors = 100000;
inline constexpr std::size_t kMaxNameBytes = 64;
inline constexpr std::size_t kMaxDepth = 100;  // Liquid::Block::MAX_DEPTH

struct ParseResult {
  std::vector<Span> spans;    // in text order
  std::vector<Error> errors;  // in the order Liquid meets them; errors.front() is what `jekyll build` prints
  std::size_t spans_omitted = 0;
  std::size_t errors_omitted = 0;
  std::size_t first_omitted_error = 0;  // offset of the first error past kMaxErrors
  std::uint64_t steps = 0;    // bytes examined, each scan counted (tests guard linear time by it)
  bool failed() const { return !errors.empty() || errors_omitted > 0; }
};

// Parses `text` (a post body); offsets in the result are base + offset in text.
// Liquid stops at its first error; this goes on past it (an unknown tag is
// skipped, a stray end tag closes the block it names if one is open) so that
// one run shows every problem, but only the first is certain to be Jekyll's.
ParseResult parse(std::string_view text, std::size_t base, const KnownTags& known);

// The error in words, as a sentence about what `jekyll build` does.
std::string describe(const Error& error);

}  // namespace al::liquid
