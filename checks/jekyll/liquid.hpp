#pragma once
// What jekyll/liquid-syntax and jekyll/liquid-in-code share: whether Jekyll
// runs Liquid on the post, and the body parsed once with Jekyll's tags.
#include "archive_lint/document.hpp"
#include "archive_lint/liquid.hpp"

namespace al::checks {

// False when the front matter says `render_with_liquid: false` (Jekyll 4.0+).
bool renders_liquid(const Document& doc);

// The body parsed with `known` (KnownTags::jekyll() plus the rule's options).
// A parse with exactly Jekyll's own tags is shared between the rules.
const liquid::ParseResult& liquid_parse(const Document& doc, const liquid::KnownTags& known, bool jekyll_tags_only);

// A span's text for a message: one line, at most 60 bytes, cut at a character boundary.
std::string span_excerpt(std::string_view text);

// The code block or code span (doc.markdown) holding each offset asked about;
// offsets must come in increasing order.
class CodeCursor {
 public:
  explicit CodeCursor(const Document& doc);
  const Span* at(std::size_t offset);

 private:
  std::vector<Span> code_;
  std::size_t next_ = 0;
};

}  // namespace al::checks
