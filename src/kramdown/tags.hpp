#pragma once
// kramdown 2.4's grammar for HTML in Markdown (parser/html.rb and
// parser/kramdown/html.rb): which `<...>` is a tag to kramdown, what it calls
// its element, and how that element's content is read. The Markdown
// segmenter (src/markdown.cpp) asks these questions; nothing here looks at
// blocks. Private to the core library.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace al::kramdown {

// HTML_TAG_RE or HTML_TAG_CLOSE_RE matched at a '<'.
struct Tag {
  std::size_t length = 0;        // bytes of the whole tag; 0 when nothing matched
  std::string name;              // lower-cased when kramdown knows the element (HTML_ELEMENT), as written otherwise
  std::size_t attributes_begin = 0;  // offsets into the text of the attribute part
  std::size_t attributes_end = 0;
  bool self_closed = false;      // `/>`
};

// The start tag HTML_TAG_RE matches at text[at] == '<' within text (which
// ends where kramdown's source ends: the block for span HTML), or length 0:
//   <((?>UNAME))\s*((?>\s+UNAME(?:\s*=\s*(?:\p{Word}+|("|').*?\3))?)*)\s*(\/)?>
// UNAME is REXML's name, `(?:[[:alpha:]_][-[:alnum:]._]*:)?[[:alpha:]_][-[:alnum:]._]*`,
// whose classes are Unicode's in Ruby: `<Context>` and `<元素>` are tags,
// `<a，b>`, `<font=5>`, `<string, float>` and `List<?>` are not.
Tag match_start_tag(std::string_view text, std::size_t at);
// HTML_TAG_CLOSE_RE, `</(UNAME)\s*>`, at text[at] == '<'.
Tag match_end_tag(std::string_view text, std::size_t at);
// HTML_COMMENT_RE, `<!--(.*?)-->`: the length of the comment at text[at], or 0.
std::size_t match_comment(std::string_view text, std::size_t at);
// The length of a UNAME at text[at], or 0.
std::size_t uname_length(std::string_view text, std::size_t at);

// The element sets of parser/html.rb, for names as Tag::name has them.
bool is_known_element(std::string_view lower_name);  // HTML_ELEMENT
bool is_span_element(std::string_view name);         // HTML_SPAN_ELEMENTS
bool is_block_element(std::string_view name);        // HTML_BLOCK_ELEMENTS
bool is_without_body(std::string_view name);         // HTML_ELEMENTS_WITHOUT_BODY: never has an end tag
// The start of a line that ends a paragraph (LAZY_END_HTML_START/_STOP):
// `<` or `</` and a name that does not begin with a span element's name or `script`.
bool ends_paragraph(std::string_view line_from_angle);

enum class ContentModel : std::uint8_t { raw, span, block };
ContentModel content_model(std::string_view name);  // HTML_CONTENT_MODEL (raw for every unknown name)

// The value of the `markdown` attribute among a tag's attributes
// (HTML_ATTRIBUTE_RE's reading), or nullopt-like "" with found = false.
struct MarkdownAttribute {
  bool found = false;
  std::string value;
};
MarkdownAttribute markdown_attribute(std::string_view attributes);

}  // namespace al::kramdown
