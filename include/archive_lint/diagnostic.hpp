#pragma once
// A finding produced by a check: what the reporters render.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace al {

enum class Severity : std::uint8_t { note = 0, warning = 1, error = 2 };

std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

// 1-based line and columns; column counts Unicode code points, column_utf16
// counts UTF-16 code units (what SARIF "utf16CodeUnits" means). 0 = unknown.
struct Position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t column_utf16 = 0;
  std::size_t offset = 0;
};

// A suggested edit: replace bytes [start_offset, end_offset) of the file.
struct Fix {
  std::string description;
  std::size_t start_offset = 0;
  std::size_t end_offset = 0;
  std::string replacement;
};

struct Diagnostic {
  std::string rule_id;
  Severity severity = Severity::error;
  std::string message;
  std::string path;         // as shown to the user, relative to the run's root when possible
  Position start;
  Position end;
  std::optional<Fix> fix;
  std::string source_line;  // the start line (an excerpt of a very long one), for carets and fingerprints
  std::uint32_t source_column = 1;  // column (code points) of source_line's first character
  std::string fingerprint;  // stable across unrelated edits; filled by the runner
  std::string line_hash;    // GitHub's primaryLocationLineHash of the start line; filled by the runner
};

// At most this many findings are listed per rule and file; Emitter counts
// the rest into one "... and N more" finding (docs/limits.md).
inline constexpr std::size_t kMaxFindingsPerRule = 10000;

// Sets source_line/source_column from the full text of the start line: the
// whole line, or a window of about 300 bytes around the start column when the
// line is longer (minified HTML), so a thousand findings on one line stay cheap.
void set_source_excerpt(Diagnostic& d, std::string_view line, std::size_t start_in_line);

// Order used by every reporter: path, line, column, rule.
bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace al
