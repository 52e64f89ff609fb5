#pragma once
// Markdown-aware segmentation of a post body (kramdown flavour): which bytes
// are raw HTML and which are Markdown syntax that must not be read as tags.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace al {

enum class SpanKind : std::uint8_t {
  code_block,            // fenced (``` or ~~~) or indented
  code_span,             // `code`, ``co`de``
  autolink,              // <scheme:...> or <user@host>
  link_syntax,           // the `[`, `](dest "title")` parts of [text](dest)
  reference_definition,  // [label]: dest "title"
  escape,                // \< and friends
  html_comment,          // <!-- ... --> (HTML, recorded for checks)
};

struct Span {  // 12 bytes: a post of `\<` escapes has one per two bytes
  SpanKind kind;
  std::uint32_t begin;  // file offsets (files are under 4 GiB, see kMaxDocumentBytes)
  std::uint32_t end;
};

enum class MarkdownLinkKind : std::uint8_t { inline_link, inline_image, reference_use, reference_definition, autolink };

struct MarkdownLink {
  MarkdownLinkKind kind;
  std::string destination;  // as written, without <> and title
  std::size_t dest_begin;   // file offsets of the destination
  std::size_t dest_end;
  std::size_t begin;        // whole construct
  std::size_t end;
  std::string text;         // link text or alt text (raw), at most kMaxLinkTextBytes
  std::string label;        // reference label, lower-cased, for uses and definitions
};

// Limits (docs/limits.md). Past kMaxMarkdownLinks the links are still
// recognised as Markdown (their syntax is blanked) but not kept: they are
// counted in links_omitted, the first at first_omitted_link. A longer link text is cut at a character boundary
// and ends with "…". Reference labels of more than kMaxLabelBytes never match
// (CommonMark allows 999 characters).
inline constexpr std::size_t kMaxMarkdownLinks = 100000;
inline constexpr std::size_t kMaxLinkTextBytes = 256;
inline constexpr std::size_t kMaxLabelBytes = 999;

struct Segmentation {
  std::vector<Span> spans;             // non-HTML spans and comments, in order
  std::vector<MarkdownLink> links;     // Markdown links found outside code
  std::string html_view;               // the body with every non-HTML byte blanked
  std::size_t links_omitted = 0;       // links past kMaxMarkdownLinks
  std::size_t first_omitted_link = 0;  // file offset of the first of them
  // Bytes and lines the segmenter examined, each scan counted: a small
  // multiple of the body's size for any input (tests guard linear time by it).
  std::uint64_t steps = 0;
};

// text cut to at most max_bytes at a UTF-8 character boundary, with "…"
// appended when anything was cut (so a cut text never equals a whole one).
std::string capped_text(std::string_view text, std::size_t max_bytes);
// The same on one line: line breaks, tabs and form feeds become spaces, so
// the text can sit inside a `file:line:col:` message.
std::string one_line_excerpt(std::string_view text, std::size_t max_bytes);

// `text` is the whole file and `body_offset` where the body starts; offsets in
// the result are file offsets, and html_view[i] corresponds to text[body_offset + i].
Segmentation segment_markdown(std::string_view text, std::size_t body_offset);
// A body Jekyll does not convert (an .html post or page): all of it is HTML,
// as written; only its comments are recorded as spans.
Segmentation segment_html(std::string_view text, std::size_t body_offset);

}  // namespace al
