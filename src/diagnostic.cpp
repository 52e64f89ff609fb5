#include "archive_lint/diagnostic.hpp"

#include <tuple>

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

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.path, a.start.line, a.start.column, a.rule_id, a.message) <
         std::tie(b.path, b.start.line, b.start.column, b.rule_id, b.message);
}

}  // namespace al
