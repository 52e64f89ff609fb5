#pragma once
// Small helpers shared by checks; no check logic lives here.
#include <memory>
#include <string>
#include <string_view>

#include "archive_lint/check.hpp"
#include "archive_lint/document.hpp"

namespace al::checks {

// End of the line that contains offset (before its terminator).
inline std::size_t line_end_at(const Document& doc, std::size_t offset) {
  const auto line = doc.lines.line_of(offset);
  return doc.lines.line_start(line) + doc.line_text(line).size();
}

// Bytes of a front-matter value up to the end of its line.
inline std::pair<std::size_t, std::size_t> value_span(const Document& doc, const FrontMatterKey& key) {
  return {key.value_offset, std::max(key.value_offset, line_end_at(doc, key.value_offset))};
}

// First line after any blank lines that starts a front-matter-like block,
// when the file does not open with one (Jekyll would not see it). 0 if none.
std::uint32_t late_front_matter_line(const Document& doc);

}  // namespace al::checks
