#include "../common.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

class Missing final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/missing",
        "A post has no front matter",
        "Jekyll only treats a file in `_posts/` as a post when it starts with a YAML front-matter block "
        "(`---` on the first line). Without one the file is silently copied as a static file and never "
        "published. Applies to files in `_posts/` or `_drafts/` and to files named `YYYY-MM-DD-slug.ext`.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (doc.front_matter.state != FrontMatter::State::absent || !doc.is_post()) return;
    std::string_view text = doc.text();
    if (doc.has_bom) text.remove_prefix(3);
    if (trim(text).empty()) return;                 // io/empty-file says it
    if (late_front_matter_line(doc) != 0) return;   // front-matter/not-at-start says it
    emit.report(0, 0, "post has no front matter; Jekyll will copy it as a static file, not publish it");
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_missing() { return std::make_unique<Missing>(); }
}  // namespace al::checks
