#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/dates.hpp"

namespace al::checks {
namespace {

class FilenameDate final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/filename-date",
        "The date in the file name differs from the front-matter date",
        "A post named `YYYY-MM-DD-slug.ext` must carry the same calendar date in its front matter, read in "
        "the post's own UTC offset: `2022-01-20 06:00:00 +0800` belongs in a `2022-01-20-` file even though "
        "it is still the 19th in UTC. When they differ, Jekyll files the post under the front-matter date, "
        "so its URL does not match its name and links built from the file name break. A warning by "
        "default, since Jekyll documents that the front-matter date wins; the `news-archive` preset, "
        "whose file names are the archive's links, makes it an error.",
        Severity::warning, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.front_matter.ok()) return;
    const auto name = doc.file_name();
    const auto from_name = read_post_date(name.substr(0, 10));
    if (name.size() < 11 || name[10] != '-' || !from_name || !calendar_problem(*from_name).empty()) return;
    const FrontMatterKey* key = doc.front_matter.find("date");
    if (!key || !key->value.IsScalar()) return;
    const auto date = read_post_date(key->value.Scalar());
    if (!date || !calendar_problem(*date).empty()) return;
    if (date->year == from_name->year && date->month == from_name->month && date->day == from_name->day) return;
    const auto [b, e] = value_span(doc, *key);
    emit.report(b, e,
                fmt::format("front-matter date {:04}-{:02}-{:02} does not match the file name's date {}{}", date->year,
                            date->month, date->day, name.substr(0, 10),
                            date->has_offset ? " (compared in the post's own UTC offset)" : ""));
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_filename_date() { return std::make_unique<FilenameDate>(); }
}  // namespace al::checks
