#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/dates.hpp"
#include "archive_lint/jekyll_date.hpp"

namespace al::checks {
namespace {

class DateInvalid final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/date-invalid",
        "The post date does not exist on the calendar",
        "A date such as `2023-02-29`, `2022-13-01`, `25:00` or `23:59:60` has the right shape but names no "
        "real moment. Jekyll 4.3.1 (Ruby's `Time.parse`) either rejects it, and the build fails with \"does "
        "not have a valid date\" (month 13, day 32, `25:00` without an offset, `24:00:01`), or rolls it over "
        "into another day or minute, which moves the post (`2023-02-30` is read as March 2, `24:00` as the "
        "next day's midnight, second 60 as the next minute, an offset's minute 60 as the next hour). With "
        "`reading: jekyll` (the default) the message says which Jekyll does; `reading: calendar` (the "
        "`news-archive` preset) checks the fields of the `YYYY-MM-DD HH:MM:SS +HHMM` shape against the "
        "calendar alone, and a UTC offset within ±14:00.",
        Severity::error,
        {{"reading", "string", "jekyll", "`jekyll`: as Jekyll reads the date; `calendar`: the fields alone"}}};
    return m;
  }
  void configure(const YAML::Node& options) override {
    const std::string reading = option_string(options, "reading", "jekyll");
    if (reading != "jekyll" && reading != "calendar")
      throw OptionError(fmt::format("option 'reading' must be jekyll or calendar, got '{}'", reading));
    calendar_ = reading == "calendar";
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.front_matter.ok()) return;
    const FrontMatterKey* key = doc.front_matter.find("date");
    if (!key || !key->value.IsScalar()) return;
    const std::string& value = key->value.Scalar();
    const auto [b, e] = value_span(doc, *key);
    if (!calendar_) {
      const JekyllDate d = read_front_matter_date(doc, *key);
      if (d.kind == JekyllDate::Kind::rejected && d.rejected_by_calendar) {
        emit.report(b, e, fmt::format("invalid date '{}': {}; Jekyll fails the build (\"does not have a valid date\")",
                                      value, d.rejection));
      } else if ((d.kind == JekyllDate::Kind::moment || d.kind == JekyllDate::Kind::local) && !d.nonexistent.empty()) {
        const std::string clock = fmt::format("{:02}:{:02}:{:02}", d.hour, d.minute, d.second);
        emit.report(b, e, fmt::format("invalid date '{}': {}; Jekyll reads it as {}", value, d.nonexistent,
                                      d.build_day ? clock + " on the day of the build"
                                                  : fmt::format("{:04}-{:02}-{:02} {}", d.year, d.month, d.day, clock)));
      }
      return;
    }
    const auto date = read_post_date(value);
    if (!date) return;  // not date-shaped: front-matter/date-format reports it
    const std::string problem = calendar_problem(*date);
    if (problem.empty()) return;
    emit.report(b, e, fmt::format("invalid date '{}': {}", value, problem));
  }

 private:
  bool calendar_ = false;
};

}  // namespace
std::unique_ptr<Check> make_front_matter_date_invalid() { return std::make_unique<DateInvalid>(); }
}  // namespace al::checks
