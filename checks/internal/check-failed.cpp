// internal/check-failed: the runner reports it when a check throws on one file
// (src/runner.cpp, src/archive.cpp, src/links/pass.cpp); check() does nothing.
// Registered like every rule so that severity, `rules`, `explain` and SARIF
// rules[] know it.
#include "archive_lint/check.hpp"

namespace al::checks {
namespace {

class CheckFailed final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = std::string(kCheckFailedRule),
        .summary = "A check failed on this file, so its findings here may be incomplete",
        .help = "One of archive-lint's checks stopped with an error on this file: a bug in archive-lint, usually met on "
            "unusual input. Instead of ending the run (and losing every other finding), the failure becomes this finding "
            "on the file, naming the check and the error in words; the other checks and files are checked as usual. "
            "Report it with the file. A file that cannot even be parsed gets it too, and no other finding.",
        .default_severity = Severity::error,
        .options = {},
        .stage = Stage::runner,
    };
    return m;
  }
  void check(const Document&, Emitter&) const override {}
};

}  // namespace
std::unique_ptr<Check> make_internal_check_failed() { return std::make_unique<CheckFailed>(); }
}  // namespace al::checks
