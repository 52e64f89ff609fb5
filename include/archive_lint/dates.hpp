#pragma once
// Post dates: Jekyll's `YYYY-MM-DD HH:MM:SS +HHMM` and configurable patterns.
#include <optional>
#include <string>
#include <string_view>

namespace al {

struct PostDate {
  int year = 0, month = 0, day = 0;
  int hour = 0, minute = 0, second = 0;
  bool has_time = false;
  bool has_offset = false;
  int offset_minutes = 0;  // east of UTC
};

// Lenient numeric reading of what Jekyll/Ruby would try to read as a date:
// `YYYY-MM-DD`, optional `[ T]HH:MM[:SS[.frac]]`, optional `Z`, `±HHMM` or `±HH:MM`.
// Returns nullopt when the shape is not a date at all; does not check ranges.
std::optional<PostDate> read_post_date(std::string_view text);

// Empty when the fields form a real calendar date and clock time; otherwise
// says which field is out of range, e.g. "day 30 does not exist in February 2021".
std::string calendar_problem(const PostDate& date);

int days_in_month(int year, int month);

// Seconds since 1970-01-01T00:00:00Z of the moment a date names, in its own
// UTC offset (no offset: UTC). Meaningful only when calendar_problem() is empty.
long long epoch_seconds(const PostDate& date);
// Days since 1970-01-01 of a proleptic Gregorian date.
long long days_from_civil(long long year, unsigned month, unsigned day);
// The wall clock `offset_seconds` east of UTC at a moment (seconds since the epoch).
PostDate civil_from_epoch(long long seconds, int offset_seconds);

// A format pattern: %Y %m %d %H %M %S, %z (+HHMM), %:z (+HH:MM), %Z (Z or
// an offset), %%; other characters are literal. Checks the shape only.
bool matches_date_pattern(std::string_view pattern, std::string_view text);
// "%Y-%m-%d %H:%M:%S %z" -> "YYYY-MM-DD HH:MM:SS +HHMM", for messages.
std::string describe_date_pattern(std::string_view pattern);
// Throws std::invalid_argument for an unknown % directive.
void validate_date_pattern(std::string_view pattern);

}  // namespace al
