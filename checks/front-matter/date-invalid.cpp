#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/dates.hpp"

namespace al::checks {
namespace {

class DateInvalid final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/date-invalid",
        "The post date does not exist on the calendar",
        "A date such as `2021-02-29`, `2022-13-01` or `25:00` has the right shape but names no real moment. "
        "Ruby either rejects it (the build fails with `invalid date`) or rolls it over into another day, "
        "which moves the post. Checks month, day (leap years included), hour, minute, second and a UTC "
        "offset within ±14:00.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (!doc.front_matter.ok()) return;
    const FrontMatterKey* key = doc.front_matter.find("date");
    if (!key || !key->value.IsScalar()) return;
    const auto date = read_post_date(key->value.Scalar());
    if (!date) return;  // not date-shaped: front-matter/date-format reports it
    const std::string problem = calendar_problem(*date);
    if (problem.empty()) return;
    const auto [b, e] = value_span(doc, *key);
    emit.report(b, e, fmt::format("invalid date '{}': {}", key->value.Scalar(), problem));
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_date_invalid() { return std::make_unique<DateInvalid>(); }
}  // namespace al::checks
