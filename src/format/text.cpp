// gcc-style `path:line:col: severity: message [rule]`, with the source line
// and a caret, grouped by file, and a one-line summary.
#include <fmt/format.h>

#include "archive_lint/formatter.hpp"

namespace al {
namespace {

// Terminal columns of a code point: East Asian wide and fullwidth take two.
int display_width(char32_t c) {
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

// Decodes up to `code_points` code points of line; returns their display width.
int width_of_prefix(std::string_view line, std::uint32_t code_points, bool& had_tab) {
  int width = 0;
  std::size_t i = 0;
  for (std::uint32_t n = 0; n < code_points && i < line.size(); ++n) {
    const auto c = static_cast<unsigned char>(line[i]);
    char32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0 && i + 3 < line.size()) {
      cp = ((c & 0x07u) << 18) | ((line[i + 1] & 0x3Fu) << 12) | ((line[i + 2] & 0x3Fu) << 6) | (line[i + 3] & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < line.size()) {
      cp = ((c & 0x0Fu) << 12) | ((line[i + 1] & 0x3Fu) << 6) | (line[i + 2] & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < line.size()) {
      cp = ((c & 0x1Fu) << 6) | (line[i + 1] & 0x3Fu);
      len = 2;
    }
    if (cp == '\t') had_tab = true;
    width += display_width(cp);
    i += len;
  }
  return width;
}

std::string expand_tabs(std::string_view line) {
  std::string out;
  for (char c : line) out += c == '\t' ? ' ' : c;
  return out;
}

class TextFormatter final : public Formatter {
 public:
  void write(const Report& report, std::ostream& out) const override {
    const bool color = report.color;
    auto paint = [&](const char* code, std::string_view text) {
      return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
    };
    std::size_t counts[3] = {0, 0, 0};
    std::string last_path;
    std::size_t files_with_findings = 0;
    for (const auto& d : report.diagnostics) {
      if (d.path != last_path) {
        if (!last_path.empty()) out << '\n';
        last_path = d.path;
        ++files_with_findings;
      }
      ++counts[static_cast<int>(d.severity)];
      const char* sev_color = d.severity == Severity::error ? "1;31" : d.severity == Severity::warning ? "1;33" : "1;36";
      out << paint("1", fmt::format("{}:{}:{}:", prefixed_path(report.display_prefix, d.path), d.start.line, d.start.column)) << ' '
          << paint(sev_color, fmt::format("{}:", to_string(d.severity))) << ' ' << d.message << ' '
          << paint("2", fmt::format("[{}]", d.rule_id)) << '\n';
      if (!d.source_line.empty() && d.start.line > 0) {
        const std::string gutter = fmt::format("{:>5} | ", d.start.line);
        bool tab = false;
        const std::uint32_t col = d.start.column >= d.source_column ? d.start.column - d.source_column + 1 : 1;
        const int lead = width_of_prefix(d.source_line, col - 1, tab);
        std::uint32_t span_cp = d.end.line == d.start.line && d.end.column > d.start.column ? d.end.column - d.start.column : 1;
        const std::string_view rest = std::string_view(d.source_line);
        // width of the marked span, measured from the start column
        int total = width_of_prefix(rest, col - 1 + span_cp, tab);
        int span = std::max(1, std::min(total - lead, 60));
        // Built in place: `"^" + std::string(...)` trips gcc 12's false -Wrestrict at -O3 (GCC bug 105651).
        std::string caret(static_cast<std::size_t>(span), '~');
        caret.front() = '^';
        out << paint("2", gutter) << expand_tabs(d.source_line) << '\n'
            << paint("2", std::string(gutter.size() - 2, ' ') + "| ") << std::string(static_cast<std::size_t>(lead), ' ')
            << paint(sev_color, caret) << '\n';
      }
      if (d.fix) out << paint("2", "      = fix: ") << d.fix->description << '\n';
    }
    const std::size_t total = counts[0] + counts[1] + counts[2];
    if (total == 0) {
      out << paint("1;32", fmt::format("No problems in {} file{}.", report.stats.files, report.stats.files == 1 ? "" : "s"))
          << '\n';
      return;
    }
    out << '\n'
        << paint(counts[2] ? "1;31" : counts[1] ? "1;33" : "1;36",
                 fmt::format("{} problem{} ({} error{}, {} warning{}, {} note{}) in {} of {} file{}.", total,
                             total == 1 ? "" : "s", counts[2], counts[2] == 1 ? "" : "s", counts[1],
                             counts[1] == 1 ? "" : "s", counts[0], counts[0] == 1 ? "" : "s", files_with_findings,
                             report.stats.files, report.stats.files == 1 ? "" : "s"))
        << '\n';
  }
};

}  // namespace

std::string prefixed_path(const std::string& prefix, const std::string& path) {
  if (prefix.empty() || path.empty() || path[0] == '/') return path;
  return prefix.back() == '/' ? prefix + path : prefix + "/" + path;
}

std::unique_ptr<Formatter> make_text_formatter() { return std::make_unique<TextFormatter>(); }

std::unique_ptr<Formatter> make_formatter(const std::string& name) {
  if (name == "text") return make_text_formatter();
  if (name == "sarif") return make_sarif_formatter();
  if (name == "json") return make_json_formatter();
  if (name == "github") return make_github_formatter();
  return nullptr;
}

}  // namespace al
