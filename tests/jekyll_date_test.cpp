// src/jekyll_date.cpp against Jekyll itself: tests/oracle/jekyll-dates.rb runs Jekyll 4.3.1's
// own YAML load and Utils.parse_date on the same front-matter lines (scripts/bootstrap --test
// installs Debian's jekyll). Every reading the module judges must be Jekyll's: the same moment,
// or both rejecting. Readings it leaves `not_judged` are counted, not failures.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "archive_lint/jekyll_date.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/json_value.hpp"
#include "support.hpp"

namespace {

using al::JekyllDate;
using Kind = JekyllDate::Kind;

struct Case {
  std::string yaml_value;  // as written after `date: `
  std::string zone;        // the site's timezone; empty: none
};

// The module on what yaml-cpp makes of `date: <value>`, as the checks see it.
std::optional<JekyllDate> module_reading(const Case& c) {
  YAML::Node root;
  try {
    root = YAML::Load("date: " + c.yaml_value + "\n");
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  if (!root.IsMap() || !root["date"] || !root["date"].IsScalar()) return std::nullopt;
  const YAML::Node v = root["date"];
  const bool plain = v.Tag() == "?";
  return al::read_jekyll_date(v.Scalar(), plain,
                              c.zone.empty() ? std::nullopt : std::optional<std::string_view>(c.zone));
}

std::string wall(const JekyllDate& d) {
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", d.year, d.month, d.day, d.hour, d.minute, d.second);
}

// Empty when the module and Jekyll agree; otherwise both readings, for the failure message.
std::string disagreement(const JekyllDate& d, const al::JsonValue& o) {
  const auto* epoch = o.find("epoch");
  std::string mine;
  bool same = false;
  if (d.kind == Kind::rejected) {
    mine = "rejected (" + d.rejection + ")";
    same = o.find("rejected") != nullptr;
  } else if (epoch) {
    const std::int64_t e = *epoch->as_int();
    const std::string local = o.get_string("local");
    const long nsec = static_cast<long>(*o.find("nsec")->as_int());
    const long long tod = d.hour * 3600LL + d.minute * 60 + d.second;
    if (d.build_day) {
      mine = fmt::format("build day {:02}:{:02}:{:02} {}", d.hour, d.minute, d.second,
                         d.kind == Kind::moment ? std::to_string(d.offset_seconds) : "local");
      same = d.kind == Kind::moment ? (((e + d.offset_seconds) % 86400) + 86400) % 86400 == tod
                                    : local.substr(11) == wall(d).substr(11);
    } else if (d.kind == Kind::moment) {
      mine = fmt::format("{} {:+} = epoch {}", wall(d), d.offset_seconds, al::jekyll_epoch(d));
      same = al::jekyll_epoch(d) == e && nsec == d.nanosecond;
    } else {
      mine = wall(d) + " local";
      same = local == wall(d) && nsec == d.nanosecond;
    }
  } else {
    mine = "a reading";
  }
  return same ? std::string() : "archive-lint: " + mine + "; Jekyll: " + o.dump(0);
}

// Runs the oracle on every case; one parsed answer per case.
std::vector<al::JsonValue> oracle(const std::vector<Case>& cases) {
  const auto dir = al::test::scratch_dir("jekyll-dates");
  std::string input;
  for (const auto& c : cases) {
    input += "{\"yaml\":" + al::json_escape("date: " + c.yaml_value + "\n") +
             ",\"tz\":" + (c.zone.empty() ? std::string("null") : al::json_escape(c.zone)) + "}\n";
  }
  al::test::spit(dir / "in.jsonl", input);
  const auto script = al::test::source_dir() / "tests" / "oracle" / "jekyll-dates.rb";
  const auto out = al::test::run("ruby " + al::test::sh_quote(script.string()) + " < in.jsonl", dir);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  std::vector<al::JsonValue> answers;
  std::istringstream lines(out.out);
  for (std::string line; std::getline(lines, line);) answers.push_back(al::parse_json(line));
  REQUIRE(answers.size() == cases.size());
  return answers;
}

struct Tally {
  std::size_t agree = 0, disagree = 0, not_judged = 0;
};

Tally compare_all(const std::vector<Case>& cases) {
  const auto answers = oracle(cases);
  Tally t;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto d = module_reading(cases[i]);
    if (!d || d->kind == Kind::not_judged) {
      ++t.not_judged;
      if (std::getenv("ARCHIVE_LINT_SHOW_NOT_JUDGED")) WARN("not judged: " << cases[i].yaml_value);
      continue;
    }
    const std::string why = disagreement(*d, answers[i]);
    if (why.empty()) {
      ++t.agree;
      continue;
    }
    ++t.disagree;
    UNSCOPED_INFO("date: " << cases[i].yaml_value << " (timezone " << (cases[i].zone.empty() ? "none" : cases[i].zone)
                           << "): " << why);
  }
  return t;
}

// A small deterministic generator (the same strings on every platform, unlike <random>'s
// distributions): date strings of the shapes posts carry, and broken ones.
struct Generator {
  std::uint64_t state;
  std::uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) { return items[next() % N]; }
  std::string number(int value, int width) { return width == 2 ? fmt::format("{:02}", value) : std::to_string(value); }

  Case make() {
    static const char* years[] = {"2016", "2023", "2024", "2000", "1999", "2016", "2023", "2024", "0999", "20240"};
    static const char* date_seps[] = {"-", "-", "-", "-", "-", "/", "/", "."};
    static const char* between[] = {" ", " ", " ", " ", "T", "T", "t", "  ", "\t", "", "_"};
    static const char* zone_gaps[] = {" ", "", "  "};
    static const char* zones[] = {"", "", "+0800", "+08:00", "-0500", "+0000", "+00:00", "Z", "z", "+08", "+8", "+800",
                                  "-00:30", "-0030", "+08:00:00", "+2400", "+2359", "+0860", "UTC", "GMT", "utc",
                                  "UTC+8", "GMT+0800", "EST", "CST", "JST", "A", "+08.00", "+5:30", "-8"};
    static const char* junk[] = {"foo", "北京时间", "something", "(CST)", "am", "pm", "Monday", "August", "12", "x1",
                                 "CST", "+0800", "afternoon", "ago", "BC"};
    static const char* site_zones[] = {"", "UTC", "Asia/Shanghai", "America/New_York", "Asia/Tokyo"};
    std::string s = pick(years);
    const std::string sep = pick(date_seps);
    s += sep + number(static_cast<int>(next() % 14), next() % 3 ? 2 : 1);
    s += sep + number(static_cast<int>(next() % 33), next() % 3 ? 2 : 1);
    if (next() % 5 == 0) s = s.substr(s.find(sep) + 1 + (next() % 2));  // leave off the year, or more
    if (next() % 6) {
      s += next() % 10 ? pick(between) : " ";
      s += number(static_cast<int>(next() % 26), next() % 4 ? 2 : 1) + ":" + number(static_cast<int>(next() % 62), 2);
      if (next() % 3) s += ":" + number(static_cast<int>(next() % 62), 2);
      if (next() % 12 == 0) s += std::string(next() % 2 ? "." : ",") + std::to_string(next() % 1000);
      if (const std::string z = pick(zones); !z.empty()) s += pick(zone_gaps) + z;
    } else if (next() % 4 == 0) {
      s += std::string(" ") + pick(zones);
    }
    if (next() % 7 == 0) s += std::string(" ") + pick(junk);
    if (next() % 15 == 0) s = pick(junk) + std::string(" ") + s;
    switch (next() % 5) {
      case 0: s = "\"" + s + "\""; break;
      case 1: s = "'" + s + "'"; break;
      default: break;
    }
    return {s, pick(site_zones)};
  }
};

}  // namespace

TEST_CASE("jekyll dates: the shapes posts use are read as Jekyll reads them", "[oracle][dates]") {
  // Each must be read as the moment written, with nothing dropped or ignored.
  for (const char* text : {"2016-4-26 12:53:12 +0800", "2024-05-29 9:00:00 +0000", "2016-04-26 23:26:27+0800",
                           "2016-04-26 12:33 +0800", "2016-04-26 12:33:00 +00:00", "2016-04-26",
                           "2016-04-26 12:33:00", "2016-04-26 12:33", "2016-04-26T12:33:00Z"}) {
    for (bool plain : {true, false}) {
      const auto d = al::read_jekyll_date(text, plain, std::nullopt);
      INFO(text << (plain ? " (plain)" : " (quoted)"));
      CHECK((d.kind == Kind::moment || d.kind == Kind::local));
      CHECK(d.differences.empty());
      CHECK(d.nonexistent.empty());
    }
  }
  // What Jekyll reads differently from the text.
  CHECK(al::read_jekyll_date("2023-08-10 +0800", true).differences.size() == 1);
  CHECK(al::read_jekyll_date("2023-08-10 12:00:00 +800", true).differences.size() == 1);
  CHECK(al::read_jekyll_date("2023-08-10 12:00:00 something", true).differences.size() == 1);
  CHECK(al::read_jekyll_date("23:26:27+0800", true).build_day);
  CHECK(al::read_jekyll_date("2023-08-10 12:00:00 -00:30", true).differences.size() == 1);
  CHECK(al::read_jekyll_date("2023-08-10 12:00:00", true, "Asia/Shanghai").differences.size() == 1);
  CHECK(al::read_jekyll_date("2023-08-10 12:00:00", false, "Asia/Shanghai").differences.empty());
  CHECK(al::read_jekyll_date("2023-08-10 12:00:00", true, "Etc/UTC").differences.empty());
  // Dates that do not exist: Ruby rolls some over and rejects the rest.
  CHECK(al::read_jekyll_date("2023-02-29", true).nonexistent == "February 2023 has no day 29");
  CHECK(al::read_jekyll_date("2023-02-30 10:00", true).day == 2);
  CHECK(!al::read_jekyll_date("2023-08-10 24:00", true).nonexistent.empty());
  CHECK(!al::read_jekyll_date("2023-08-10 23:59:60", true).nonexistent.empty());
  CHECK(al::read_jekyll_date("2023-02-32 10:00", true).kind == Kind::rejected);
  CHECK(al::read_jekyll_date("2023-13-01", true).kind == Kind::rejected);
  CHECK(al::read_jekyll_date("2023-08-10 24:00:01", true).kind == Kind::rejected);
  CHECK(al::read_jekyll_date("2024-02-29", true).nonexistent.empty());
}

TEST_CASE("jekyll dates: hand-written cases agree with Jekyll 4.3.1", "[oracle][dates]") {
  std::vector<Case> cases;
  for (const char* zone : {"", "UTC", "Asia/Shanghai", "America/New_York"}) {
    for (const char* v :
         {"2016-4-26 12:53:12 +0800", "2024-05-29 9:00:00 +0000", "2016-04-26 23:26:27+0800", "23:26:27+0800",
          "12:33 +0800", "2016-04-26 12:33 +0800", "2016-04-26 12:33:00 +00:00", "2016-04-26", "2016-04-26 12:33:00",
          "\"2016-04-26 12:33:00\"", "2016-04-26 12:33", "2023-08-10 +0800", "2023-02-30", "2023-02-29",
          "2024-02-29", "2023-02-29 10:00", "2023-02-32 10:00", "2023-08-10 24:00", "2023-08-10 24:00:00",
          "2023-08-10 24:00:01", "2023-08-10 23:59:60", "2023-08-10 23:59:60 +0800", "2023-13-01", "2023-00-10 10:00",
          "2023-08-00", "2023-08-10 12:00:00 foo", "2023-08-10 12:00:00 something", "2023-08-10 12:00:00 +0800 CST",
          "2023-08-10 12:00:00 CST", "2023-08-10 12:00 EST", "2022/01/20 13:12:24 +0800",
          "2023-08-10 12:00:00 +08:00:00", "2023-08-10 12:00:00 -00:30", "\"2023-08-10 12:00:00 -00:30\"",
          "2023-08-10 12:00:00 +8", "\"2023-08-10 12:00:00 +8\"", "2023-08-10 12:00:00 +800",
          "2023-08-10 12:00:00 UTC+8", "2023-08-10 12:00:00 GMT+0800", "\"2023-08-10T12:00:00Z\"",
          "2023-08-10 25:00", "2023-08-10 12:60", "2023-08-10 12:00:00.5 +0800", "\"2023-08-10 12:00:00.5 +0800\"",
          "2023-08-10 12:00:00 +2500", "\"2023-08-10 12:00 +2400\"", "\"2023-08-10 12:00 +2359\"",
          "2023-08-10 12:00:00 +0860", "2023-08-10 12:00 北京时间", "2023-08-10T12:00", "+00:00", "2023", "",
          "~", "yesterday", "\"today\"", "true", "Monday", "北京时间", "August", "\"\""}) {
      cases.push_back({v, zone});
    }
  }
  const Tally t = compare_all(cases);
  CHECK(t.disagree == 0);
  WARN(fmt::format("hand-written: {} cases, {} agree, {} disagree, {} not judged", cases.size(), t.agree, t.disagree,
                   t.not_judged));
}

TEST_CASE("jekyll dates: generated date strings agree with Jekyll 4.3.1", "[oracle][dates]") {
  constexpr std::uint64_t seed = 20231012;
  constexpr std::size_t count = 4000;
  Generator g{seed};
  std::vector<Case> cases;
  for (std::size_t i = 0; i < count; ++i) cases.push_back(g.make());
  const Tally t = compare_all(cases);
  CHECK(t.disagree == 0);
  CHECK(t.agree > count / 4);  // a quarter of these strings are junk no post carries, by design
  WARN(fmt::format("generated (seed {}): {} strings, {} agree, {} disagree, {} not judged", seed, count, t.agree,
                   t.disagree, t.not_judged));
}
