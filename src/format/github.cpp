// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`,
// which show as annotations on a pull request without code scanning.
#include <fmt/format.h>

#include "archive_lint/formatter.hpp"

namespace al {
namespace {

// Escaping as the Actions toolkit does (issueCommand): data escapes %, CR, LF;
// property values also escape ':' and ','.
std::string escape_data(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string escape_property(std::string_view s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out.push_back(c);
  }
  return out;
}

class GithubFormatter final : public Formatter {
 public:
  void write(const Report& report, std::ostream& out) const override {
    for (const auto& d : report.diagnostics) {
      const char* command = d.severity == Severity::error ? "error" : d.severity == Severity::warning ? "warning" : "notice";
      out << "::" << command << " file=" << escape_property(prefixed_path(report.repo_prefix, d.path));
      if (d.start.line > 0) {
        out << ",line=" << d.start.line << ",col=" << d.start.column;
        if (d.end.line >= d.start.line) {
          out << ",endLine=" << d.end.line;
          if (d.end.line == d.start.line && d.end.column > d.start.column) out << ",endColumn=" << d.end.column;
        }
      }
      out << ",title=" << escape_property(d.rule_id) << "::" << escape_data(d.message) << '\n';
    }
  }
};

}  // namespace

std::unique_ptr<Formatter> make_github_formatter() { return std::make_unique<GithubFormatter>(); }

}  // namespace al
