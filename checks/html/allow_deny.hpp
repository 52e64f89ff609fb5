#pragma once
// The `allow`/`deny` options of html/disallowed-element and
// html/disallowed-attribute: lists of names or `*` patterns, compared
// lower-cased.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

#include "archive_lint/check.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {

class AllowDenyList {
 public:
  void configure(const YAML::Node& options) {
    allow_ = lowered(option_string_list(options, "allow", {}));
    deny_ = lowered(option_string_list(options, "deny", {}));
  }
  // Whether any name can be rejected: with both lists empty the rule is off.
  bool active() const { return !allow_.empty() || !deny_.empty(); }
  enum class Verdict { allowed, denied, not_allowed };  // not_allowed: missing from a non-empty `allow`
  Verdict judge(const std::string& name) const {
    if (matches_any(deny_, name)) return Verdict::denied;
    if (!allow_.empty() && !matches_any(allow_, name)) return Verdict::not_allowed;
    return Verdict::allowed;
  }

 private:
  static bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return glob_match(p, name); });
  }
  static std::vector<std::string> lowered(std::vector<std::string> list) {
    for (auto& s : list) s = to_lower_ascii(s);
    return list;
  }
  std::vector<std::string> allow_, deny_;
};

}  // namespace al::checks
