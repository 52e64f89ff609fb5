#pragma once
// The dead-link report: a pure renderer (no I/O) over what the link pass
// found in this run plus the cache's history. The link pass fills
// LinkReportData (src/links/pass.cpp); src/report/markdown.cpp and
// src/report/html.cpp turn it into a GitHub issue body or one self-contained
// HTML page.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace al {

// Where a failing URL is written.
struct ReportOccurrence {
  std::string path;     // display path of the post
  std::string title;    // the post's front-matter title, may be empty
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string written;  // the link as written in the post
};

// A URL that failed in this run, with at least one reported occurrence.
struct ReportLink {
  std::string url;      // as fetched (resolved, normalised)
  std::string host;     // host[:port]
  std::string outcome;  // dead, unreachable, forbidden, server-error, redirect-loop, blocked
  long status = 0;      // last HTTP status, 0 when none
  std::string detail;   // "HTTP 404", "connection refused", ...
  std::int64_t first_failure = 0;  // Unix seconds of the first failure in this run of failures
  int failures = 1;                // consecutive failed runs, this one included
  std::vector<ReportOccurrence> occurrences;
};

// A URL that failed in the previous run and works now.
struct RecoveredLink {
  std::string url;
  std::string host;
  std::string previous_outcome;
  int previous_failures = 0;
  std::int64_t previous_first_failure = 0;
};

// One run of the link pass, as kept in the cache's run log.
struct RunRecord {
  std::int64_t at = 0;             // Unix seconds
  std::uint64_t checked = 0;       // unique URLs checked (fetched or answered by the cache)
  std::uint64_t dead = 0;          // dead, server-error, redirect-loop
  std::uint64_t unreachable = 0;   // no answer at all
  std::uint64_t other = 0;         // forbidden, blocked
  std::uint64_t newly_failing = 0; // failing for the first run
  std::uint64_t recovered = 0;
};

struct LinkReportData {
  std::int64_t generated_at = 0;   // Unix seconds
  std::string site_url;
  std::uint64_t occurrences = 0;   // link occurrences considered
  std::uint64_t checked = 0;       // unique URLs checked
  bool has_cache = false;          // failure history and run log available
  std::vector<ReportLink> failing;
  std::vector<RecoveredLink> recovered;
  std::vector<RunRecord> history;  // oldest first, this run last (when recorded)
};

struct ReportOptions {
  int min_failures = 1;                  // list a link only after it failed this many runs in a row
  std::size_t max_bytes = 65536;         // Markdown: GitHub's issue body limit (bytes <= characters)
  std::size_t max_occurrences = 10;      // Markdown: places listed per link
  std::size_t html_max_occurrences = 200;
};

// "dead", "unreachable" or "other": the summary column an outcome counts in.
std::string_view report_category(std::string_view outcome);

// What the renderers share: the links over the threshold, grouped per host,
// worst host first.
struct HostSummary {
  std::string host;
  std::uint64_t dead = 0;
  std::uint64_t unreachable = 0;
  std::uint64_t other = 0;
  std::uint64_t occurrences = 0;
  std::uint64_t failing() const { return dead + unreachable + other; }
  std::vector<const ReportLink*> links;  // worst first: most runs, then URL
};
struct ReportView {
  std::vector<HostSummary> hosts;        // worst first: most failing URLs, most places, then name
  std::uint64_t listed = 0;              // links at or over the threshold
  std::uint64_t dead = 0;
  std::uint64_t unreachable = 0;
  std::uint64_t other = 0;
  std::uint64_t newly = 0;               // crossed the threshold in this run
  std::uint64_t below_threshold = 0;     // failing, but fewer runs than min_failures
  std::vector<const RecoveredLink*> recovered;  // were listed in the previous run's report
};
ReportView make_report_view(const LinkReportData& data, const ReportOptions& options);

// "2026-10-01" (UTC) and "3 days", "5 hours", "less than an hour".
std::string report_day(std::int64_t unix_seconds);
std::string report_duration(std::int64_t seconds);

std::string render_markdown_report(const LinkReportData& data, const ReportOptions& options);
std::string render_html_report(const LinkReportData& data, const ReportOptions& options);

}  // namespace al
