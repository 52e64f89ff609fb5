#include "archive_lint/check.hpp"

namespace al::checks {
namespace {

class NulByte final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "encoding/nul-byte",
        "The file contains a NUL byte",
        "A NUL byte means the file is binary, UTF-16, or was corrupted on write. Git treats it as binary "
        "and Jekyll's output is cut or garbled. The finding points at the first NUL.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (doc.nul_offset) emit.report(*doc.nul_offset, *doc.nul_offset + 1, "NUL byte in a text file (binary or UTF-16 content?)");
  }
};

}  // namespace
std::unique_ptr<Check> make_encoding_nul_byte() { return std::make_unique<NulByte>(); }
}  // namespace al::checks
