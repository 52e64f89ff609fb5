#pragma once
// Reporters render Diagnostics; one small interface, one file per format.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "archive_lint/check.hpp"
#include "archive_lint/diagnostic.hpp"
#include "archive_lint/runner.hpp"

namespace al {

struct Report {
  std::vector<Diagnostic> diagnostics;
  std::vector<const CheckMeta*> rules;  // enabled rules, sorted by id
  RunStats stats;
  std::filesystem::path root;           // absolute; SARIF artifact URIs are relative to it (the repository)
  std::string repo_prefix;              // config root relative to `root`, prepended in SARIF and github output
  std::string display_prefix;           // config root relative to the working directory, for text and JSON
  bool color = false;
  std::string automation_id;            // SARIF runAutomationDetails.id, e.g. "archive-lint/pr/"
  std::size_t max_results = 25000;      // SARIF: GitHub's limit of results per run
};

class Formatter {
 public:
  virtual ~Formatter() = default;
  virtual void write(const Report& report, std::ostream& out) const = 0;
};

std::unique_ptr<Formatter> make_text_formatter();
std::unique_ptr<Formatter> make_sarif_formatter();
std::unique_ptr<Formatter> make_json_formatter();
std::unique_ptr<Formatter> make_github_formatter();

// A diagnostic's path with a prefix; absolute paths are left alone.
std::string prefixed_path(const std::string& prefix, const std::string& path);
// nullptr for an unknown name.
std::unique_ptr<Formatter> make_formatter(const std::string& name);

}  // namespace al
