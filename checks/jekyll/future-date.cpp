#include <fmt/format.h>

#include <chrono>

#include "../common.hpp"
#include "archive_lint/dates.hpp"
#include "archive_lint/jekyll_date.hpp"

namespace al::checks {
namespace {

class FutureDate final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "jekyll/future-date",
        "A post dated in the future, which Jekyll does not publish",
        "Jekyll skips posts dated after the build time unless the site sets `future: true`, and says "
        "nothing about it: checked with Jekyll 4.3.1, a post dated 2030 builds with exit code 0 and no "
        "file in `_site`. A scraper that writes the wrong year, or a time zone error near midnight, "
        "hides a post this way. The date is the front-matter `date` as Jekyll reads it (see "
        "front-matter/date-format: a dropped offset is dropped here too), else the file name's. A date "
        "without an offset Jekyll honours is in the site's zone: with no `timezone`, taken as UTC; with one, "
        "reported only when it is in the future in every zone (14 hours ahead of UTC at most). Set "
        "`future: true` here when the site does. `now` fixes the reference time (for reproducible runs).",
        Severity::warning,
        {{"future", "bool", "false", "the site sets Jekyll's `future: true`: nothing to report"},
         {"now", "string", "(the current time)", "reference time, e.g. '2024-01-01 00:00:00 +0000'"},
         {"timezone", "string", "(none: the build machine's, taken as UTC)",
          "the site's `timezone:` from `_config.yml`, an IANA name"}}};
    return m;
  }
  void configure(const YAML::Node& options) override {
    future_ = option_bool(options, "future", false);
    const std::string now = option_string(options, "now", "");
    if (!now.empty()) {
      const auto d = read_post_date(now);
      if (!d || !calendar_problem(*d).empty())
        throw OptionError(fmt::format("option 'now' must be a date like '2024-01-01 00:00:00 +0000', got '{}'", now));
      now_ = epoch_seconds(*d);
    }
    if (const std::string zone = option_string(options, "timezone", ""); !zone.empty()) timezone_ = zone;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (future_ || !doc.is_post() || !doc.front_matter.ok()) return;
    const long long now = now_ ? *now_
                               : std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
    if (const auto* key = doc.front_matter.find("date")) {
      if (!key->value.IsScalar()) return;
      const JekyllDate d = read_front_matter_date(doc, *key, timezone_);
      // Rejected, not modelled, or on the build's own day: front-matter/date-* report it.
      if ((d.kind != JekyllDate::Kind::moment && d.kind != JekyllDate::Kind::local) || d.build_day) return;
      // A wall clock in a zone the site names is at most 14 hours ahead of UTC.
      const long long latest_offset = d.kind == JekyllDate::Kind::local && timezone_ ? 14 * 3600 : 0;
      if (jekyll_epoch(d) - latest_offset <= now) return;
      const auto [b, e] = value_span(doc, *key);
      emit.report(b, e, fmt::format("post is dated {}, in the future: Jekyll will not publish it until then (unless "
                                    "the site sets `future: true`)",
                                    key->value.Scalar()));
      return;
    }
    const std::string_view name = doc.file_name();
    if (name.size() < 10) return;
    const auto d = read_post_date(name.substr(0, 10));
    if (!d || !calendar_problem(*d).empty() || epoch_seconds(*d) <= now) return;
    emit.report(doc.front_matter.open_offset, doc.front_matter.open_offset + 3,
                fmt::format("the file name dates the post {}, in the future: Jekyll will not publish it until then",
                            name.substr(0, 10)));
  }

 private:
  bool future_ = false;
  std::optional<long long> now_;
  std::optional<std::string> timezone_;
};

}  // namespace
std::unique_ptr<Check> make_jekyll_future_date() { return std::make_unique<FutureDate>(); }
}  // namespace al::checks
