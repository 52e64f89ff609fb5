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

struct Span {
  SpanKind kind;
  std::size_t begin;  // file offsets
  std::size_t end;
};

enum class MarkdownLinkKind : std::uint8_t { inline_link, inline_image, reference_use, reference_definition, autolink };

struct MarkdownLink {
  MarkdownLinkKind kind;
  std::string destination;  // as written, without <> and title
  std::size_t dest_begin;   // file offsets of the destination
  std::size_t dest_end;
  std::size_t begin;        // whole construct
  std::size_t end;
  std::string text;         // link text or alt text (raw)
  std::string label;        // reference label, lower-cased, for uses and definitions
};

struct Segmentation {
  std::vector<Span> spans;             // non-HTML spans and comments, in order
  std::vector<MarkdownLink> links;     // Markdown links found outside code
  std::string html_view;               // the body with every non-HTML byte blanked
};

// `text` is the whole file and `body_offset` where the body starts; offsets in
// the result are file offsets, and html_view[i] corresponds to text[body_offset + i].
Segmentation segment_markdown(std::string_view text, std::size_t body_offset);

}  // namespace al
