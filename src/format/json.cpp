// archive-lint's own JSON format; schema in docs/json-format.md. Stable: fields
// are only ever added, and `schemaVersion` changes if one is removed.
#include "archive_lint/formatter.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/version.hpp"

namespace al {
namespace {

void write_position(JsonWriter& w, const char* name, const Position& p) {
  w.key(name).begin_object();
  w.key("line").value(p.line);
  w.key("column").value(p.column);
  w.key("columnUtf16").value(p.column_utf16);
  w.key("offset").value(static_cast<unsigned long long>(p.offset));
  w.end_object();
}

class JsonFormatter final : public Formatter {
 public:
  void write(const Report& report, std::ostream& out) const override {
    std::size_t counts[3] = {0, 0, 0};
    for (const auto& d : report.diagnostics) ++counts[static_cast<int>(d.severity)];
    std::string buf;
    JsonWriter w(buf);
    w.begin_object();
    w.key("schemaVersion").value(1);
    w.key("tool").begin_object().key("name").value("archive-lint").key("version").value(kVersion).end_object();
    w.key("summary").begin_object();
    w.key("files").value(static_cast<unsigned long long>(report.stats.files));
    w.key("errors").value(static_cast<unsigned long long>(counts[2]));
    w.key("warnings").value(static_cast<unsigned long long>(counts[1]));
    w.key("notes").value(static_cast<unsigned long long>(counts[0]));
    w.end_object();
    w.key("diagnostics").begin_array();
    for (const auto& d : report.diagnostics) {
      w.begin_object();
      w.key("rule").value(d.rule_id);
      w.key("severity").value(to_string(d.severity));
      w.key("message").value(d.message);
      w.key("path").value(prefixed_path(report.display_prefix, d.path));
      write_position(w, "start", d.start);
      write_position(w, "end", d.end);
      w.key("fingerprint").value(d.fingerprint);
      if (d.fix) {
        w.key("fix").begin_object();
        w.key("description").value(d.fix->description);
        w.key("startOffset").value(static_cast<unsigned long long>(d.fix->start_offset));
        w.key("endOffset").value(static_cast<unsigned long long>(d.fix->end_offset));
        w.key("replacement").value(d.fix->replacement);
        w.end_object();
      }
      w.end_object();
    }
    w.end_array();
    w.end_object();
    out << buf;
  }
};

}  // namespace

std::unique_ptr<Formatter> make_json_formatter() { return std::make_unique<JsonFormatter>(); }

}  // namespace al
