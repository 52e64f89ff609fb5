#include "common.hpp"

#include "archive_lint/text.hpp"

namespace al::checks {

std::uint32_t late_front_matter_line(const Document& doc) {
  if (doc.front_matter.state != FrontMatter::State::absent) return 0;
  const std::uint32_t limit = std::min<std::uint32_t>(static_cast<std::uint32_t>(doc.lines.line_count()), 20);
  for (std::uint32_t line = 1; line <= limit; ++line) {
    std::string_view text = doc.line_text(line);
    if (line == 1 && doc.has_bom) text.remove_prefix(std::min<std::size_t>(3, text.size()));
    const auto t = trim(text);
    if (t.empty()) continue;
    if (t == "---" && (line > 1 || t.size() != text.size())) return line;
    return 0;
  }
  return 0;
}

}  // namespace al::checks
