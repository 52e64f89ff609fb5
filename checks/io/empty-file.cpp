#include "archive_lint/check.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

class EmptyFile final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "io/empty-file",
        "The file is empty or holds only white space",
        "An empty post has no front matter, so Jekyll copies it as a static file instead of publishing "
        "a post. It is usually a script that failed half-way. Delete the file or fill it in.",
        Severity::warning, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    std::string_view text = doc.text();
    if (doc.has_bom) text.remove_prefix(3);
    if (trim(text).empty()) emit.report(0, 0, doc.bytes.empty() ? "file is empty" : "file holds only white space");
  }
};

}  // namespace
std::unique_ptr<Check> make_io_empty_file() { return std::make_unique<EmptyFile>(); }
}  // namespace al::checks
