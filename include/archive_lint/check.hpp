#pragma once
// The check interface and rule metadata. Metadata is data: `rules`, `explain`,
// the docs test and SARIF `rules[]` are all generated from CheckMeta.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "archive_lint/diagnostic.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/yaml_read.hpp"

namespace al {

struct Config;

struct OptionSpec {
  std::string name;
  std::string type;           // "string", "string-list", "bool", "integer", "map"
  std::string default_value;  // YAML text, shown by `explain`
  std::string description;
};

enum class Stage { document, archive, links, runner };

struct CheckMeta {
  std::string id;       // family/name
  std::string summary;  // one line
  std::string help;     // paragraphs
  Severity default_severity = Severity::error;
  std::vector<OptionSpec> options;
  bool enabled_by_default = true;
  bool fixable = false;
  // Where the findings come from: a function of one Document (check()), of
  // the archive index (ArchiveCheck::check_archive), the link pass that runs
  // after both (check() is a no-op; tested against a loopback server, not with
  // fixtures), or the runner when another check fails (check() is a no-op; no
  // shipped input triggers it, so tests inject a failing check).
  Stage stage = Stage::document;
  // check() also runs on a Document that could not be read (io/unreadable
  // reports that); every other check skips such a document.
  bool checks_unreadable = false;

  std::string_view family() const { return std::string_view(id).substr(0, id.find('/')); }
};

// Check::configure throws OptionError (archive_lint/yaml_read.hpp) for a bad
// option value; reported with exit code 2 as `file:line:col: rule 'id': message`,
// like every other config error.

// Collects a check's findings for one document. At most kMaxFindingsPerRule
// are listed per rule and file; the rest are counted, and one last finding
// ("... and N more") says how many were left out (docs/limits.md). Findings
// on lines the post suppresses are dropped here, so they do not count.
class Emitter {
 public:
  Emitter(const Document& doc, std::string_view rule_id, Severity severity,
          std::vector<Diagnostic>& out)
      : doc_(doc), rule_id_(rule_id), severity_(severity), out_(out) {}
  // Appends the "... and N more" finding when some were left out: in the
  // destructor, so every place that runs a check gets it without a call.
  ~Emitter();
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  // Reports bytes [begin, end) of the file; end == begin marks a point.
  void report(std::size_t begin, std::size_t end, std::string message,
              std::optional<Fix> fix = std::nullopt);
  // Reports a whole line (1-based) when no finer location exists.
  void report_line(std::uint32_t line, std::string message);
  // True once the cap is reached: a check may then call omit() instead of
  // building a message that would not be shown.
  bool full() const { return listed_ >= kMaxFindingsPerRule; }
  // Counts a finding at begin..end without listing it (it still honours suppressions).
  void omit(std::size_t begin, std::size_t end);

  const Document& document() const { return doc_; }

 private:
  bool suppressed(std::size_t begin) const;
  void push(std::size_t begin, std::size_t end, std::string message, std::optional<Fix> fix);

  const Document& doc_;
  std::string_view rule_id_;
  Severity severity_;
  std::vector<Diagnostic>& out_;
  std::size_t listed_ = 0;
  std::size_t omitted_ = 0;
  std::size_t first_omitted_begin_ = 0;
  std::size_t first_omitted_end_ = 0;
};

class Check {
 public:
  virtual ~Check() = default;
  virtual const CheckMeta& meta() const = 0;
  // Options come from the config, already merged with the preset; keys were
  // validated against meta().options. Compile patterns here, once.
  virtual void configure(const YAML::Node& options) { (void)options; }
  // Settings that several rules share (e.g. the `attribution:` block). Called
  // before configure(); throws ConfigError naming the config file.
  virtual void configure_shared(const Config& config) { (void)config; }
  // Pure: the same document and options always give the same findings.
  virtual void check(const Document& doc, Emitter& emit) const = 0;
};

using CheckFactory = std::function<std::unique_ptr<Check>()>;

// A check (or the link pass) that throws on one file gives this finding on
// that file, and the run goes on with the other checks and files.
inline constexpr std::string_view kCheckFailedRule = "internal/check-failed";
// Its message, for the exception being handled (call it inside a catch block):
// "<what_failed>: <the exception in words>; <consequence>. This is a bug...".
std::string check_failure_message(std::string_view what_failed, std::string_view consequence);

// Helpers for configure(): yaml_read with the subject "option '<name>'", and
// the fallback when the option is absent.
std::string option_string(const YAML::Node& options, const std::string& name, const std::string& fallback);
std::vector<std::string> option_string_list(const YAML::Node& options, const std::string& name,
                                            const std::vector<std::string>& fallback);
bool option_bool(const YAML::Node& options, const std::string& name, bool fallback);
long option_int(const YAML::Node& options, const std::string& name, long fallback);

}  // namespace al
