// What the Markdown and HTML reports share: the threshold, the grouping per
// host and the worst-first orders. Pure: no I/O, no clock.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "archive_lint/link_report.hpp"

namespace al {

std::string_view report_category(std::string_view outcome) {
  if (outcome == "unreachable") return "unreachable";
  if (outcome == "forbidden" || outcome == "blocked") return "other";
  return "dead";  // dead, server-error, redirect-loop
}

std::string report_day(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string report_duration(std::int64_t seconds) {
  constexpr std::int64_t kHour = 3600;
  constexpr std::int64_t kDay = 24 * kHour;
  if (seconds < kHour) return "less than an hour";
  if (seconds < kDay) {
    const std::int64_t h = seconds / kHour;
    return fmt::format("{} hour{}", h, h == 1 ? "" : "s");
  }
  const std::int64_t d = seconds / kDay;
  return fmt::format("{} day{}", d, d == 1 ? "" : "s");
}

ReportView make_report_view(const LinkReportData& data, const ReportOptions& options) {
  ReportView view;
  const int threshold = std::max(1, options.min_failures);
  std::map<std::string, HostSummary> hosts;
  for (const auto& link : data.failing) {
    if (link.failures < threshold) {
      ++view.below_threshold;
      continue;
    }
    ++view.listed;
    if (link.failures == threshold) ++view.newly;
    HostSummary& h = hosts[link.host];
    h.host = link.host;
    const std::string_view category = report_category(link.outcome);
    if (category == "dead") {
      ++h.dead;
      ++view.dead;
    } else if (category == "unreachable") {
      ++h.unreachable;
      ++view.unreachable;
    } else {
      ++h.other;
      ++view.other;
    }
    h.occurrences += link.occurrences.size();
    h.links.push_back(&link);
  }
  for (auto& [name, h] : hosts) {
    std::sort(h.links.begin(), h.links.end(), [](const ReportLink* a, const ReportLink* b) {
      if (a->failures != b->failures) return a->failures > b->failures;
      if (a->occurrences.size() != b->occurrences.size()) return a->occurrences.size() > b->occurrences.size();
      return a->url < b->url;
    });
    view.hosts.push_back(std::move(h));
  }
  std::sort(view.hosts.begin(), view.hosts.end(), [](const HostSummary& a, const HostSummary& b) {
    if (a.failing() != b.failing()) return a.failing() > b.failing();
    if (a.occurrences != b.occurrences) return a.occurrences > b.occurrences;
    return a.host < b.host;
  });
  // Recovered: the links the previous run's report listed.
  for (const auto& r : data.recovered) {
    if (r.previous_failures >= threshold) view.recovered.push_back(&r);
  }
  std::sort(view.recovered.begin(), view.recovered.end(),
            [](const RecoveredLink* a, const RecoveredLink* b) { return a->url < b->url; });
  return view;
}

}  // namespace al
