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
  std::filesystem::path root;           // absolute; artifact URIs are relative to it
  bool color = false;
};

class Formatter {
 public:
  virtual ~Formatter() = default;
  virtual void write(const Report& report, std::ostream& out) const = 0;
};

std::unique_ptr<Formatter> make_text_formatter();
std::unique_ptr<Formatter> make_sarif_formatter();
std::unique_ptr<Formatter> make_json_formatter();
// nullptr for an unknown name.
std::unique_ptr<Formatter> make_formatter(const std::string& name);

}  // namespace al
