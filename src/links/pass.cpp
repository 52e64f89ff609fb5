// The link pass: resolution, exclusions, remapping to local files, the cache,
// one engine run over the unique URLs, and findings at every occurrence.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <unordered_map>

#include "archive_lint/check.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/line_hash.hpp"
#include "archive_lint/link_report.hpp"
#include "archive_lint/links.hpp"
#include "links/cache.hpp"
#include "links/engine.hpp"
#include "links/url.hpp"

namespace al {

using links::CheckResult;
using links::LinkForm;
using links::Outcome;
using links::Url;

bool collect_document_links(const Document& doc, const std::string& filesystem_path, DocumentLinks& out) {
  out.path = doc.path;
  out.filesystem_path = filesystem_path;
  out.suppressions = doc.suppressions;
  out.title.clear();
  if (doc.front_matter.ok()) {
    if (const FrontMatterKey* title = doc.front_matter.find("title"); title && title->value.IsScalar())
      out.title = title->value.Scalar();
  }
  out.links.clear();
  for (const auto& link : doc.links) {
    const LinkForm form = links::classify_link(link.url);
    if (form != LinkForm::http && form != LinkForm::protocol_relative && form != LinkForm::site_relative) continue;
    LinkOccurrence o;
    o.url = link.url;
    o.role = link.role;
    o.start = doc.position(link.begin);
    o.end = doc.position(link.end);
    out.links.push_back(std::move(o));
  }
  return !out.links.empty();
}

namespace {

struct Resolved {
  std::vector<std::string> candidates;  // URLs to fetch; alive if any is
  std::optional<std::string> local_file;
  std::string remapped_from;
};

struct Pending {
  std::size_t doc = 0;
  std::size_t link = 0;
  Diagnostic diagnostic;
};

// The pass's findings, kept until their source lines are read at the end.
class FindingSink {
 public:
  FindingSink(const std::vector<DocumentLinks>& docs, const LinkRuleSeverities& severities)
      : docs_(docs), severities_(severities) {}

  // False when the rule is off or suppressed at the link's line.
  bool add(std::size_t d, std::size_t l, std::string_view rule, std::string message, std::optional<Fix> fix = {}) {
    const Severity* sev = severities_.find(rule);
    if (!sev) return false;
    const DocumentLinks& doc = docs_[d];
    const LinkOccurrence& link = doc.links[l];
    if (doc.suppressions.covers(rule, link.start.line)) return false;
    Pending p;
    p.doc = d;
    p.link = l;
    p.diagnostic.rule_id = std::string(rule);
    p.diagnostic.severity = *sev;
    p.diagnostic.message = std::move(message);
    p.diagnostic.path = doc.path;
    p.diagnostic.start = link.start;
    p.diagnostic.end = link.end;
    p.diagnostic.fix = std::move(fix);
    pending_.push_back(std::move(p));
    return true;
  }
  std::vector<Pending> take() { return std::move(pending_); }

 private:
  const std::vector<DocumentLinks>& docs_;
  const LinkRuleSeverities& severities_;
  std::vector<Pending> pending_;
};

struct ResolvedLinks {
  std::vector<std::vector<Resolved>> by_doc;  // per document, per link
  std::vector<std::string> unique;            // the URLs to check, each once
  std::unordered_map<std::string, std::size_t> index_of;
  std::size_t occurrences = 0;
};

// The URLs to try for a link as written: a protocol-relative link gets a
// scheme (or both, per links.protocol_relative), a site-relative one the site.
std::vector<std::string> candidate_urls(const LinkOccurrence& link, std::size_t d, std::size_t l,
                                        const LinkSettings& settings, const Url& site, FindingSink& sink) {
  std::vector<std::string> raw;
  switch (links::classify_link(link.url)) {
    case LinkForm::http: raw.push_back(link.url); break;
    case LinkForm::protocol_relative:
      if (settings.protocol_relative == "error") {
        const std::string fixed = site.scheme + ":" + link.url;
        sink.add(d, l, "links/protocol-relative",
                 fmt::format("protocol-relative link '{}': write the scheme, as in {}", link.url, fixed),
                 Fix{"add the scheme", link.start.offset, link.start.offset, site.scheme + ":"});
        raw.push_back(fixed);
      } else if (settings.protocol_relative == "both") {
        raw.push_back("https:" + link.url);
        raw.push_back("http:" + link.url);
      } else {
        raw.push_back(settings.protocol_relative + ":" + link.url);
      }
      break;
    case LinkForm::site_relative: raw.push_back(links::join_site_relative(site, link.url)); break;
    default: break;
  }
  return raw;
}

// A URL that links.remap maps to a local file: the file is checked instead
// (links/dead when it is missing). False when no remap rule matches.
bool remap_to_local_file(const std::string& url, const LinkSettings& settings, Resolved& r,
                         const std::function<void(std::string)>& report_missing) {
  for (const auto& rule : settings.remap) {
    const auto m = rule.pattern.find(url);
    if (!m) continue;
    // The replacement stands for the text up to the match's end; the rest of the URL follows it.
    std::string local = expand_replacement(rule.replacement, url, *m) + url.substr((*m)[0].end);
    if (const auto q = local.find('?'); q != std::string::npos) local.erase(q);
    std::filesystem::path p(local);
    if (p.is_relative()) p = settings.root / p;
    std::error_code ec;
    if (local.empty() || local.back() == '/' || std::filesystem::is_directory(p, ec)) p /= "index.html";
    r.local_file = p.string();
    r.remapped_from = url;
    if (!std::filesystem::exists(p, ec))
      report_missing(fmt::format("{}: the local file {} does not exist (links.remap '{}')", url, local, rule.pattern.text()));
    return true;
  }
  return false;
}

// Resolves one occurrence into the URLs to check, after exclusions and remapping.
Resolved resolve_link(std::size_t d, std::size_t l, const std::vector<DocumentLinks>& docs, const LinkSettings& settings,
                      const Url& site, FindingSink& sink, ResolvedLinks& all) {
  const LinkOccurrence& link = docs[d].links[l];
  Resolved r;
  std::string error;
  for (const auto& candidate : candidate_urls(link, d, l, settings, site, sink)) {
    Url u;
    if (!links::parse_http_url(candidate, u, error)) break;  // links/malformed reports it
    const std::string url = u.normalized();
    bool excluded = false;
    for (const auto& pattern : settings.exclude) excluded |= pattern.search(url) || pattern.search(link.url);
    if (excluded) break;
    if (remap_to_local_file(url, settings, r, [&](std::string message) { sink.add(d, l, "links/dead", std::move(message)); }))
      break;
    r.candidates.push_back(url);
    if (all.index_of.emplace(url, all.unique.size()).second) all.unique.push_back(url);
  }
  return r;
}

ResolvedLinks resolve_links(const std::vector<DocumentLinks>& docs, const LinkSettings& settings, const Url& site,
                            FindingSink& sink) {
  ResolvedLinks all;
  all.by_doc.resize(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) {
    all.by_doc[d].resize(docs[d].links.size());
    for (std::size_t l = 0; l < docs[d].links.size(); ++l) {
      ++all.occurrences;
      try {
        all.by_doc[d][l] = resolve_link(d, l, docs, settings, site, sink, all);
      } catch (...) {
        all.by_doc[d][l] = Resolved{};
        sink.add(d, l, kCheckFailedRule, check_failure_message("the link pass failed on this link", "it was not checked"));
      }
    }
  }
  return all;
}

struct UrlOutcomes {
  std::vector<CheckResult> results;  // per unique URL
  std::vector<bool> have;            // a result is known (from the cache or the network)
  std::optional<links::LinkCache> cache;
  std::vector<std::optional<links::CacheEntry>> previous;  // the cache before this run, per unique URL
  std::size_t from_cache = 0, fetched = 0;
  std::chrono::steady_clock::time_point cache_loaded_at;
};

// Takes what the cache still vouches for (alive and younger than cache_max_age).
void answer_from_cache(const std::vector<std::string>& unique, const LinkSettings& settings, std::int64_t now,
                       UrlOutcomes& out, std::vector<std::string>& warnings) {
  links::CacheOptions options;
  options.prune_after_s = settings.cache_prune_after_s;
  out.cache.emplace(settings.cache_file, options);
  out.cache->load(warnings);
  out.previous.resize(unique.size());
  for (std::size_t i = 0; i < unique.size(); ++i) {
    const links::CacheEntry* e = out.cache->find(unique[i]);
    if (e) out.previous[i] = *e;
    if (!e || !links::is_alive(e->outcome) || now - e->checked_at >= settings.cache_max_age_s || now < e->checked_at)
      continue;
    out.results[i].outcome = e->outcome;
    out.results[i].status = e->status;
    out.results[i].final_url = e->final_url;
    out.results[i].redirect_to = e->redirect_to;
    out.results[i].detail = e->detail;
    out.have[i] = true;
    out.cache->touch(unique[i], now);
    ++out.from_cache;
  }
}

// The cache first, then one engine run over what the cache cannot answer.
UrlOutcomes check_unique_urls(const std::vector<std::string>& unique, const LinkSettings& settings, std::int64_t now,
                              const LinkProgressFn& progress, links::EngineStats& engine, std::vector<std::string>& warnings) {
  UrlOutcomes out;
  out.results.resize(unique.size());
  out.have.assign(unique.size(), false);
  if (settings.use_cache) answer_from_cache(unique, settings, now, out, warnings);
  std::vector<std::string> fetch;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < unique.size(); ++i) {
    if (out.have[i]) continue;
    fetch.push_back(unique[i]);
    where.push_back(i);
  }
  out.fetched = fetch.size();
  out.cache_loaded_at = std::chrono::steady_clock::now();
  auto fetched = links::check_urls(fetch, settings.engine, progress, &engine);
  for (std::size_t k = 0; k < fetched.size(); ++k) {
    out.results[where[k]] = std::move(fetched[k]);
    out.have[where[k]] = true;
    if (out.cache) out.cache->record(fetch[k], out.results[where[k]], now);
  }
  return out;
}

std::string host_of(const std::string& url) {
  Url u;
  std::string ignored;
  return links::parse_http_url(url, u, ignored) ? u.host_key() : std::string();
}

// The report's entry for a failing URL, with its failure history from the cache.
ReportLink failing_link(const std::string& url, const CheckResult& result, const links::LinkCache* cache,
                        std::int64_t now) {
  ReportLink rl;
  rl.url = url;
  rl.host = host_of(url);
  rl.outcome = std::string(links::to_string(result.outcome));
  rl.status = result.status;
  rl.detail = result.detail;
  rl.failures = 1;
  rl.first_failure = now;
  if (const links::CacheEntry* e = cache ? cache->find(url) : nullptr; e && !links::is_alive(e->outcome)) {
    rl.failures = std::max(1, e->failures);
    if (e->first_failure > 0) rl.first_failure = e->first_failure;
  }
  return rl;
}

// The finding at one occurrence: the best of its candidates (alive wins).
// Returns the URL checked when it failed and was reported, for the report.
std::optional<std::string> report_occurrence(const DocumentLinks& doc, std::size_t d, std::size_t l, const Resolved& r,
                                             const ResolvedLinks& all, const UrlOutcomes& outcomes, FindingSink& sink) {
  const CheckResult* chosen = nullptr;
  std::string chosen_url;
  for (const auto& c : r.candidates) {
    const std::size_t i = all.index_of.at(c);
    if (!outcomes.have[i]) continue;
    if (!chosen || (links::is_alive(outcomes.results[i].outcome) && !links::is_alive(chosen->outcome))) {
      chosen = &outcomes.results[i];
      chosen_url = c;
    }
  }
  if (!chosen || chosen->outcome == Outcome::ok) return std::nullopt;
  const LinkOccurrence& link = doc.links[l];
  std::string subject = link.url;
  if (r.candidates.size() > 1) subject += " (neither https nor http works)";
  else if (chosen_url != link.url) subject += fmt::format(" (checked as {})", chosen_url);
  std::string message = fmt::format("{}: {}", subject, chosen->detail);
  if (outcomes.cache && !links::is_alive(chosen->outcome)) {
    if (const links::CacheEntry* e = outcomes.cache->find(chosen_url); e && e->failures > 1 && e->first_failure > 0)
      message += fmt::format("; {} since {} ({} runs)", chosen->outcome == Outcome::dead ? "dead" : "failing",
                             report_day(e->first_failure), e->failures);
  }
  std::optional<Fix> fix;
  if (chosen->outcome == Outcome::redirect && !chosen->redirect_to.empty())
    fix = Fix{"use the new URL", link.start.offset, link.end.offset, chosen->redirect_to};
  if (!sink.add(d, l, links::rule_for(chosen->outcome), std::move(message), std::move(fix)) ||
      links::is_alive(chosen->outcome))
    return std::nullopt;
  return chosen_url;
}

// Findings at every occurrence; returns the failing URLs (by unique index)
// with the places reported, for the report.
std::map<std::size_t, ReportLink> report_occurrences(const std::vector<DocumentLinks>& docs, const ResolvedLinks& all,
                                                     const UrlOutcomes& outcomes, std::int64_t now, FindingSink& sink) {
  std::map<std::size_t, ReportLink> failing;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    for (std::size_t l = 0; l < docs[d].links.size(); ++l) {
      const Resolved& r = all.by_doc[d][l];
      if (r.candidates.empty()) continue;
      const auto url = report_occurrence(docs[d], d, l, r, all, outcomes, sink);
      if (!url) continue;
      const std::size_t i = all.index_of.at(*url);
      ReportLink& rl = failing[i];
      if (rl.url.empty()) rl = failing_link(*url, outcomes.results[i], outcomes.cache ? &*outcomes.cache : nullptr, now);
      const LinkOccurrence& link = docs[d].links[l];
      rl.occurrences.push_back({docs[d].path, docs[d].title, link.start.line, link.start.column, link.url});
    }
  }
  return failing;
}

// URLs that failed on an earlier run and answer now.
std::vector<RecoveredLink> recovered_links(const std::vector<std::string>& unique, const UrlOutcomes& outcomes) {
  std::vector<RecoveredLink> recovered;
  for (std::size_t i = 0; i < outcomes.previous.size(); ++i) {
    const auto& before = outcomes.previous[i];
    if (!before || links::is_alive(before->outcome) || before->failures <= 0 || !outcomes.have[i] ||
        !links::is_alive(outcomes.results[i].outcome))
      continue;
    RecoveredLink r;
    r.url = unique[i];
    r.host = host_of(unique[i]);
    r.previous_outcome = std::string(links::to_string(before->outcome));
    r.previous_failures = before->failures;
    r.previous_first_failure = before->first_failure;
    recovered.push_back(std::move(r));
  }
  return recovered;
}

RunRecord run_record(const std::map<std::size_t, ReportLink>& failing, std::size_t checked, std::size_t recovered,
                     std::int64_t now) {
  RunRecord run;
  run.at = now;
  run.checked = checked;
  for (const auto& [i, rl] : failing) {
    const std::string_view category = report_category(rl.outcome);
    (category == "dead" ? run.dead : category == "unreachable" ? run.unreachable : run.other) += 1;
    run.newly_failing += rl.failures == 1 ? 1 : 0;
  }
  run.recovered = recovered;
  return run;
}

// Source excerpts and line hashes, from each file with findings read once.
std::vector<Diagnostic> with_source_lines(const std::vector<DocumentLinks>& docs, std::vector<Pending> pending) {
  std::map<std::size_t, std::vector<Pending*>> by_doc;
  for (auto& p : pending) by_doc[p.doc].push_back(&p);
  for (auto& [d, list] : by_doc) {
    std::string read_error;
    const auto text = docs[d].filesystem_path.empty() ? std::nullopt : read_file(docs[d].filesystem_path, read_error);
    if (!text) continue;
    const LineIndex lines(*text);
    std::vector<Diagnostic*> found;
    found.reserve(list.size());
    for (Pending* p : list) {
      Diagnostic& diag = p->diagnostic;
      if (diag.start.line >= 1 && diag.start.line <= lines.line_count())
        set_source_excerpt(diag, lines.line_text(*text, diag.start.line), diag.start.offset - lines.line_start(diag.start.line));
      found.push_back(&diag);
    }
    set_line_hashes(*text, found);
  }
  std::vector<Diagnostic> out;
  out.reserve(pending.size());
  for (auto& p : pending) out.push_back(std::move(p.diagnostic));
  return out;
}

// ARCHIVE_LINT_TIMING: where a networked pass spent its time.
struct PassTimes {
  using Clock = std::chrono::steady_clock;
  Clock::time_point began = Clock::now(), resolved, cache_loaded, findings, saved;
};

void print_timing(const PassTimes& t, const LinkPassStats& stats, const links::EngineStats& engine) {
  auto ms = [](PassTimes::Clock::time_point a, PassTimes::Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  auto row = [](std::string_view what, double took, const std::string& note = {}) {
    fmt::print(stderr, "link pass: {:<16} {:9.2f} ms{}{}\n", what, took, note.empty() ? "" : "  ", note);
  };
  row("resolve", ms(t.began, t.resolved), fmt::format("{} unique URLs", stats.unique_urls));
  row("cache load", ms(t.resolved, t.cache_loaded), fmt::format("{} fresh", stats.from_cache));
  if (stats.fetched > 0) {
    row("engine set-up", engine.setup_ms);
    row("network", engine.network_ms, fmt::format("{} requests, {} connections opened", engine.requests, engine.connections));
    row("engine teardown", engine.teardown_ms);
  }
  row("findings", ms(t.cache_loaded, t.findings) - engine.setup_ms - engine.network_ms - engine.teardown_ms);
  row("cache save", ms(t.findings, t.saved));
  row("source lines", ms(t.saved, PassTimes::Clock::now()));
}

void fill_report_header(LinkReportData& report, const LinkSettings& settings, const LinkPassStats& stats,
                        std::int64_t now) {
  report.generated_at = now;
  report.site_url = settings.site_url;
  report.occurrences = stats.occurrences;
}

}  // namespace

LinkPassStats run_link_pass(const std::vector<DocumentLinks>& docs, const LinkSettings& settings,
                            const LinkRuleSeverities& severities, bool network, std::vector<Diagnostic>& out,
                            std::vector<std::string>& warnings, const LinkProgressFn& progress,
                            LinkReportData* report) {
  LinkPassStats stats;
  PassTimes times;
  Url site;
  std::string error;
  if (!links::parse_http_url(settings.site_url, site, error)) {
    warnings.push_back(fmt::format("site.url '{}' is not usable ({}); links not checked", settings.site_url, error));
    return stats;
  }
  FindingSink sink(docs, severities);
  const ResolvedLinks all = resolve_links(docs, settings, site, sink);
  stats.occurrences = all.occurrences;
  stats.unique_urls = all.unique.size();
  times.resolved = PassTimes::Clock::now();
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const bool checking = network && !all.unique.empty();
  if (!checking) {
    if (report) {
      fill_report_header(*report, settings, stats, now);
      report->has_cache = network && settings.use_cache;
    }
    for (auto& d : with_source_lines(docs, sink.take())) out.push_back(std::move(d));
    return stats;
  }

  links::EngineStats engine;
  UrlOutcomes outcomes = check_unique_urls(all.unique, settings, now, progress, engine, warnings);
  stats.from_cache = outcomes.from_cache;
  stats.fetched = outcomes.fetched;
  times.cache_loaded = outcomes.cache_loaded_at;
  std::map<std::size_t, ReportLink> failing = report_occurrences(docs, all, outcomes, now, sink);
  // The run log and the report: what failed, what is new, what recovered.
  std::vector<RecoveredLink> recovered = recovered_links(all.unique, outcomes);
  const RunRecord run = run_record(failing, all.unique.size(), recovered.size(), now);
  times.findings = PassTimes::Clock::now();
  if (outcomes.cache) {
    if (settings.record_run) outcomes.cache->record_run(run);
    outcomes.cache->save(warnings);
  }
  times.saved = PassTimes::Clock::now();
  if (report) {
    fill_report_header(*report, settings, stats, now);
    report->checked = all.unique.size();
    report->has_cache = settings.use_cache;
    for (auto& [i, rl] : failing) report->failing.push_back(std::move(rl));
    report->recovered = std::move(recovered);
    if (outcomes.cache) report->history = outcomes.cache->runs();
    if (!outcomes.cache || settings.record_run) report->history.push_back(run);
  }
  for (auto& d : with_source_lines(docs, sink.take())) out.push_back(std::move(d));
  if (std::getenv("ARCHIVE_LINT_TIMING")) print_timing(times, stats, engine);
  return stats;
}

}  // namespace al
