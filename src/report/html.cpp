// The dead-link report as one self-contained HTML page: inline CSS, inline
// SVG charts and a little inline JavaScript that sorts and filters the
// tables. No external asset of any kind (the Content-Security-Policy forbids
// them), and the page reads fully with JavaScript off. Every string from the
// archive or the network is HTML-escaped.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "archive_lint/link_report.hpp"

namespace al {

namespace {

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Other C0 controls are not allowed in HTML text.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out.push_back(c);
    }
  }
  return out;
}

// At most n code points, with an ellipsis when cut (chart labels).
std::string shorten(std::string_view s, std::size_t n) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (points++ == n) return std::string(s.substr(0, i)) + "…";
  }
  return std::string(s);
}


const char* kStyle = R"CSS(
:root{--dead:#c62828;--unreachable:#ef6c00;--other:#757575;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:#1f2328;margin:0 auto;padding:16px 24px 48px;max-width:1200px}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
p.meta{color:var(--muted);margin:0 0 12px}
code{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;white-space:nowrap}td.nw{white-space:nowrap}td.n,th.n{text-align:right}
table.summary{width:auto}table.summary td:first-child{font-weight:600}
.js table.sortable th{cursor:pointer;user-select:none}
.js table.sortable th::after{content:" \2195";color:#aab}
.js table.sortable th[aria-sort=ascending]::after{content:" \25B2";color:#1f2328}
.js table.sortable th[aria-sort=descending]::after{content:" \25BC";color:#1f2328}
td ul{margin:0;padding-left:16px}
.outcome-dead{color:var(--dead);font-weight:600}.outcome-unreachable{color:var(--unreachable);font-weight:600}.outcome-other{color:var(--other);font-weight:600}
.new{background:#fff8c5;border-radius:4px;padding:0 4px;font-size:12px;margin-left:4px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
svg{width:100%;height:auto;font:14px system-ui,"DejaVu Sans",sans-serif}
svg .dead{fill:var(--dead)}svg .unreachable{fill:var(--unreachable)}svg .other{fill:var(--other)}
svg .axis{stroke:var(--line)}svg .label{fill:#1f2328}svg .muted{fill:var(--muted)}
svg polyline{fill:none;stroke:var(--dead);stroke-width:2}svg circle.point{fill:var(--dead);stroke:#fff;stroke-width:1.5}
.filter{display:block;margin:4px 0;padding:4px 8px;width:min(420px,100%);font:inherit}
.count{color:var(--muted);font-size:12px}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
)CSS";

// Sorting and filtering. Reads and writes the view in the fragment
// (#q=TEXT&sort=KEY:asc|desc) so a filtered view can be linked.
const char* kScript = R"JS(
(function () {
  "use strict";
  document.documentElement.className = "js";
  function cellKey(cell, numeric) {
    var v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent.trim();
    return numeric ? (parseFloat(v) || 0) : v.toLowerCase();
  }
  function sortTable(table, index, descending) {
    var th = table.tHead.rows[0].cells;
    var numeric = th[index].getAttribute("data-type") === "num";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellKey(a.cells[index], numeric), y = cellKey(b.cells[index], numeric);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var i = 0; i < th.length; i++) th[i].removeAttribute("aria-sort");
    th[index].setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  function filterTable(table, text) {
    var q = text.trim().toLowerCase(), shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var hit = !q || rows[i].textContent.toLowerCase().indexOf(q) >= 0;
      rows[i].hidden = !hit;
      if (hit) shown++;
    }
    var count = document.getElementById(table.id + "-count");
    if (count) count.textContent = shown + " of " + rows.length + " rows";
  }
  function readHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) {
        try { out[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " ")); } catch (e) {}
      }
    });
    return out;
  }
  function writeHash(state) {
    var parts = [];
    if (state.q) parts.push("q=" + encodeURIComponent(state.q));
    if (state.sort) parts.push("sort=" + encodeURIComponent(state.sort));
    if (history.replaceState) history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }
  var state = readHash();
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var main = table.id === "dead-links";
    var th = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(th, function (cell, index) {
      cell.tabIndex = 0;
      function activate() {
        var descending = cell.getAttribute("aria-sort") === "ascending";
        sortTable(table, index, descending);
        if (main) { state.sort = cell.getAttribute("data-key") + ":" + (descending ? "desc" : "asc"); writeHash(state); }
      }
      cell.addEventListener("click", activate);
      cell.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
    });
    var input = document.getElementById(table.id + "-filter");
    if (input) {
      input.hidden = false;
      input.addEventListener("input", function () {
        filterTable(table, input.value);
        if (main) { state.q = input.value; writeHash(state); }
      });
    }
    filterTable(table, "");
    if (main) {
      if (state.sort) {
        var key = state.sort.split(":");
        for (var i = 0; i < th.length; i++) {
          if (th[i].getAttribute("data-key") === key[0]) sortTable(table, i, key[1] === "desc");
        }
      }
      if (state.q && input) { input.value = state.q; filterTable(table, state.q); }
    }
  });
})();
)JS";

std::string host_chart(const ReportView& view) {
  constexpr std::size_t kMaxBars = 25;
  constexpr int kLabel = 230, kWidth = 720, kBar = 18, kGap = 6, kTop = 8;
  const std::size_t bars = std::min(view.hosts.size(), kMaxBars);
  std::string out;
  if (bars == 0) {
    out += "<svg id=\"chart-hosts\" role=\"img\" aria-label=\"Dead links per host: none\" viewBox=\"0 0 720 40\" "
           "xmlns=\"http://www.w3.org/2000/svg\"><text class=\"muted\" x=\"8\" y=\"24\">No dead links.</text></svg>";
    return out;
  }
  std::uint64_t max = 1;
  for (std::size_t i = 0; i < bars; ++i) max = std::max(max, view.hosts[i].failing());
  const int height = kTop + static_cast<int>(bars) * (kBar + kGap) + 24;
  const double scale = static_cast<double>(kWidth - kLabel - 50) / static_cast<double>(max);
  out += fmt::format(
      "<svg id=\"chart-hosts\" role=\"img\" aria-label=\"Dead links per host, worst first\" viewBox=\"0 0 {} {}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n",
      kWidth, height);
  for (std::size_t i = 0; i < bars; ++i) {
    const HostSummary& h = view.hosts[i];
    const int y = kTop + static_cast<int>(i) * (kBar + kGap);
    out += fmt::format("<g class=\"bar\" data-host=\"{}\" data-failing=\"{}\"><title>{}: {} dead, {} unreachable, {} "
                       "forbidden or blocked</title>",
                       esc(h.host), h.failing(), esc(h.host), h.dead, h.unreachable, h.other);
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLabel - 8,
                       y + kBar - 5, esc(shorten(h.host, 30)));
    double x = kLabel;
    for (const auto& [count, cls] : {std::pair{h.dead, "dead"}, std::pair{h.unreachable, "unreachable"},
                                     std::pair{h.other, "other"}}) {
      if (count == 0) continue;
      const double w = std::max(2.0, static_cast<double>(count) * scale);
      out += fmt::format("<rect class=\"{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\"/>", cls, x, y, w, kBar);
      x += w;
    }
    out += fmt::format("<text class=\"muted\" x=\"{:.1f}\" y=\"{}\">{}</text></g>\n", x + 6, y + kBar - 5, h.failing());
  }
  const int axis_y = kTop + static_cast<int>(bars) * (kBar + kGap);
  out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", kLabel, kTop - 4, kLabel, axis_y);
  if (view.hosts.size() > bars)
    out += fmt::format("<text class=\"muted\" x=\"{}\" y=\"{}\">top {} of {} hosts</text>", kLabel, axis_y + 16, bars,
                       view.hosts.size());
  out += "</svg>";
  return out;
}

std::string history_chart(const LinkReportData& data) {
  constexpr int kWidth = 720, kHeight = 260, kLeft = 48, kRight = 16, kTop = 16, kBottom = 40;
  const auto& runs = data.history;
  std::string out = fmt::format(
      "<svg id=\"chart-history\" role=\"img\" aria-label=\"Failing links per run, oldest first\" viewBox=\"0 0 {} {}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n",
      kWidth, kHeight);
  if (runs.empty()) {
    out += "<text class=\"muted\" x=\"8\" y=\"24\">No run history (the link cache is off).</text></svg>";
    return out;
  }
  std::uint64_t max = 1;
  for (const auto& r : runs) max = std::max(max, r.dead + r.unreachable + r.other);
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  auto x_of = [&](std::size_t i) {
    return runs.size() == 1 ? kLeft + plot_w / 2 : kLeft + plot_w * static_cast<double>(i) / static_cast<double>(runs.size() - 1);
  };
  auto y_of = [&](std::uint64_t v) { return kTop + plot_h - plot_h * static_cast<double>(v) / static_cast<double>(max); };
  // Axes and two gridlines with their values.
  for (const std::uint64_t v : {std::uint64_t{0}, max}) {
    out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/>", kLeft, y_of(v),
                       kWidth - kRight, y_of(v));
    out += fmt::format("<text class=\"muted\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", kLeft - 6,
                       y_of(v) + 4, v);
  }
  std::string points;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    points += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x_of(i), y_of(r.dead + r.unreachable + r.other));
  }
  if (runs.size() > 1) out += fmt::format("<polyline points=\"{}\"/>\n", points);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const std::uint64_t failing = r.dead + r.unreachable + r.other;
    out += fmt::format(
        "<circle class=\"point\" data-at=\"{}\" data-failing=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\"><title>{}: {} "
        "failing ({} dead, {} unreachable, {} forbidden or blocked) of {} checked; {} new, {} recovered</title></circle>\n",
        r.at, failing, x_of(i), y_of(failing), report_day(r.at), failing, r.dead, r.unreachable, r.other, r.checked,
        r.newly_failing, r.recovered);
  }
  out += fmt::format("<text class=\"muted\" x=\"{}\" y=\"{}\">{}</text>", kLeft, kHeight - 12, report_day(runs.front().at));
  if (runs.size() > 1)
    out += fmt::format("<text class=\"muted\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kWidth - kRight,
                       kHeight - 12, report_day(runs.back().at));
  out += fmt::format("<text class=\"muted\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} run{}</text>",
                     kLeft + static_cast<int>(plot_w / 2), kHeight - 12, runs.size(), runs.size() == 1 ? "" : "s");
  out += "</svg>";
  return out;
}

std::string filter_box(const std::string& table_id, std::string_view placeholder) {
  return fmt::format(
      "<input type=\"search\" class=\"filter\" id=\"{0}-filter\" placeholder=\"{1}\" aria-label=\"{1}\" hidden> "
      "<span class=\"count\" id=\"{0}-count\"></span>\n",
      table_id, placeholder);
}

}  // namespace

namespace {

// The document head, the title and the run's line.
std::string page_head(const LinkReportData& data, const ReportView& view, int threshold) {
  std::string o;
  const std::string heading =
      fmt::format("Dead links: {}{}", view.listed, view.newly ? fmt::format(" ({} new)", view.newly) : std::string());
  o += "<!DOCTYPE html>\n<html lang=\"en\" class=\"no-js\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline'; img-src data:\">\n";
  o += fmt::format("<title>{} — archive-lint</title>\n<style>{}</style>\n</head>\n<body>\n", esc(heading), kStyle);
  o += fmt::format("<header>\n<h1>{}</h1>\n<p class=\"meta\">Checked by archive-lint on {} UTC", esc(heading),
                   report_day(data.generated_at));
  if (!data.site_url.empty()) o += fmt::format(" for <code>{}</code>", esc(data.site_url));
  o += ".";
  if (threshold > 1)
    o += fmt::format(" A link is listed once it has failed {} runs in a row (<code>--min-failures {}</code>).", threshold,
                     threshold);
  if (!data.has_cache) o += " No link cache: failure history starts with this run.";
  o += "</p>\n</header>\n";

  return o;
}

std::string summary_section(const LinkReportData& data, const ReportView& view, int threshold) {
  std::string o;
  o += "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\"><tbody>\n";
  auto row = [&](std::string_view label, std::uint64_t n, std::string_view id) {
    o += fmt::format("<tr id=\"summary-{}\"><td>{}</td><td class=\"n\">{}</td></tr>\n", id, esc(label), n);
  };
  row("Links checked (unique URLs)", data.checked, "checked");
  row("Places (link occurrences)", data.occurrences, "places");
  row("Dead", view.dead, "dead");
  row("Unreachable", view.unreachable, "unreachable");
  row("Forbidden or blocked", view.other, "other");
  row("Newly dead since the last run", view.newly, "new");
  row("Recovered since the last run", view.recovered.size(), "recovered");
  if (view.below_threshold)
    row(fmt::format("Failing fewer than {} runs in a row (not listed)", threshold), view.below_threshold, "below");
  o += "</tbody></table>\n</section>\n";

  return o;
}

std::string charts_section(const LinkReportData& data, const ReportView& view) {
  std::string o;
  o += "<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">\n";
  o += "<figure><figcaption>Dead links per host</figcaption>\n<p class=\"legend\"><span><i "
       "style=\"background:var(--dead)\"></i>dead</span><span><i style=\"background:var(--unreachable)\"></i>"
       "unreachable</span><span><i style=\"background:var(--other)\"></i>forbidden or blocked</span></p>\n";
  o += host_chart(view);
  o += "</figure>\n<figure><figcaption>Failing links per run (every failure, before the threshold)</figcaption>\n";
  o += history_chart(data);
  o += "</figure>\n</div>\n</section>\n";

  return o;
}

std::string hosts_section(const ReportView& view) {
  std::string o;
  o += "<section id=\"hosts\">\n<h2>Hosts, worst first</h2>\n";
  o += filter_box("hosts-table", "Filter hosts");
  o += "<table id=\"hosts-table\" class=\"sortable\">\n<thead><tr><th data-key=\"host\">Host</th>"
       "<th class=\"n\" data-key=\"dead\" data-type=\"num\">Dead</th>"
       "<th class=\"n\" data-key=\"unreachable\" data-type=\"num\">Unreachable</th>"
       "<th class=\"n\" data-key=\"other\" data-type=\"num\">Forbidden or blocked</th>"
       "<th class=\"n\" data-key=\"places\" data-type=\"num\">Places</th></tr></thead>\n<tbody>\n";
  for (const auto& h : view.hosts) {
    o += fmt::format("<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                     "<td class=\"n\">{}</td></tr>\n",
                     esc(h.host), h.dead, h.unreachable, h.other, h.occurrences);
  }
  o += "</tbody>\n</table>\n</section>\n";

  return o;
}

// One failing URL: its status, history and the places that link it.
std::string dead_link_row(const LinkReportData& data, const ReportLink& link, const ReportOptions& options, int threshold) {
  std::string o;
  const std::string category(report_category(link.outcome));
  const std::string status = link.detail.empty() ? link.outcome : link.detail;
  const std::int64_t age = data.generated_at - link.first_failure;
  o += fmt::format("<tr class=\"link\" data-outcome=\"{}\" data-failures=\"{}\">", esc(link.outcome), link.failures);
  o += fmt::format("<td><a href=\"{0}\" rel=\"noopener noreferrer nofollow\"><code>{0}</code></a>{1}</td>",
                   esc(link.url), link.failures == threshold ? "<span class=\"new\">new</span>" : "");
  o += fmt::format("<td><code>{}</code></td>", esc(link.host));
  o += fmt::format("<td data-sort=\"{}\"><span class=\"outcome-{}\">{}</span>{}</td>", link.status, category,
                   esc(status), link.outcome == "dead" ? "" : fmt::format(" ({})", esc(link.outcome)));
  o += fmt::format("<td class=\"n\">{}</td>", link.failures);
  o += fmt::format("<td class=\"n\" data-sort=\"{}\">{}</td>", age, report_duration(age));
  o += fmt::format("<td class=\"nw\">{}</td>", report_day(link.first_failure));
  o += fmt::format("<td class=\"n\">{}</td><td><ul>", link.occurrences.size());
  const std::size_t shown = std::min(link.occurrences.size(), std::max<std::size_t>(1, options.html_max_occurrences));
  for (std::size_t i = 0; i < shown; ++i) {
    const ReportOccurrence& occ = link.occurrences[i];
    o += fmt::format("<li><code>{}:{}</code>", esc(occ.path), occ.line);
    if (!occ.title.empty()) o += fmt::format(" — {}", esc(occ.title));
    o += "</li>";
  }
  if (link.occurrences.size() > shown)
    o += fmt::format("<li>… and {} more</li>", link.occurrences.size() - shown);
  o += "</ul></td></tr>\n";
  return o;
}

std::string dead_links_section(const LinkReportData& data, const ReportView& view, const ReportOptions& options, int threshold) {
  std::string o;
  o += "<section id=\"dead\">\n<h2>Dead links</h2>\n";
  o += filter_box("dead-links", "Filter links, posts, statuses");
  o += "<table id=\"dead-links\" class=\"sortable\">\n<thead><tr><th data-key=\"url\">URL</th><th data-key=\"host\">Host</th>"
       "<th data-key=\"status\">Status</th><th class=\"n\" data-key=\"runs\" data-type=\"num\">Runs</th>"
       "<th class=\"n\" data-key=\"for\" data-type=\"num\">Failing for</th><th data-key=\"since\">Since</th>"
       "<th class=\"n\" data-key=\"places\" data-type=\"num\">Places</th><th data-key=\"posts\">Posts</th></tr></thead>\n"
       "<tbody>\n";
  for (const auto& h : view.hosts) {
    for (const ReportLink* link : h.links) {
      o += dead_link_row(data, *link, options, threshold);
    }
  }
  o += "</tbody>\n</table>\n</section>\n";

  return o;
}

std::string recovered_section(const ReportView& view) {
  std::string o;
  o += "<section id=\"recovered\">\n<h2>Recovered since the last run</h2>\n";
  if (view.recovered.empty()) {
    o += "<p>None.</p>\n";
  } else {
    o += "<table id=\"recovered-links\"><thead><tr><th>URL</th><th>Was</th><th class=\"n\">Runs</th></tr></thead><tbody>\n";
    for (const RecoveredLink* r : view.recovered)
      o += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td></tr>\n", esc(r->url),
                       esc(r->previous_outcome), r->previous_failures);
    o += "</tbody></table>\n";
  }
  o += "</section>\n<footer><p class=\"meta\">Generated by archive-lint. With JavaScript, click a column to sort and "
       "type to filter; the view is kept in the address (<code>#q=…&amp;sort=runs:desc</code>).</p></footer>\n";
  o += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return o;
}

}  // namespace

std::string render_html_report(const LinkReportData& data, const ReportOptions& options) {
  const ReportView view = make_report_view(data, options);
  const int threshold = std::max(1, options.min_failures);
  std::string o;
  o.reserve(64 * 1024);
  o += page_head(data, view, threshold);
  o += summary_section(data, view, threshold);
  o += charts_section(data, view);
  o += hosts_section(view);
  o += dead_links_section(data, view, options, threshold);
  o += recovered_section(view);
  return o;
}

}  // namespace al
