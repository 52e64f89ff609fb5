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
  math,                  // $$ ... $$, inline or a block: kramdown writes it as math, not HTML
  liquid_code,           // {% highlight %} and {% comment %} blocks: code, or removed, before kramdown runs
  text_tag,              // a '<' or a whole tag kramdown shows as text (it writes &lt;)
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

// Where kramdown writes an end tag the author left out: at the end of the
// paragraph, header or table cell for an element opened there (span HTML), or
// at the end of the post for an HTML block it never sees closed.
enum class KramdownCloseScope : std::uint8_t {
  block_text,      // span HTML, closed at the end of its paragraph, header or cell
  document,        // an element inside a raw HTML block that never ends
  document_block,  // the start tag of that block (after the elements inside it)
};
struct KramdownClose {
  std::uint32_t at;     // file offset kramdown closes it at
  std::uint32_t start;  // file offset of the start tag's '<'
  KramdownCloseScope scope;
  bool explained = false;  // document_block: a finding on an end tag in the block already says why
};

inline constexpr std::uint32_t kNoOffset = 0xFFFFFFFFu;

// A tag kramdown shows as text (it escapes the '<'), which the author meant
// as markup: an end tag in a paragraph that closes nothing opened in it.
struct TextTag {
  std::uint32_t begin;  // file offsets of the tag
  std::uint32_t end;
  std::string name;       // kramdown's name for it (lower-cased when HTML knows it)
  std::string innermost;  // the name of the innermost element open in its block, as written, or ""
  bool closes_outer;      // an element of its name is open further out in the block
  // a start tag of the same name was shown as text before it in the same block
  // (`the <iframe></iframe> tag`: both are meant as text)
  bool pairs_with_text;
  // In an HTML block (kramdown reads it raw): only the first end tag shown
  // as text is the author's mistake, the later ones follow from it.
  enum class Role : std::uint8_t {
    in_text,           // in a paragraph, header or cell: each is its own finding
    first_in_block,    // the first in an HTML block
    innermost_unclosed,  // the first in an HTML block, whose innermost element is never closed: that is the mistake
    follows,           // a later one in the same block: no finding
  };
  Role role = Role::in_text;
  bool block_never_ends = false;  // its HTML block runs to the end of the post
  std::uint32_t innermost_begin = kNoOffset;  // file offsets of the innermost open element's start tag
  std::uint32_t innermost_end = kNoOffset;
};

struct Segmentation {
  std::vector<Span> spans;             // non-HTML spans and comments, in order
  std::vector<MarkdownLink> links;     // Markdown links found outside code
  std::string html_view;               // the body with every non-HTML byte blanked
  std::vector<KramdownClose> kramdown_closes;  // in order of `at`, innermost first at one place
  std::vector<TextTag> text_tags;      // in file order
  // The file offset of an HTML block that never ends for kramdown: from
  // there to the end kramdown converts no Markdown (kNoOffset: none).
  std::uint32_t html_to_end = kNoOffset;
  std::vector<std::uint32_t> kramdown_tags;
  // `<!--` with no `-->` after it where kramdown looks (its paragraph, or
  // the rest of the post for a comment that starts a line): text on the page.
  std::vector<std::uint32_t> open_comments;
  // Start tags of HTML elements that kramdown shows as text, as it reads no
  // tag there (`<img src=a.png>`: an unquoted value must be one word).
  struct TextStartTag {
    std::uint32_t begin, end;  // file offsets
    std::string name;          // lower-cased
  };
  std::vector<TextStartTag> text_start_tags;  // file offsets of the start tags kramdown keeps as markup, in order
  // kramdown converts the body: it writes every tag it reads anew (its own
  // quoting, each attribute once), so the page never has the attribute
  // syntax errors the source may have.
  bool rewritten_by_kramdown = false;
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
