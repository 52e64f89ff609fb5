#pragma once
// The reachability rules. Their findings come from the link pass
// (src/links/pass.cpp), which runs once per run after the per-file checks;
// check() is a no-op, and the metadata feeds `rules`, `explain`, config
// severities and SARIF rules[]. One file per rule, like every other check.
#include <memory>

#include "archive_lint/check.hpp"

namespace al::checks {

class NetworkRule final : public Check {
 public:
  explicit NetworkRule(const CheckMeta& meta) : meta_(meta) {}
  const CheckMeta& meta() const override { return meta_; }
  void check(const Document&, Emitter&) const override {}

 private:
  const CheckMeta& meta_;
};

inline constexpr const char* kNetworkRuleOptionsNote =
    " Engine settings (timeouts, concurrency, retries, cache, exclusions, accepted status codes) live under the "
    "top-level `links:` key of .archive-lint.yml, not under this rule; see docs/links.md.";

}  // namespace al::checks
