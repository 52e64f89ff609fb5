#include "archive_lint/dates.hpp"

#include <cctype>
#include <stdexcept>

namespace al {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max digits; returns count read.
std::size_t read_int(std::string_view s, std::size_t pos, std::size_t min, std::size_t max, int& value) {
  std::size_t n = 0;
  value = 0;
  while (pos + n < s.size() && n < max && digit(s[pos + n])) {
    value = value * 10 + (s[pos + n] - '0');
    ++n;
  }
  return n >= min ? n : 0;
}

const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                         "August", "September", "October", "November", "December"};

}  // namespace

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return days[month - 1];
}

// Howard Hinnant's days_from_civil.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

PostDate civil_from_epoch(long long seconds, int offset_seconds) {
  const long long local = seconds + offset_seconds;
  long long days = local / 86400, rest = local % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  days += 719468;
  const long long era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  PostDate d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(static_cast<long long>(yoe) + era * 400 + (d.month <= 2));
  d.hour = static_cast<int>(rest / 3600);
  d.minute = static_cast<int>(rest % 3600 / 60);
  d.second = static_cast<int>(rest % 60);
  d.has_time = d.has_offset = true;
  d.offset_minutes = offset_seconds / 60;
  return d;
}

long long epoch_seconds(const PostDate& d) {
  return days_from_civil(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day)) * 86400LL +
         d.hour * 3600LL + d.minute * 60LL + d.second - (d.has_offset ? d.offset_minutes * 60LL : 0);
}

std::optional<PostDate> read_post_date(std::string_view s) {
  PostDate d;
  std::size_t p = 0, n = 0;
  if (!(n = read_int(s, p, 4, 4, d.year))) return std::nullopt;
  p += n;
  if (p >= s.size() || s[p] != '-') return std::nullopt;
  if (!(n = read_int(s, ++p, 1, 2, d.month))) return std::nullopt;
  p += n;
  if (p >= s.size() || s[p] != '-') return std::nullopt;
  if (!(n = read_int(s, ++p, 1, 2, d.day))) return std::nullopt;
  p += n;
  auto skip_blanks = [&] { while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p; };
  auto read_offset = [&]() -> bool {
    if (p < s.size() && s[p] == 'Z') {
      d.has_offset = true;
      ++p;
      return true;
    }
    if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
    const int sign = s[p] == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    ++p;
    if (read_int(s, p, 2, 2, hh) != 2) return false;
    p += 2;
    if (p < s.size() && s[p] == ':') ++p;
    if (read_int(s, p, 2, 2, mm) != 2) return false;
    p += 2;
    d.has_offset = true;
    d.offset_minutes = sign * (hh * 60 + mm);
    if (hh > 14 || mm > 59) d.offset_minutes = sign * 100000;  // flagged by calendar_problem
    return true;
  };
  const std::size_t before_time = p;
  skip_blanks();
  if (p < s.size() && (s[p] == 'T' || digit(s[p]))) {
    if (s[p] == 'T') ++p;
    if (!(n = read_int(s, p, 1, 2, d.hour))) return std::nullopt;
    p += n;
    if (p >= s.size() || s[p] != ':') return std::nullopt;
    if (!(n = read_int(s, ++p, 1, 2, d.minute))) return std::nullopt;
    p += n;
    if (p < s.size() && s[p] == ':') {
      if (!(n = read_int(s, ++p, 1, 2, d.second))) return std::nullopt;
      p += n;
      if (p < s.size() && s[p] == '.') {
        ++p;
        while (p < s.size() && digit(s[p])) ++p;
      }
    }
    d.has_time = true;
  } else {
    p = before_time;
  }
  skip_blanks();
  if (p < s.size() && !read_offset()) return std::nullopt;
  skip_blanks();
  if (p != s.size()) return std::nullopt;
  return d;
}

std::string calendar_problem(const PostDate& d) {
  if (d.month < 1 || d.month > 12) return "month " + std::to_string(d.month) + " does not exist";
  if (d.day < 1 || d.day > days_in_month(d.year, d.month))
    return "day " + std::to_string(d.day) + " does not exist in " + kMonths[d.month - 1] + " " + std::to_string(d.year);
  if (d.hour > 23) return "hour " + std::to_string(d.hour) + " is past 23";
  if (d.minute > 59) return "minute " + std::to_string(d.minute) + " is past 59";
  if (d.second > 60) return "second " + std::to_string(d.second) + " is past 59";
  if (d.offset_minutes > 14 * 60 || d.offset_minutes < -14 * 60) return "the UTC offset is out of range (at most ±14:00)";
  return {};
}

void validate_date_pattern(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') continue;
    if (i + 1 >= pattern.size()) throw std::invalid_argument("date pattern ends with a lone '%'");
    const char c = pattern[i + 1];
    if (c == ':' && i + 2 < pattern.size() && pattern[i + 2] == 'z') {
      i += 2;
      continue;
    }
    if (std::string_view("YmdHMSzZ%").find(c) == std::string_view::npos)
      throw std::invalid_argument(std::string("unknown date directive '%") + c + "' (known: %Y %m %d %H %M %S %z %:z %Z %%)");
    ++i;
  }
}

bool matches_date_pattern(std::string_view pattern, std::string_view s) {
  std::size_t p = 0;
  auto digits = [&](std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      if (p >= s.size() || !digit(s[p])) return false;
      ++p;
    }
    return true;
  };
  auto offset = [&](bool colon) {
    if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
    ++p;
    if (!digits(2)) return false;
    if (colon) {
      if (p >= s.size() || s[p] != ':') return false;
      ++p;
    }
    return digits(2);
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 >= pattern.size()) {
      if (p >= s.size() || s[p] != pattern[i]) return false;
      ++p;
      continue;
    }
    const char c = pattern[++i];
    bool ok = true;
    switch (c) {
      case 'Y': ok = digits(4); break;
      case 'm': case 'd': case 'H': case 'M': case 'S': ok = digits(2); break;
      case 'z': ok = offset(false); break;
      case ':':
        ++i;  // %:z
        ok = offset(true);
        break;
      case 'Z': {
        if (p < s.size() && s[p] == 'Z') {
          ++p;
          break;
        }
        // A failed +HHMM attempt has consumed `+HH`; rewind before trying +HH:MM.
        const std::size_t at = p;
        ok = offset(false);
        if (!ok) {
          p = at;
          ok = offset(true);
        }
        break;
      }
      case '%':
        ok = p < s.size() && s[p] == '%';
        ++p;
        break;
      default: ok = false;
    }
    if (!ok) return false;
  }
  return p == s.size();
}

std::string describe_date_pattern(std::string_view pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 >= pattern.size()) {
      out.push_back(pattern[i]);
      continue;
    }
    switch (pattern[++i]) {
      case 'Y': out += "YYYY"; break;
      case 'm': out += "MM"; break;
      case 'd': out += "DD"; break;
      case 'H': out += "HH"; break;
      case 'M': out += "MM"; break;
      case 'S': out += "SS"; break;
      case 'z': out += "+HHMM"; break;
      case ':': ++i; out += "+HH:MM"; break;
      case 'Z': out += "Z"; break;
      default: out.push_back(pattern[i]);
    }
  }
  return out;
}

}  // namespace al
