#include <fmt/format.h>

#include "../common.hpp"

namespace al::checks {
namespace {

class NotAtStart final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/not-at-start",
        "Front matter does not start on the first line",
        "Jekyll recognises front matter only when `---` is the very first line of the file, with nothing "
        "before it (a UTF-8 BOM is tolerated). Blank lines or indentation before `---` make Jekyll treat the "
        "block as content: the YAML shows up in the page and the post has no title or date.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const std::uint32_t line = late_front_matter_line(doc);
    if (line == 0) return;
    const std::size_t begin = doc.lines.line_start(line);
    const std::size_t fix_end = begin + doc.line_text(line).size();
    emit.report(begin, fix_end,
                line > 1 ? fmt::format("front matter starts on line {}; Jekyll needs `---` on line 1", line)
                         : std::string("`---` is indented; Jekyll needs it at the start of line 1"),
                Fix{"move `---` to the start of the file", doc.has_bom ? 3u : 0u, fix_end, "---"});
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_not_at_start() { return std::make_unique<NotAtStart>(); }
}  // namespace al::checks
