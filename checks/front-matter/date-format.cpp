#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/dates.hpp"

namespace al::checks {
namespace {

class DateFormat final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/date-format",
        "The post date is not in the expected format",
        "Jekyll documents post dates as `YYYY-MM-DD HH:MM:SS +/-TTTT`. Other spellings (`2022/01/20`, a "
        "missing offset, `+08:00:00`) are read differently by Ruby's parser or fail, and the post's URL or "
        "order changes. `formats` lists the accepted patterns: `%Y %m %d %H %M %S` are two-digit fields "
        "(four for the year), `%z` is `+HHMM`, `%:z` is `+HH:MM`, `%Z` is `Z` or an offset, `%%` is a "
        "percent sign; anything else is literal. Only the shape is checked here; "
        "front-matter/date-invalid checks the calendar.",
        Severity::error,
        {{"formats", "string-list", "[\"%Y-%m-%d %H:%M:%S %z\"]", "accepted date patterns"}}};
    return m;
  }
  void configure(const YAML::Node& options) override {
    formats_ = option_string_list(options, "formats", {"%Y-%m-%d %H:%M:%S %z"});
    if (formats_.empty()) throw OptionError("option 'formats' needs at least one pattern");
    for (const auto& f : formats_) {
      try {
        validate_date_pattern(f);
      } catch (const std::invalid_argument& e) {
        throw OptionError(fmt::format("option 'formats': '{}': {}", f, e.what()));
      }
    }
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.front_matter.ok()) return;
    const FrontMatterKey* key = doc.front_matter.find("date");
    if (!key || !key->value.IsScalar() || key->value.Scalar().empty()) return;
    const std::string& value = key->value.Scalar();
    for (const auto& f : formats_) {
      if (matches_date_pattern(f, value)) return;
    }
    std::string expected;
    for (const auto& f : formats_) expected += (expected.empty() ? "" : " or ") + describe_date_pattern(f);
    const auto [b, e] = value_span(doc, *key);
    emit.report(b, e, fmt::format("date '{}' is not in the format {}", value, expected));
  }

 private:
  std::vector<std::string> formats_;
};

}  // namespace
std::unique_ptr<Check> make_front_matter_date_format() { return std::make_unique<DateFormat>(); }
}  // namespace al::checks
