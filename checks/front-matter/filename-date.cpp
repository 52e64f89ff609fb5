#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/dates.hpp"
#include "archive_lint/jekyll_date.hpp"
#include "archive_lint/site.hpp"

namespace al::checks {
namespace {

class FilenameDate final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/filename-date",
        "The date in the file name differs from the front-matter date",
        "A post named `YYYY-MM-DD-slug.ext` should carry the same calendar date in its front matter. "
        "When they differ, Jekyll files the post under the front-matter date, so its URL does not match "
        "its name and links built from the file name break. By default the date is the day Jekyll puts "
        "in the URL: the front-matter date as Jekyll reads it, in the site's `timezone:` (UTC when none), "
        "so `2022-01-20 06:00:00 +0800` in a UTC site is the 19th. `compare_in: post_offset` reads it in "
        "the post's own UTC offset instead (the 20th), for archives whose file names follow the author's "
        "clock. A warning by default, since Jekyll documents that the front-matter date wins; the "
        "`news-archive` preset, whose file names are the archive's links, makes it an error and compares "
        "in the post's offset.",
        Severity::warning,
        {{"compare_in", "string", "site_zone",
          "`site_zone`: the day of the post's URL, in the site's time zone; `post_offset`: the day in the "
          "offset the date is written with"}}};
    return m;
  }
  void configure_shared(const Config& config) override {
    zone_.reset();
    if (config.jekyll && config.jekyll->timezone) zone_ = *config.jekyll->timezone;
  }
  void configure(const YAML::Node& options) override {
    const std::string compare_in = option_string(options, "compare_in", "site_zone");
    if (compare_in != "site_zone" && compare_in != "post_offset")
      throw OptionError(fmt::format("option 'compare_in' must be site_zone or post_offset, got '{}'", compare_in));
    in_post_offset_ = compare_in == "post_offset";
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.front_matter.ok()) return;
    const auto name = doc.file_name();
    const auto from_name = read_post_date(name.substr(0, 10));
    if (name.size() < 11 || name[10] != '-' || !from_name || !calendar_problem(*from_name).empty()) return;
    const FrontMatterKey* key = doc.front_matter.find("date");
    if (!key || !key->value.IsScalar()) return;
    const auto day = in_post_offset_ ? day_in_post_offset(key->value.Scalar()) : day_in_site_zone(doc, *key);
    if (!day) return;
    const auto [y, m, d, has_offset] = *day;
    if (y == from_name->year && m == from_name->month && d == from_name->day) return;
    const auto [b, e] = value_span(doc, *key);
    const char* how = !has_offset         ? ""
                      : in_post_offset_   ? " (compared in the post's own UTC offset)"
                      : zone_             ? " (the day of the post's URL, in the site's time zone)"
                                          : " (the day of the post's URL, in UTC: the site sets no timezone)";
    emit.report(b, e, fmt::format("front-matter date {:04}-{:02}-{:02} does not match the file name's date {}{}", y,
                                  m, d, name.substr(0, 10), how));
  }

 private:
  struct Day {
    int year, month, day;
    bool has_offset;
  };
  static std::optional<Day> day_in_post_offset(const std::string& text) {
    const auto date = read_post_date(text);
    if (!date || !calendar_problem(*date).empty()) return std::nullopt;
    return Day{date->year, date->month, date->day, date->has_offset};
  }
  // The day Jekyll's URL shows: a moment turned to the site's zone, a wall clock as it is.
  std::optional<Day> day_in_site_zone(const Document& doc, const FrontMatterKey& key) const {
    const JekyllDate d = read_front_matter_date(doc, key, zone_ ? std::optional<std::string_view>(zone_->name)
                                                                 : std::nullopt);
    if ((d.kind != JekyllDate::Kind::moment && d.kind != JekyllDate::Kind::local) || d.build_day ||
        !d.nonexistent.empty())
      return std::nullopt;  // rejected, rolled over or not modelled: the date rules speak
    if (d.kind == JekyllDate::Kind::local) return Day{d.year, d.month, d.day, false};
    const long long epoch = jekyll_epoch(d);
    const PostDate local = civil_from_epoch(epoch, zone_ ? zone_->offset_at(epoch) : 0);
    return Day{local.year, local.month, local.day, true};
  }

  std::optional<TimeZone> zone_;
  bool in_post_offset_ = false;
};

}  // namespace
std::unique_ptr<Check> make_front_matter_filename_date() { return std::make_unique<FilenameDate>(); }
}  // namespace al::checks
