#include "liquid.hpp"

#include "archive_lint/markdown.hpp"

namespace al::checks {

bool renders_liquid(const Document& doc) {
  if (const auto* key = doc.front_matter.find("render_with_liquid")) {
    bool on = true;
    if (key->value.IsScalar() && YAML::convert<bool>::decode(key->value, on) && !on) return false;
  }
  return true;
}

const liquid::ParseResult& liquid_parse(const Document& doc, const liquid::KnownTags& known, bool jekyll_tags_only) {
  const auto compute = [&] { return liquid::parse(doc.body(), doc.body_offset, known); };
  if (jekyll_tags_only) return doc.derived<liquid::ParseResult>("liquid/jekyll-tags", compute);
  // Another rule configuration's tag set: keyed by the set, so it is not mixed up with Jekyll's.
  std::string key = "liquid/tags";
  for (const auto& t : known.tags) key += " " + t;
  key += " /blocks";
  for (const auto& b : known.blocks) key += " " + b;
  if (known.unnamed_plugins) key += " /unnamed";
  return doc.derived<liquid::ParseResult>(key, compute);
}

std::string span_excerpt(std::string_view text) { return one_line_excerpt(text, 60); }

CodeCursor::CodeCursor(const Document& doc) {
  for (const auto& s : doc.markdown.spans) {
    if (s.kind == SpanKind::code_block || s.kind == SpanKind::code_span) code_.push_back(s);
  }
}

const Span* CodeCursor::at(std::size_t offset) {
  while (next_ < code_.size() && code_[next_].end <= offset) ++next_;
  if (next_ < code_.size() && code_[next_].begin <= offset) return &code_[next_];
  return nullptr;
}

}  // namespace al::checks
