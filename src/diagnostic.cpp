#include "archive_lint/diagnostic.hpp"

#include <tuple>

#include "archive_lint/text.hpp"

namespace al {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::note: return "note";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "note" || text == "info") return Severity::note;
  if (text == "warning" || text == "warn") return Severity::warning;
  if (text == "error") return Severity::error;
  return std::nullopt;
}

void set_source_excerpt(Diagnostic& d, std::string_view line, std::size_t start_in_line) {
  constexpr std::size_t kMaxLine = 400, kBefore = 120, kWindow = 300;
  if (line.size() <= kMaxLine) {
    d.source_line = std::string(line);
    d.source_column = 1;
    return;
  }
  auto is_continuation = [&](std::size_t i) { return i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80; };
  start_in_line = std::min(start_in_line, line.size());
  std::size_t b = start_in_line > kBefore ? start_in_line - kBefore : 0;
  while (b > 0 && is_continuation(b)) --b;  // whole UTF-8 characters only
  std::size_t e = std::min(line.size(), b + kWindow);
  while (e < line.size() && is_continuation(e)) ++e;
  d.source_line = std::string(line.substr(b, e - b));
  const auto skipped = count_columns(line.substr(b, start_in_line - b)).code_points;
  d.source_column = d.start.column > skipped ? d.start.column - skipped : 1;
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.path, a.start.line, a.start.column, a.rule_id, a.message) <
         std::tie(b.path, b.start.line, b.start.column, b.rule_id, b.message);
}

}  // namespace al
