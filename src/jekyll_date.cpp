// A front-matter date as Jekyll 4.3.1 reads it; see include/archive_lint/jekyll_date.hpp and
// docs/checks/front-matter/date-format.md. Each step names the Ruby code it follows:
// Psych::ScalarScanner#tokenize/#parse_time (psych 4.0.3), Date._parse (date_parse.c),
// Time.parse/make_time/zone_offset (time.rb) and Time.utc/local's argument checks (time.c).
// One left-to-right pass over the text: linear, no backtracking.
#include "archive_lint/jekyll_date.hpp"

#include <fmt/format.h>

#include <array>
#include <tuple>

#include "archive_lint/dates.hpp"
#include "archive_lint/document.hpp"

namespace al {
namespace {

using Kind = JekyllDate::Kind;

bool digit(char c) { return c >= '0' && c <= '9'; }
bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool blank(char c) { return c == ' ' || c == '\t'; }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

// A cursor over the text.
struct Scan {
  std::string_view s;
  std::size_t p = 0;
  bool end() const { return p >= s.size(); }
  char peek(std::size_t k = 0) const { return p + k < s.size() ? s[p + k] : '\0'; }
  void blanks() {
    while (!end() && blank(s[p])) ++p;
  }
  // Up to `max` digits (at least `min`); -1 when fewer.
  long number(std::size_t min, std::size_t max) {
    std::size_t n = 0;
    long v = 0;
    while (n < max && digit(peek())) {
      v = v * 10 + (s[p] - '0');
      ++p, ++n;
    }
    return n >= min ? v : -1;
  }
};

// The text as written, before Ruby's checks and rollovers.
struct Fields {
  bool has_date = false, has_time = false;
  long year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, nanosecond = 0;
  bool fraction = false;
};

// ISO `YYYY-M-D` or `YYYY/M/D` (Date._parse's parse_iso / parse_sla with a 4-digit year first).
bool read_calendar_date(Scan& in, Fields& out) {
  const std::size_t at = in.p;
  Fields f = out;
  f.year = in.number(4, 4);
  const char sep = in.peek();
  if (f.year < 0 || digit(sep) || (sep != '-' && sep != '/')) return in.p = at, false;
  ++in.p;
  f.month = in.number(1, 2);
  if (f.month < 0 || in.peek() != sep) return in.p = at, false;
  ++in.p;
  f.day = in.number(1, 2);
  if (f.day < 0 || digit(in.peek())) return in.p = at, false;
  f.has_date = true;
  out = f;
  return true;
}

// `H:MM[:SS[.frac]]` (Date._parse's parse_time, without the `h m s` and am/pm spellings).
bool read_clock(Scan& in, Fields& out) {
  const std::size_t at = in.p;
  Fields f = out;
  f.hour = in.number(1, 2);
  if (f.hour < 0 || in.peek() != ':') return in.p = at, false;
  ++in.p;
  f.minute = in.number(1, 2);
  if (f.minute < 0) return in.p = at, false;
  if (in.peek() == ':' && digit(in.peek(1))) {
    ++in.p;
    f.second = in.number(1, 2);
    if ((in.peek() == '.' || in.peek() == ',') && digit(in.peek(1))) {
      ++in.p;
      f.fraction = true;
      long scale = 100000000;
      while (digit(in.peek())) {
        f.nanosecond += (in.s[in.p++] - '0') * scale;  // Time keeps the Rational; nsec floors it
        scale /= 10;
      }
    }
  }
  if (digit(in.peek())) return in.p = at, false;
  f.has_time = true;
  out = f;
  return true;
}

// Time.zone_offset for a numeric zone as Date._parse captured it: only ±HH, ±HHMM, ±HH:MM,
// ±HHMMSS and ±HH:MM:SS have an offset; any other spelling (±H, ±HMM, UTC+8) gives none.
std::optional<long> numeric_zone_offset(std::string_view z) {
  auto two = [&](std::size_t i) { return (z[i] - '0') * 10L + (z[i + 1] - '0'); };
  auto all_digits = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (!digit(z[i])) return false;
    return true;
  };
  const long sign = z[0] == '-' ? -1 : 1;
  if (z.size() == 3 && all_digits(1, 3)) return sign * two(1) * 3600;
  if (z.size() == 5 && all_digits(1, 5)) return sign * (two(1) * 3600 + two(3) * 60);
  if (z.size() == 7 && all_digits(1, 7)) return sign * (two(1) * 3600 + two(3) * 60 + two(5));
  if (z.size() == 6 && all_digits(1, 3) && z[3] == ':' && all_digits(4, 6)) return sign * (two(1) * 3600 + two(4) * 60);
  if (z.size() == 9 && all_digits(1, 3) && z[3] == ':' && all_digits(4, 6) && z[6] == ':' && all_digits(7, 9))
    return sign * (two(1) * 3600 + two(4) * 60 + two(7));
  return std::nullopt;
}

// Time's ZoneOffset table (RFC 822 names and the military letters), in hours.
std::optional<long> named_zone_offset(std::string_view upper_name) {
  struct Named { std::string_view name; int hours; };
  static constexpr std::array<Named, 12> names = {{{"UTC", 0}, {"Z", 0}, {"UT", 0}, {"GMT", 0}, {"EST", -5},
                                                   {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7},
                                                   {"MDT", -6}, {"PST", -8}, {"PDT", -7}}};
  for (const auto& n : names)
    if (n.name == upper_name) return n.hours * 3600L;
  if (upper_name.size() == 1 && upper_name[0] >= 'A' && upper_name[0] <= 'Y' && upper_name[0] != 'J') {
    const char c = upper_name[0];
    if (c <= 'I') return (c - 'A' + 1) * 3600L;
    if (c <= 'M') return (c - 'A') * 3600L;
    return -(c - 'N' + 1) * 3600L;
  }
  return std::nullopt;
}

// A word Date._parse and Time.parse are known to skip: a run of ASCII letters that no
// sub-parser reads (not a month or weekday, not am/pm, BC, DST, `standard time`...) and too
// long to be the site zone's abbreviation (zone_offset matches those, e.g. JST in Asia/Tokyo;
// once a zone was read, a later word is only left over), or a run of CJK ideographs.
// Returns its length, 0 when not such a word.
std::size_t skippable_word(std::string_view s, std::size_t p, bool after_zone) {
  std::size_t q = p;
  if (ascii_alpha(s[q])) {
    while (q < s.size() && ascii_alpha(s[q])) ++q;
    if (q - p < (after_zone ? 3 : 6) || (q < s.size() && !blank(s[q]))) return 0;
    std::string word;
    for (std::size_t i = p; i < q; ++i) word.push_back(upper(s[i]));
    static constexpr std::string_view prefixes[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
                                                    "SEP", "OCT", "NOV", "DEC", "SUN", "MON", "TUE", "WED",
                                                    "THU", "FRI", "SAT", "STANDARD", "DAYLIGHT", "BC"};
    for (std::string_view pre : prefixes)
      if (word.compare(0, pre.size(), pre) == 0) return 0;
    if (word.find("DST") != std::string::npos) return 0;
    return q - p;
  }
  // U+4E00..U+9FFF, UTF-8 E4 B8 80 .. E9 BF BF: letters to Onigmo's [[:alpha:]].
  while (q + 2 < s.size() && static_cast<unsigned char>(s[q]) >= 0xE4 && static_cast<unsigned char>(s[q]) <= 0xE9 &&
         (static_cast<unsigned char>(s[q + 1]) & 0xC0) == 0x80 && (static_cast<unsigned char>(s[q + 2]) & 0xC0) == 0x80 &&
         !(static_cast<unsigned char>(s[q]) == 0xE4 && static_cast<unsigned char>(s[q + 1]) < 0xB8))
    q += 3;
  if (q == p || (q < s.size() && !blank(s[q]))) return 0;
  return q - p;
}

struct Zone {
  bool present = false;
  std::optional<long> offset;  // none: Time.parse reads the wall clock in the site's zone
  std::string text;
  long minutes = 0;  // the minutes field as written (`+0860`: 60)
};

// The zone Date._parse's parse_time captures right after a clock, then Time.zone_offset.
// Returns false for a zone spelling not modelled here (not judged).
bool read_zone(Scan& in, Zone& z) {
  const std::size_t at = in.p;
  in.blanks();
  std::size_t q = in.p;
  while (q < in.s.size() && ascii_alpha(in.s[q]) && q - in.p < 3) ++q;
  std::string prefix;
  for (std::size_t i = in.p; i < q; ++i) prefix.push_back(upper(in.s[i]));
  const bool gmt = (prefix == "GMT" || prefix == "UTC" || prefix == "UT") && q < in.s.size() &&
                   (in.s[q] == '+' || in.s[q] == '-');
  if (gmt || in.peek() == '+' || in.peek() == '-') {
    std::size_t e = gmt ? q : in.p;
    const std::size_t sign = e++;
    while (e < in.s.size() && digit(in.s[e])) ++e;
    if (e == sign + 1) return false;
    // (?:[,.:]\d+(?::\d+)?)?
    if (e + 1 < in.s.size() && (in.s[e] == ':' || in.s[e] == '.' || in.s[e] == ',') && digit(in.s[e + 1])) {
      const bool colon = in.s[e] == ':';
      for (++e; e < in.s.size() && digit(in.s[e]);) ++e;
      if (e + 1 < in.s.size() && in.s[e] == ':' && digit(in.s[e + 1]))
        for (++e; e < in.s.size() && digit(in.s[e]);) ++e;
      if (!colon) return false;
    }
    z.present = true;
    z.text = std::string(in.s.substr(in.p, e - in.p));
    const std::string_view numeric = std::string_view(in.s).substr(sign, e - sign);
    if (!gmt) z.offset = numeric_zone_offset(numeric);
    if (z.offset && numeric.size() >= 5) {
      const std::size_t m = numeric[3] == ':' ? 4 : 3;
      z.minutes = (numeric[m] - '0') * 10 + (numeric[m + 1] - '0');
    }
    in.p = e;
    return true;
  }
  std::size_t e = in.p;
  while (e < in.s.size() && ascii_alpha(in.s[e])) ++e;
  if (e > in.p && (e == in.s.size() || blank(in.s[e]))) {
    std::string name;
    for (std::size_t i = in.p; i < e; ++i) name.push_back(upper(in.s[i]));
    if (auto off = named_zone_offset(name)) {
      z = {true, off, std::string(in.s.substr(in.p, e - in.p))};
      in.p = e;
      return true;
    }
  }
  in.p = at;
  return true;  // no zone here; what follows is read as trailing words
}

void set_fields(JekyllDate& out, long long epoch_wall, long nanosecond) {
  const PostDate d = civil_from_epoch(epoch_wall, 0);
  out.year = d.year;
  out.month = d.month;
  out.day = d.day;
  out.hour = d.hour;
  out.minute = d.minute;
  out.second = d.second;
  out.nanosecond = nanosecond;
}

// Time.utc/Time.local's argument checks (time.c time_arg), then their rollovers: a day past
// the month's end, 24:00:00 and second 60 move into the next day or minute. Empty when Ruby
// accepts the fields; otherwise why it raises ArgumentError.
std::string ruby_time_arg_problem(const Fields& f) {
  if (f.month < 1 || f.month > 12) return fmt::format("month {} does not exist", f.month);
  if (f.day < 1 || f.day > 31) return fmt::format("day {} does not exist", f.day);
  if (f.hour > 24 || (f.hour == 24 && (f.minute > 0 || f.second > 0 || f.nanosecond > 0)))
    return fmt::format("hour {} is past 23", f.hour);
  if (f.minute > 59) return fmt::format("minute {} is past 59", f.minute);
  if (f.second > 60) return fmt::format("second {} is past 60", f.second);
  return {};
}

// Which field of the text names no real moment, in words ("February 2023 has no day 30"); Ruby
// still reads some of them, rolling over into the next minute, day or month.
std::string nonexistent_field(const Fields& f, long offset_minutes) {
  static const char* months[] = {"January", "February", "March", "April", "May", "June", "July",
                                 "August", "September", "October", "November", "December"};
  if (f.has_date && f.month >= 1 && f.month <= 12 &&
      f.day > days_in_month(static_cast<int>(f.year), static_cast<int>(f.month)))
    return fmt::format("{} {} has no day {}", months[f.month - 1], f.year, f.day);
  if (f.hour == 24 && f.minute == 0 && f.second == 0) return "24:00 is not a clock time";
  if (f.hour > 23) return fmt::format("hour {} is past 23", f.hour);
  if (f.minute > 59) return fmt::format("minute {} is past 59", f.minute);
  if (f.second == 60) return "second 60 is a leap second, which Ruby does not keep";
  if (f.second > 60) return fmt::format("second {} is past 59", f.second);
  if (offset_minutes > 59) return fmt::format("the offset's minutes, {}, are past 59", offset_minutes);
  return {};
}

// Seconds since the epoch of the fields taken as UTC; a day past the month's end, 24:00 and
// second 60 carry over, as in Time.utc.
long long wall_seconds(const Fields& f) {
  PostDate d;
  d.year = static_cast<int>(f.year);
  d.month = static_cast<int>(f.month);
  d.day = 1;
  return epoch_seconds(d) + (f.day - 1) * 86400LL + f.hour * 3600LL + f.minute * 60LL + f.second;
}

std::pair<long, long> floor_divmod(long a, long b) {
  long q = a / b, r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) --q, r += b;
  return {q, r};
}

// time.rb's month_days: Ruby's array index, so month 0 is December's and 13 has none.
std::optional<long> ruby_month_days(long year, long month) {
  static constexpr int common[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const long i = month - 1;
  if (i < -12 || i > 11) return std::nullopt;
  const long days = common[i < 0 ? i + 12 : i];
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return days + ((i == 1 || i == -11) && leap ? 1 : 0);
}

// time.rb's apply_offset, line for line: Time.parse moves the fields to UTC itself, carrying
// only through the units the offset has, before Time.utc checks them (so `25:00 +0800` is
// read as 17:00 UTC, and `25:00` alone is rejected).
Fields apply_offset(Fields f, long off) {
  const bool west = off < 0;
  long rest = west ? -off : off;
  // One unit: take the offset's remainder in it off (east) or add it (west), then carry.
  auto unit = [&](long& field, long base) {
    long o = 0;
    std::tie(rest, o) = floor_divmod(rest, base);
    if (o == 0) return;
    field += west ? o : -o;
    std::tie(o, field) = floor_divmod(field, base);
    rest += west ? o : -o;
  };
  unit(f.second, 60);
  unit(f.minute, 60);
  unit(f.hour, 24);
  if (rest == 0) return f;
  if (west) {
    f.day += rest;
    const auto days = ruby_month_days(f.year, f.month);
    if (days && *days < f.day) {
      if (12 < ++f.month) f.month = 1, ++f.year;
      f.day = 1;
    }
  } else {
    f.day -= rest;
    if (f.day < 1) {
      if (--f.month < 1) --f.year, f.month = 12;
      f.day = ruby_month_days(f.year, f.month).value_or(31);
    }
  }
  return f;
}

// The reading, from the fields and the offset Ruby honours (none: the wall clock in the site's
// zone). `psych`: a Time the YAML load made (Time.utc/Time.new on the fields as written).
JekyllDate finish(const Fields& f, std::optional<long> offset, long offset_minutes, bool psych) {
  JekyllDate out;
  if (!f.has_date && (f.hour > 23 || f.minute > 59 || f.second > 59)) return out;  // carried into an unknown day
  Fields on_day = f;
  if (!f.has_date) on_day.year = 2000, on_day.month = 1, on_day.day = 15;  // the build day's are not checked
  out.kind = Kind::rejected;
  out.rejected_by_calendar = true;
  if (offset && (*offset >= 86400 || *offset <= -86400)) {
    out.rejection = "the UTC offset is a day or more";
    return out;
  }
  const Fields checked = offset && !psych ? apply_offset(on_day, *offset) : on_day;
  if (out.rejection = ruby_time_arg_problem(checked); !out.rejection.empty()) return out;
  out.rejected_by_calendar = false;
  out.kind = offset ? Kind::moment : Kind::local;
  out.offset_seconds = offset ? static_cast<int>(*offset) : 0;
  out.build_day = !f.has_date;
  long long wall = wall_seconds(checked);
  if (offset && !psych) wall += *offset;  // `checked` is in UTC: back to the post's own offset
  set_fields(out, wall, f.nanosecond);
  out.nonexistent = nonexistent_field(f, offset_minutes);
  return out;
}

// Time.parse(String) for the modelled shapes: [date] [T|blanks clock [zone]] [skipped words].
JekyllDate read_time_parse(std::string_view text) {
  Scan in{text};
  in.blanks();
  Fields f;
  read_calendar_date(in, f);
  if (f.has_date && (in.peek() == 'T' || in.peek() == 't') && digit(in.peek(1))) ++in.p;
  else in.blanks();
  if (!f.has_date || (in.p > 0 && (blank(in.s[in.p - 1]) || in.s[in.p - 1] == 'T' || in.s[in.p - 1] == 't')))
    read_clock(in, f);
  if (!f.has_date && !f.has_time) return {};
  if (f.has_date && !f.has_time && in.p > 0 && !blank(in.s[in.p - 1]) && !in.end()) return {};
  Zone zone;
  std::vector<std::string> differences;
  if (f.has_date && f.year < 1900) return {};  // before standard time, zones have LMT offsets in seconds
  if (f.has_time && !read_zone(in, zone)) return {};
  if (!f.has_time) {
    // After a date alone no sub-parser reads an offset: Date._parse leaves it.
    in.blanks();
    Scan after_sign{in.s, in.p + 1};
    if ((in.peek() == '+' || in.peek() == '-') && read_clock(after_sign, f) && (after_sign.end() || blank(after_sign.peek()))) {
      // parse_time finds `08:00` inside `+08:00`: a time of day, the sign left over.
      differences.push_back(fmt::format("reads '{}' after a date without a time as the time of day {}, not as an offset",
                                        in.s.substr(in.p, after_sign.p - in.p), in.s.substr(in.p + 1, after_sign.p - in.p - 1)));
      in.p = after_sign.p;
    } else if (in.peek() == '+' || in.peek() == '-') {
      std::size_t e = in.p + 1;
      while (e < in.s.size() && digit(in.s[e])) ++e;
      if (e == in.p + 1 || (e < in.s.size() && !blank(in.s[e]))) return {};
      differences.push_back(fmt::format("drops the offset '{}' after a date without a time, and reads midnight in "
                                        "the site's zone", in.s.substr(in.p, e - in.p)));
      in.p = e;
    }
  } else if (zone.present && !zone.offset) {
    differences.push_back(fmt::format("drops the offset '{}' (Ruby reads only ±HH, ±HHMM, ±HH:MM and ±HH:MM:SS) "
                                      "and reads the time in the site's zone", zone.text));
  }
  for (in.blanks(); !in.end(); in.blanks()) {
    const std::size_t n = skippable_word(in.s, in.p, zone.present);
    if (n == 0) return {};
    differences.push_back(fmt::format("ignores '{}'", in.s.substr(in.p, n)));
    in.p += n;
  }
  JekyllDate out = finish(f, zone.offset, zone.minutes, false);
  if (out.kind == Kind::rejected) return out;
  if (out.build_day) differences.insert(differences.begin(), "has no date, so Jekyll dates the post on the day of each build");
  out.differences = std::move(differences);
  return out;
}

// The zone after a Psych timestamp's clock: `Z` (UTC), nothing (UTC too, by Time.at), or an
// offset read by parse_time's /^([+\-]?\d{1,2})\:?(\d{1,2})?$/ on what TIME allowed,
// [-+]\d{1,2}:?(\d\d)?. `ok` is false when TIME does not match.
struct PsychOffset {
  bool ok = true;
  std::optional<long> offset;  // none: no offset written
  long minutes = 0;
  bool sign_lost = false;  // `-00:30`: an hour of -0 is not negative, so Psych adds the minutes
};

PsychOffset read_psych_offset(Scan& in) {
  PsychOffset out;
  if (in.peek() == 'Z') {
    ++in.p;
    out.offset = 0;
    return out;
  }
  if (in.peek() != '+' && in.peek() != '-') return out;
  const bool negative = in.peek() == '-';
  const std::size_t digits_at = ++in.p;
  while (digit(in.peek())) ++in.p;
  const std::size_t run = in.p - digits_at;
  const bool colon = in.peek() == ':';
  if (colon) ++in.p;
  const std::size_t mm_at = in.p;
  while (digit(in.peek())) ++in.p;
  const std::size_t mm_run = in.p - mm_at;
  if (run < 1 || (colon ? (run > 2 || (mm_run != 0 && mm_run != 2)) : (run > 4 || mm_run != 0))) {
    out.ok = false;
    return out;
  }
  // Without a colon the hour is greedy: `+800` is hour 80, minute 0.
  const std::size_t h_digits = colon ? run : (run >= 2 ? 2 : 1);
  long hh = 0;
  for (std::size_t i = 0; i < h_digits; ++i) hh = hh * 10 + (in.s[digits_at + i] - '0');
  const std::size_t m_from = colon ? mm_at : digits_at + h_digits;
  const std::size_t m_to = colon ? mm_at + mm_run : digits_at + run;
  for (std::size_t i = m_from; i < m_to; ++i) out.minutes = out.minutes * 10 + (in.s[i] - '0');
  const long off = (negative ? -hh : hh) * 3600;
  out.offset = off + (off < 0 ? -1 : 1) * out.minutes * 60;
  out.sign_lost = negative && hh == 0 && out.minutes > 0;
  return out;
}

bool utc_zone(std::string_view zone) {
  static constexpr std::string_view names[] = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal",
                                               "Etc/Universal", "Zulu", "Etc/Zulu", "Etc/GMT0", "GMT0",
                                               "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich", "Greenwich",
                                               "Atlantic/Reykjavik", "Africa/Abidjan", "Iceland"};
  for (std::string_view n : names)
    if (n == zone) return true;
  return false;
}

// Psych's TIME pattern: -?YYYY-M-D([Tt]|blanks)H:MM:SS(.frac)?(blanks*(Z|[-+]H{1,2}:?(MM)?))?
// A match becomes a Time through ScalarScanner#parse_time. Returns nullopt for no match, or
// when parse_time raises ArgumentError (the value then stays a String).
std::optional<JekyllDate> read_psych_time(std::string_view text, std::optional<std::string_view> zone) {
  Scan in{text};
  Fields f;
  if (!read_calendar_date(in, f) || in.s[4] != '-') return std::nullopt;
  if (f.year < 1900) return JekyllDate{};  // Time#to_s drops an LMT offset's seconds
  if (in.peek() == 'T' || in.peek() == 't' || in.peek() == ' ') ++in.p;
  else if (in.peek() == '\t') return JekyllDate{};  // parse_time splits at [ tT] only, then fails (not modelled)
  else return std::nullopt;
  in.blanks();
  f.hour = in.number(1, 2);
  if (f.hour < 0 || in.peek() != ':') return std::nullopt;
  ++in.p;
  if ((f.minute = in.number(2, 2)) < 0 || in.peek() != ':') return std::nullopt;
  ++in.p;
  if ((f.second = in.number(2, 2)) < 0) return std::nullopt;
  if (in.peek() == '.') {
    ++in.p;
    while (digit(in.peek())) ++in.p;  // Time#to_s drops it before Time.parse
  }
  in.blanks();
  const PsychOffset z = read_psych_offset(in);
  if (!z.ok || !in.end()) return std::nullopt;
  if (!ruby_time_arg_problem(f).empty()) return std::nullopt;
  if (z.offset && (*z.offset >= 86400 || *z.offset <= -86400)) return std::nullopt;  // Time.new raises
  JekyllDate out = finish(f, z.offset.value_or(0), z.minutes, true);
  out.yaml_time = true;
  if (z.sign_lost)
    out.differences.emplace_back("reads the offset as east of UTC: Psych loses the minus sign of an hour of -00");
  if (!z.offset && zone && !utc_zone(*zone))
    out.differences.push_back(
        fmt::format("reads a YAML timestamp without an offset as UTC, not in the site's timezone {}", *zone));
  return out;
}

// Psych's other plain-scalar types that hold digits: a base-60 integer (12:33), an integer,
// a float. Jekyll reads their to_s; not modelled.
bool psych_number(std::string_view s) {
  bool colon = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool sign_here = (c == '+' || c == '-') && (i == 0 || s[i - 1] == 'e' || s[i - 1] == 'E');
    if (c == ':') colon = true;
    else if (!digit(c) && c != '_' && c != ',' && c != '.' && c != 'e' && c != 'E' && !sign_here) return false;
  }
  return !s.empty() && (colon || digit(s.back()) || s.back() == '.');
}

// Time.parse raises "no time information" for text with no digit and no month name (the only
// thing Date._parse reads without digits), and so for Psych's null and booleans: Jekyll fails.
bool no_time_information(std::string_view s) {
  static constexpr std::string_view months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (digit(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80) return false;  // non-ASCII digits: not modelled
    if (i + 3 <= s.size() && (i == 0 || !ascii_alpha(s[i - 1]))) {
      const std::string word{upper(s[i]), upper(s[i + 1]), upper(s[i + 2])};
      for (std::string_view m : months)
        if (word == m) return false;
    }
  }
  return true;
}

}  // namespace

JekyllDate read_jekyll_date(std::string_view scalar, bool plain, std::optional<std::string_view> zone) {
  if (scalar.size() > 200) return {};
  if (no_time_information(scalar)) {
    JekyllDate out;
    out.kind = Kind::rejected;
    out.rejection = scalar.empty() ? "it is empty" : "Ruby finds no date or time in it";
    return out;
  }
  if (plain) {
    if (auto t = read_psych_time(scalar, zone)) return *t;
    if (!digit(scalar[0])) return {};  // Psych's String/null/boolean shapes: not modelled
    if (psych_number(scalar)) return {};
  }
  return read_time_parse(scalar);
}

JekyllDate read_front_matter_date(const Document& doc, const FrontMatterKey& key, std::optional<std::string_view> zone) {
  if (key.value.IsNull()) return read_jekyll_date("", true, zone);
  if (!key.value.IsScalar()) return {};
  // yaml-cpp tags a plain scalar "?"; an explicit tag (`!!str`) or quotes make a String.
  const char first = key.value_offset < doc.bytes.size() ? doc.bytes[key.value_offset] : '\0';
  const bool plain = key.value.Tag() == "?" && first != '"' && first != '\'';
  return read_jekyll_date(key.value.Scalar(), plain, zone);
}

long long jekyll_epoch(const JekyllDate& d) {
  PostDate p;
  p.year = d.year, p.month = d.month, p.day = d.day, p.hour = d.hour, p.minute = d.minute, p.second = d.second;
  return epoch_seconds(p) - (d.kind == Kind::moment ? d.offset_seconds : 0);
}

}  // namespace al
