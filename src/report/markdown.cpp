// The dead-link report as GitHub-flavoured Markdown, sized for an issue body.
// Everything taken from the archive or the network (URLs, paths, titles,
// details) is escaped: code spans for URLs and paths, backslash escapes for
// text, so nothing can open a link, a mention, an issue reference or HTML.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "archive_lint/link_report.hpp"

namespace al {

namespace {

std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  return out;
}

// Text with every ASCII punctuation character backslash-escaped (CommonMark
// allows it for all of them): no emphasis, links, HTML, `#1` or `@name`.
std::string md_text(std::string_view s) {
  std::string out;
  for (const char c : one_line(s)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::ispunct(u)) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// A code span that survives any content; in a table `|` must be `\|` even
// inside code (GFM splits cells first).
std::string md_code(std::string_view s, bool in_table) {
  std::string body = one_line(s);
  if (in_table) {
    std::string escaped;
    for (const char c : body) {
      if (c == '|') escaped.push_back('\\');
      escaped.push_back(c);
    }
    body = std::move(escaped);
  }
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string status_text(const ReportLink& link) {
  std::string s = link.detail.empty() ? (link.status > 0 ? fmt::format("HTTP {}", link.status) : link.outcome)
                                      : link.detail;
  if (link.outcome != "dead") s += " (" + link.outcome + ")";
  return md_text(s);
}

std::string link_entry(const LinkReportData& data, const ReportLink& link, const ReportOptions& options,
                       int threshold) {
  std::string out = fmt::format("- {} — {}; failing for {}, {} run{} in a row (since {})", md_code(link.url, false),
                                status_text(link), report_duration(data.generated_at - link.first_failure),
                                link.failures, link.failures == 1 ? "" : "s", report_day(link.first_failure));
  if (link.failures == threshold) out += " — **new**";
  out += '\n';
  const std::size_t shown = std::min(link.occurrences.size(), std::max<std::size_t>(1, options.max_occurrences));
  for (std::size_t i = 0; i < shown; ++i) {
    const ReportOccurrence& o = link.occurrences[i];
    out += fmt::format("  - {} line {}", md_code(o.path, false), o.line);
    if (!o.title.empty()) out += " — " + md_text(o.title);
    out += '\n';
  }
  if (link.occurrences.size() > shown)
    out += fmt::format("  - … and {} more place{}\n", thousands(link.occurrences.size() - shown),
                       link.occurrences.size() - shown == 1 ? "" : "s");
  return out;
}

// Cuts at a UTF-8 boundary at or before max bytes.
void cut_utf8(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
}

}  // namespace

namespace {

// The title, the summary table and the "no dead links" line.
std::string report_head(const LinkReportData& data, const ReportView& view, int threshold) {
  std::string head;
  head += fmt::format("## Dead links: {}{}\n\n", thousands(view.listed),
                      view.newly ? fmt::format(" ({} new)", thousands(view.newly)) : std::string());
  head += fmt::format("Checked by archive-lint on {} UTC", report_day(data.generated_at));
  if (!data.site_url.empty()) head += " for " + md_code(data.site_url, false);
  head += ".";
  if (threshold > 1)
    head += fmt::format(" A link is listed once it has failed {} runs in a row (`--min-failures {}`).", threshold,
                        threshold);
  if (!data.has_cache) head += " No link cache: failure history starts with this run.";
  head += "\n\n";
  head += "| | |\n| --- | ---: |\n";
  head += fmt::format("| Links checked | {} URLs ({} places) |\n", thousands(data.checked), thousands(data.occurrences));
  head += fmt::format("| Dead | {} |\n", thousands(view.dead));
  head += fmt::format("| Unreachable | {} |\n", thousands(view.unreachable));
  if (view.other) head += fmt::format("| Forbidden or blocked | {} |\n", thousands(view.other));
  head += fmt::format("| Newly dead since the last run | {} |\n", thousands(view.newly));
  head += fmt::format("| Recovered since the last run | {} |\n", thousands(view.recovered.size()));
  if (view.below_threshold)
    head += fmt::format("| Failing fewer than {} runs in a row (not listed) | {} |\n", threshold,
                        thousands(view.below_threshold));
  head += '\n';
  if (view.listed == 0 && view.recovered.empty()) head += "No dead links.\n";
  return head;
}

struct Block {
  std::string text;
  bool is_link = false;
  bool is_host_row = false;
};

// The report's body in reading order; trimming keeps a prefix of the blocks.
std::vector<Block> report_blocks(const LinkReportData& data, const ReportView& view, const ReportOptions& options,
                                 int threshold) {
  std::vector<Block> blocks;
  if (!view.hosts.empty()) {
    blocks.push_back({"### Hosts, worst first\n\n| Host | Dead | Unreachable | Forbidden or blocked | Places |\n"
                      "| --- | ---: | ---: | ---: | ---: |\n",
                      false, false});
    for (const auto& h : view.hosts)
      blocks.push_back({fmt::format("| {} | {} | {} | {} | {} |\n", md_code(h.host, true), thousands(h.dead),
                                    thousands(h.unreachable), thousands(h.other), thousands(h.occurrences)),
                        false, true});
    blocks.push_back({"\n### Dead links\n\n", false, false});
    for (const auto& h : view.hosts) {
      blocks.push_back({fmt::format("#### {}\n\n", md_code(h.host, false)), false, false});
      for (const ReportLink* link : h.links) blocks.push_back({link_entry(data, *link, options, threshold), true, false});
      blocks.push_back({"\n", false, false});
    }
  }
  if (!view.recovered.empty()) {
    blocks.push_back({"### Recovered since the last run\n\n", false, false});
    for (const RecoveredLink* r : view.recovered)
      blocks.push_back({fmt::format("- {} — was {} for {} run{}\n", md_code(r->url, false), md_text(r->previous_outcome),
                                    r->previous_failures, r->previous_failures == 1 ? "" : "s"),
                        false, false});
  }
  return blocks;
}

}  // namespace

std::string render_markdown_report(const LinkReportData& data, const ReportOptions& options) {
  const ReportView view = make_report_view(data, options);
  const int threshold = std::max(1, options.min_failures);
  std::string out = report_head(data, view, threshold);
  const std::vector<Block> blocks = report_blocks(data, view, options, threshold);
  std::size_t total = out.size();
  for (const auto& b : blocks) total += b.text.size();
  if (total <= options.max_bytes) {
    for (const auto& b : blocks) out += b.text;
    return out;
  }
  // Too long for an issue body: keep a prefix, then say what was left out.
  constexpr std::size_t kNoteReserve = 512;
  const std::size_t budget = options.max_bytes > kNoteReserve ? options.max_bytes - kNoteReserve : 0;
  std::size_t links_shown = 0;
  std::size_t rows_shown = 0;
  for (const auto& b : blocks) {
    if (out.size() + b.text.size() > budget) break;
    out += b.text;
    links_shown += b.is_link ? 1 : 0;
    rows_shown += b.is_host_row ? 1 : 0;
  }
  std::string note = fmt::format(
      "\n> [!NOTE]\n> This report was trimmed to fit GitHub's limit of {} characters for an issue body: it lists {} "
      "of {} dead links and {} of {} hosts. The HTML report has them all.\n",
      thousands(options.max_bytes), thousands(links_shown), thousands(view.listed), thousands(rows_shown),
      thousands(view.hosts.size()));
  cut_utf8(out, options.max_bytes > note.size() ? options.max_bytes - note.size() : 0);
  out += note;
  cut_utf8(out, options.max_bytes);
  return out;
}

}  // namespace al
