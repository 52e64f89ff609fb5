#pragma once
// Accepted findings, so that a CI gate fails only on new problems. Findings
// match by rule, file and content fingerprint (not line number), so edits
// above a finding do not revive it.
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "archive_lint/diagnostic.hpp"

namespace al {

class Baseline {
 public:
  // Throws std::runtime_error naming file:line:col for a malformed file.
  static Baseline load(const std::filesystem::path& file);
  static Baseline from(const std::vector<Diagnostic>& diagnostics);

  // Removes the findings the baseline accepts (each entry accepts one finding)
  // and returns how many were removed.
  std::size_t filter(std::vector<Diagnostic>& diagnostics) const;
  std::string serialise() const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string rule, path, fingerprint, message;
  };
  std::vector<Entry> entries_;
};

}  // namespace al
