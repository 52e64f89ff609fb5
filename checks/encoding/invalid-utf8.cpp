#include <fmt/format.h>

#include "archive_lint/check.hpp"

namespace al::checks {
namespace {

class InvalidUtf8 final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "encoding/invalid-utf8",
        "The file is not valid UTF-8",
        "Jekyll reads posts as UTF-8; a byte sequence that is not UTF-8 (often a GBK or Latin-1 file, or a "
        "truncated multi-byte character) makes the build fail with `invalid byte sequence in UTF-8` or "
        "shows as mojibake. The finding points at the first bad byte and names it in hex. Re-encode the "
        "file, for example `iconv -f GBK -t UTF-8`.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.invalid_utf8_offset) return;
    const std::size_t at = *doc.invalid_utf8_offset;
    emit.report(at, at + 1,
                fmt::format("invalid UTF-8 byte 0x{:02X}; the file must be UTF-8",
                            static_cast<unsigned char>(doc.bytes[at])));
  }
};

}  // namespace
std::unique_ptr<Check> make_encoding_invalid_utf8() { return std::make_unique<InvalidUtf8>(); }
}  // namespace al::checks
