#pragma once
// A post's front-matter `date` as Jekyll 4.3.1 reads it (docs/checks/front-matter/date-format.md):
// the YAML load of Debian's Jekyll (Psych 4 safe_load, Date and Time permitted) makes a plain
// `YYYY-MM-DD HH:MM:SS[ offset]` a Time and anything else a String, then Document#merge_date!
// runs Jekyll::Utils.parse_date(value.to_s), i.e. Ruby's Time.parse, in the site's zone.
// Only the shapes real posts use are modelled; anything else is `not_judged`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace al {

struct JekyllDate {
  enum class Kind {
    not_judged,  // a shape this model does not cover: no finding either way
    rejected,    // Jekyll::Errors::InvalidDateError: the build fails
    moment,      // a fixed moment: fields in `offset_seconds` east of UTC
    local,       // a wall clock in the site's zone (no offset Jekyll honours)
  };
  Kind kind = Kind::not_judged;
  // The moment read, after Ruby's rollovers (2023-02-30 -> 2023-03-02).
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  long nanosecond = 0;
  int offset_seconds = 0;  // for `moment`
  bool build_day = false;  // no date in the text: Jekyll takes the day of the build (year..day unset)
  bool yaml_time = false;  // the YAML load made it a Time (no offset there means UTC, not the site zone)
  // Why the build fails (`rejected`), and whether that is a calendar field out of range.
  std::string rejection;
  bool rejected_by_calendar = false;
  // What Jekyll reads differently from the text, each in words: a dropped offset, an ignored
  // token. `nonexistent` says which field named no real moment and where Ruby rolled it to.
  std::vector<std::string> differences;
  std::string nonexistent;
};

// `plain`: an unquoted YAML scalar (quoted ones are always Strings). `zone`: the site's
// `timezone:` (an IANA name), or none: the build machine's zone, which archive-lint takes as UTC.
JekyllDate read_jekyll_date(std::string_view scalar, bool plain, std::optional<std::string_view> zone = std::nullopt);

struct Document;
struct FrontMatterKey;
// read_jekyll_date on a post's `date` key: plain or quoted as the source spells it; `date:`
// with no value is Psych's nil, which Jekyll reads as "". A list or mapping is not judged.
JekyllDate read_front_matter_date(const Document& doc, const FrontMatterKey& key,
                                  std::optional<std::string_view> zone = std::nullopt);

// Seconds since the epoch of a `moment` reading; a `local` one taken as UTC.
long long jekyll_epoch(const JekyllDate& date);

}  // namespace al
