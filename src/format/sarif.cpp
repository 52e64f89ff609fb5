// SARIF 2.1.0: one run, rules[] generated from check metadata, UTF-16 columns.
#include <fmt/format.h>

#include <map>

#include "archive_lint/formatter.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/version.hpp"

namespace al {

std::string sarif_level(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

// RFC 3986: keep unreserved characters and '/', percent-encode the rest.
std::string uri_encode_path(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// SARIF messages are sentences (SARIF2001): end them with a period.
std::string sarif_sentence(std::string_view text) {
  std::string s(text);
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') s.push_back('.');
  return s;
}

// `front-matter/date-format` -> `FrontMatterDateFormat` (SARIF2012 wants a readable name).
std::string pascal_case(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '/' || c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return out;
}

namespace {

void write_rule(JsonWriter& w, const CheckMeta& m) {
  w.begin_object();
  w.key("id").value(m.id);
  w.key("name").value(pascal_case(m.id));
  w.key("shortDescription").begin_object().key("text").value(sarif_sentence(m.summary)).end_object();
  w.key("fullDescription").begin_object().key("text").value(sarif_sentence(m.help)).end_object();
  w.key("helpUri").value(fmt::format("{}/blob/main/docs/checks/{}.md", kHomepage, m.id));
  w.key("help").begin_object();
  w.key("text").value(sarif_sentence(m.help));
  w.key("markdown").value(fmt::format("**{}**\n\n{}", m.summary, m.help));
  w.end_object();
  w.key("defaultConfiguration").begin_object().key("level").value(sarif_level(m.default_severity)).end_object();
  w.key("properties").begin_object();
  w.key("tags").begin_array().value(std::string(m.family())).end_array();
  w.end_object();
  w.end_object();
}

void write_artifact(JsonWriter& w, const Report& report, const std::string& path) {
  w.key("artifactLocation").begin_object();
  if (!path.empty() && path[0] == '/') {
    w.key("uri").value("file://" + uri_encode_path(path));  // outside the repository
  } else {
    w.key("uri").value(uri_encode_path(prefixed_path(report.repo_prefix, path)));
    w.key("uriBaseId").value("%SRCROOT%");
  }
  w.end_object();
}

void write_region(JsonWriter& w, const Diagnostic& d) {
  w.key("region").begin_object();
  w.key("startLine").value(d.start.line);
  w.key("startColumn").value(d.start.column_utf16);
  const bool same_line = d.end.line == d.start.line;
  w.key("endLine").value(std::max(d.end.line, d.start.line));
  w.key("endColumn").value(same_line ? std::max(d.end.column_utf16, d.start.column_utf16) : d.end.column_utf16);
  if (!d.source_line.empty()) w.key("snippet").begin_object().key("text").value(d.source_line).end_object();
  w.end_object();
}

void write_driver(JsonWriter& w, const std::vector<const CheckMeta*>& rules) {
  w.key("tool").begin_object().key("driver").begin_object();
  w.key("name").value("archive-lint");
  w.key("version").value(kVersion);
  w.key("semanticVersion").value(kRelease);  // SemVer: the release, without git describe
  w.key("informationUri").value(kHomepage);
  w.key("rules").begin_array();
  for (const auto* r : rules) write_rule(w, *r);
  w.end_array();
  w.end_object().end_object();
}

// A notification that GitHub's per-run limit left results out.
void write_truncation(JsonWriter& w, std::size_t shown, std::size_t total) {
  w.key("invocations").begin_array().begin_object();
  w.key("executionSuccessful").value(true);
  w.key("toolExecutionNotifications").begin_array().begin_object();
  w.key("level").value("warning");
  w.key("message").begin_object().key("text").value(fmt::format(
      "Results truncated: {} of {} results are included, the limit GitHub code scanning accepts per run. "
      "Fix or baseline the rest, or split the run with --shard.", shown, total)).end_object();
  w.end_object().end_array();
  w.end_object().end_array();
}

void write_fix(JsonWriter& w, const Report& report, const Diagnostic& d, const Fix& fix) {
  w.key("fixes").begin_array().begin_object();
  w.key("description").begin_object().key("text").value(sarif_sentence(fix.description)).end_object();
  w.key("artifactChanges").begin_array().begin_object();
  write_artifact(w, report, d.path);
  w.key("replacements").begin_array().begin_object();
  w.key("deletedRegion").begin_object();
  w.key("byteOffset").value(static_cast<unsigned long long>(fix.start_offset));
  w.key("byteLength").value(static_cast<unsigned long long>(fix.end_offset - fix.start_offset));
  w.end_object();
  w.key("insertedContent").begin_object().key("text").value(fix.replacement).end_object();
  w.end_object().end_array();
  w.end_object().end_array();
  w.end_object().end_array();
}

void write_result(JsonWriter& w, const Report& report, const Diagnostic& d, const std::map<std::string, std::size_t>& index) {
  w.begin_object();
  w.key("ruleId").value(d.rule_id);
  if (auto it = index.find(d.rule_id); it != index.end()) w.key("ruleIndex").value(it->second);
  w.key("level").value(sarif_level(d.severity));
  w.key("message").begin_object().key("text").value(sarif_sentence(d.message)).end_object();
  w.key("locations").begin_array().begin_object();
  w.key("physicalLocation").begin_object();
  write_artifact(w, report, d.path);
  if (d.start.line > 0) write_region(w, d);
  w.end_object();
  w.end_object().end_array();
  w.key("partialFingerprints").begin_object();
  w.key("archiveLint/v1").value(d.fingerprint);
  if (!d.line_hash.empty()) w.key("primaryLocationLineHash").value(d.line_hash);
  w.end_object();
  if (d.fix) write_fix(w, report, d, *d.fix);
  w.end_object();
}

class SarifFormatter final : public Formatter {
 public:
  void write(const Report& report, std::ostream& out) const override {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < report.rules.size(); ++i) index[report.rules[i]->id] = i;
    std::string buf;
    JsonWriter w(buf);
    w.begin_object();
    w.key("$schema").value("https://json.schemastore.org/sarif-2.1.0.json");
    w.key("version").value("2.1.0");
    w.key("runs").begin_array().begin_object();
    write_driver(w, report.rules);
    w.key("originalUriBaseIds").begin_object().key("%SRCROOT%").begin_object();
    std::string root = report.root.generic_string();
    if (root.empty() || root.back() != '/') root.push_back('/');
    w.key("uri").value("file://" + uri_encode_path(root));
    w.end_object().end_object();
    if (!report.automation_id.empty()) {
      std::string id = report.automation_id;
      if (id.back() != '/') id.push_back('/');  // "category/": GitHub keeps runs of one category apart
      w.key("automationDetails").begin_object().key("id").value(id).end_object();
    }
    const std::size_t total = report.diagnostics.size();
    const std::size_t shown = std::min(total, report.max_results);
    if (shown < total) write_truncation(w, shown, total);
    w.key("columnKind").value("utf16CodeUnits");
    w.key("results").begin_array();
    for (std::size_t n = 0; n < shown; ++n) write_result(w, report, report.diagnostics[n], index);
    w.end_array();
    w.end_object().end_array();
    w.end_object();
    out << buf;
  }
};

}  // namespace

std::unique_ptr<Formatter> make_sarif_formatter() { return std::make_unique<SarifFormatter>(); }

}  // namespace al
