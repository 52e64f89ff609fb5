#include "../common.hpp"

namespace al::checks {
namespace {

class Unterminated final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/unterminated",
        "Front matter is opened with `---` but never closed",
        "The block that starts with `---` on line 1 must end with a line holding `---` (or `...`). "
        "Without it Jekyll does not see front matter at all: the post is copied as a static file, YAML and "
        "all. Usually the closing line was lost when a script wrote the file.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (doc.front_matter.state != FrontMatter::State::unterminated) return;
    const std::size_t open = doc.front_matter.open_offset;
    emit.report(open, open + 3, "front matter opened here is never closed with `---` or `...`");
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_unterminated() { return std::make_unique<Unterminated>(); }
}  // namespace al::checks
