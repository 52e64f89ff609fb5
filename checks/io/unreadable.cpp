#include "archive_lint/check.hpp"

namespace al::checks {
namespace {

class Unreadable final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "io/unreadable",
        .summary = "The file could not be read",
        .help = "archive-lint could not open or read the file (permissions, a dangling symlink, a directory "
                "where a file was expected, an I/O error). No other check runs on it. The message carries the "
                "operating system's reason.",
        .default_severity = Severity::error,
        .options = {},
        .enabled_by_default = true,
        .fixable = false,
        .stage = Stage::document,
        .checks_unreadable = true};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.readable) emit.report(0, 0, "cannot read file: " + doc.read_error);
  }
};

}  // namespace
std::unique_ptr<Check> make_io_unreadable() { return std::make_unique<Unreadable>(); }
}  // namespace al::checks
