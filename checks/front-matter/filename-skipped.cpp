#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/dates.hpp"

namespace al::checks {
namespace {

bool digits(std::string_view s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max && s.find_first_not_of("0123456789") == std::string_view::npos;
}

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
    // (\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$
    const auto d1 = name.find('-');
    const auto d2 = d1 == std::string_view::npos ? d1 : name.find('-', d1 + 1);
    const auto d3 = d2 == std::string_view::npos ? d2 : name.find('-', d2 + 1);
    const auto dot = name.rfind('.');
    const bool shaped = d3 != std::string_view::npos && digits(name.substr(0, d1), 2, 4) &&
                        digits(name.substr(d1 + 1, d2 - d1 - 1), 1, 2) && digits(name.substr(d2 + 1, d3 - d2 - 1), 1, 2) &&
                        dot != std::string_view::npos && dot > d3 && dot + 1 < name.size();
    if (!shaped) {
      emit.report(0, 0, fmt::format("'{}' does not match YYYY-MM-DD-title.ext; Jekyll skips it without a warning", name));
      return;
    }
    PostDate date;
    date.year = std::stoi(std::string(name.substr(0, d1)));
    date.month = std::stoi(std::string(name.substr(d1 + 1, d2 - d1 - 1)));
    date.day = std::stoi(std::string(name.substr(d2 + 1, d3 - d2 - 1)));
    const std::string problem = calendar_problem(date);
    if (!problem.empty())
      emit.report(0, 0, fmt::format("the date in the file name is invalid ({}); `jekyll build` fails", problem));
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_filename_skipped() { return std::make_unique<FilenameSkipped>(); }
}  // namespace al::checks
