#pragma once
// Small helpers shared by checks; no check logic lives here.
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

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

// Whether a walk over YAML values meets this collection for the first time.
// An alias (`*a`) is the anchored node itself, with the anchor's position:
// walking it again would repeat its findings, and aliases of aliases would
// make the walk exponential (`b: [*a, *a, ...]`, `c: [*b, *b, ...]`).
inline bool first_visit(std::set<std::pair<int, int>>& seen, const YAML::Node& node) {
  if (!node.IsSequence() && !node.IsMap()) return true;
  const YAML::Mark mark = node.Mark();
  return seen.emplace(mark.line, mark.column).second;
}

// First line after any blank lines that starts a front-matter-like block,
// when the file does not open with one (Jekyll would not see it). 0 if none.
std::uint32_t late_front_matter_line(const Document& doc);

}  // namespace al::checks
