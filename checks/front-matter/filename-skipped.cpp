#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/dates.hpp"
#include "archive_lint/permalink.hpp"

namespace al::checks {
namespace {

class FilenameSkipped final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/filename-skipped",
        "Jekyll would silently skip this file in _posts",
        "Jekyll publishes a file in `_posts/` only when its name matches `YYYY-MM-DD-title.ext` "
        "(Document::DATE_FILENAME_MATCHER) and is not a hidden, special or backup file: names starting "
        "with `.`, `_` or `#`, or ending with `~`, are filtered out (EntryFilter). A file name with an "
        "impossible date (`2021-02-30-x.md`) stops the build with `InvalidDateError`. None of these give a "
        "warning in Jekyll, so the post just never appears.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const std::string_view p = doc.path;
    if (!(p.rfind("_posts/", 0) == 0 || p.find("/_posts/") != std::string_view::npos)) return;
    const std::string_view name = doc.file_name();
    if (name.empty()) return;
    if (name[0] == '.' || name[0] == '_' || name[0] == '#' || name.back() == '~') {
      emit.report(0, 0, fmt::format("'{}' is a hidden, special or backup name; Jekyll ignores it", name));
      return;
    }
    const auto parts = jekyll_post_name(name);
    if (!parts) {
      emit.report(0, 0, fmt::format("'{}' does not match YYYY-MM-DD-title.ext; Jekyll skips it without a warning", name));
      return;
    }
    PostDate date;
    date.year = parts->year;
    date.month = parts->month;
    date.day = parts->day;
    const std::string problem = calendar_problem(date);
    if (!problem.empty())
      emit.report(0, 0, fmt::format("the date in the file name is invalid ({}); `jekyll build` fails", problem));
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_filename_skipped() { return std::make_unique<FilenameSkipped>(); }
}  // namespace al::checks
