#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/dates.hpp"
#include "archive_lint/jekyll_date.hpp"

namespace al::checks {
namespace {

// The words of `value` Jekyll reads differently, joined for one message.
std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// The value for a one-line message: control characters (a quoted "\n") written as escapes.
std::string one_line(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
    else out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
  }
  return out;
}

class DateFormat final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/date-format",
        "Jekyll cannot read the post date, or reads it differently from what it says",
        "Without `formats` (the `jekyll` preset), the date is read as Jekyll 4.3.1 reads it: the YAML load, "
        "then Ruby's `Time.parse`. Reported: a date Jekyll cannot read at all (the build fails with \"does not "
        "have a valid date\"), and one it reads differently from the text: an offset it drops (`2023-08-10 "
        "+0800`, `+800`, `UTC+8`), a token it ignores, a time without a date (the post moves to the day of "
        "each build), a YAML timestamp without an offset read as UTC when `timezone` says otherwise. Any "
        "spelling Jekyll reads as written gets no finding. With `formats` (the `news-archive` preset), the "
        "date must match one of the patterns: `%Y %m %d %H %M %S` are two-digit fields (four for the "
        "year), `%z` is `+HHMM`, `%:z` is `+HH:MM`, `%Z` is `Z` or an offset, `%%` is a percent sign; "
        "anything else is literal. Only the shape is checked here; front-matter/date-invalid checks the "
        "calendar.",
        Severity::error,
        {{"formats", "string-list", "[] (read as Jekyll does)", "accepted date patterns; set: the strict format"},
         {"timezone", "string", "(none: the build machine's, taken as UTC)",
          "the site's `timezone:` from `_config.yml`, an IANA name"}}};
    return m;
  }
  void configure(const YAML::Node& options) override {
    formats_ = option_string_list(options, "formats", {});
    if (formats_.empty() && options["formats"])
      throw OptionError("option 'formats' needs at least one pattern (leave it out to read dates as Jekyll does)");
    for (const auto& f : formats_) {
      try {
        validate_date_pattern(f);
      } catch (const std::invalid_argument& e) {
        throw OptionError(fmt::format("option 'formats': '{}': {}", f, e.what()));
      }
    }
    if (const std::string zone = option_string(options, "timezone", ""); !zone.empty()) timezone_ = zone;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.front_matter.ok()) return;
    const FrontMatterKey* key = doc.front_matter.find("date");
    if (!key) return;
    if (formats_.empty()) return check_as_jekyll(doc, *key, emit);
    if (!key->value.IsScalar() || key->value.Scalar().empty()) return;
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
  void check_as_jekyll(const Document& doc, const FrontMatterKey& key, Emitter& emit) const {
    const JekyllDate d = read_front_matter_date(doc, key, timezone_);
    const std::string value = key.value.IsScalar() ? one_line(key.value.Scalar()) : std::string();
    const auto [b, e] = value_span(doc, key);
    if (d.kind == JekyllDate::Kind::rejected && !d.rejected_by_calendar) {
      emit.report(b, e, fmt::format("Jekyll cannot read date '{}' ({}): the build fails with \"does not have a "
                                    "valid date\"",
                                    value, d.rejection));
    } else if ((d.kind == JekyllDate::Kind::moment || d.kind == JekyllDate::Kind::local) && !d.differences.empty()) {
      emit.report(b, e, fmt::format("Jekyll reads date '{}' differently from what it says: it {}", value,
                                    joined(d.differences)));
    }
  }

  std::vector<std::string> formats_;
  std::optional<std::string> timezone_;
};

}  // namespace
std::unique_ptr<Check> make_front_matter_date_format() { return std::make_unique<DateFormat>(); }
}  // namespace al::checks
