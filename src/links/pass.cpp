// The link pass: resolution, exclusions, remapping to local files, the cache,
// one engine run over the unique URLs, and findings at every occurrence.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
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

std::string_view rule_for(Outcome o) {
  switch (o) {
    case Outcome::redirect: return "links/redirect";
    case Outcome::dead: return "links/dead";
    case Outcome::forbidden: return "links/forbidden";
    case Outcome::unreachable: return "links/unreachable";
    case Outcome::server_error: return "links/server-error";
    case Outcome::redirect_loop: return "links/redirect-loop";
    case Outcome::blocked: return "links/blocked-address";
    case Outcome::ok: break;
  }
  return {};
}

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

}  // namespace

LinkPassStats run_link_pass(const std::vector<DocumentLinks>& docs, const LinkSettings& settings,
                            const LinkRuleSeverities& severities, bool network, std::vector<Diagnostic>& out,
                            std::vector<std::string>& warnings, const LinkProgressFn& progress,
                            LinkReportData* report) {
  LinkPassStats stats;
  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  Clock::time_point resolved_at, cache_loaded_at, findings_at, saved_at;
  links::EngineStats engine;
  Url site;
  std::string error;
  if (!links::parse_http_url(settings.site_url, site, error)) {
    warnings.push_back(fmt::format("site.url '{}' is not usable ({}); links not checked", settings.site_url, error));
    return stats;
  }
  std::vector<Pending> pending;
  auto add = [&](std::size_t d, std::size_t l, std::string_view rule, std::string message,
                 std::optional<Fix> fix = {}) -> bool {
    const Severity* sev = severities.find(rule);
    if (!sev) return false;
    const DocumentLinks& doc = docs[d];
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
    pending.push_back(std::move(p));
    return true;
  };

  // 1. Resolve every occurrence.
  std::vector<std::vector<Resolved>> resolved(docs.size());
  std::vector<std::string> unique;
  std::unordered_map<std::string, std::size_t> index_of;
  auto resolve = [&](std::size_t d, std::size_t l) {
    const LinkOccurrence& link = docs[d].links[l];
    Resolved& r = resolved[d][l];
    std::vector<std::string> raw;
    switch (links::classify_link(link.url)) {
      case LinkForm::http: raw.push_back(link.url); break;
      case LinkForm::protocol_relative:
        if (settings.protocol_relative == "error") {
          const std::string fixed = site.scheme + ":" + link.url;
          add(d, l, "links/protocol-relative",
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
    for (const auto& candidate : raw) {
      Url u;
      if (!links::parse_http_url(candidate, u, error)) break;  // links/malformed reports it
      const std::string url = u.normalized();
      bool excluded = false;
      for (const auto& pattern : settings.exclude) excluded |= pattern.search(url) || pattern.search(link.url);
      if (excluded) break;
      bool remapped = false;
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
          add(d, l, "links/dead", fmt::format("{}: the local file {} does not exist (links.remap '{}')", url, local,
                                               rule.pattern.text()));
        remapped = true;
        break;
      }
      if (remapped) break;
      r.candidates.push_back(url);
      if (index_of.emplace(url, unique.size()).second) unique.push_back(url);
    }
  };
  for (std::size_t d = 0; d < docs.size(); ++d) {
    resolved[d].resize(docs[d].links.size());
    for (std::size_t l = 0; l < docs[d].links.size(); ++l) {
      ++stats.occurrences;
      try {
        resolve(d, l);
      } catch (...) {
        resolved[d][l] = Resolved{};
        add(d, l, kCheckFailedRule, check_failure_message("the link pass failed on this link", "it was not checked"));
      }
    }
  }
  stats.unique_urls = unique.size();
  resolved_at = cache_loaded_at = Clock::now();

  // 2. Cache, then the network for what the cache cannot answer.
  std::vector<CheckResult> results(unique.size());
  std::vector<bool> have(unique.size(), false);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::optional<links::LinkCache> cache;
  std::vector<std::optional<links::CacheEntry>> previous;  // the cache before this run, per unique URL
  if (network && !unique.empty()) {
    if (settings.use_cache) {
      links::CacheOptions options;
      options.prune_after_s = settings.cache_prune_after_s;
      cache.emplace(settings.cache_file, options);
      cache->load(warnings);
      previous.resize(unique.size());
      for (std::size_t i = 0; i < unique.size(); ++i) {
        if (const links::CacheEntry* e = cache->find(unique[i])) previous[i] = *e;
      }
      for (std::size_t i = 0; i < unique.size(); ++i) {
        const links::CacheEntry* e = cache->find(unique[i]);
        if (!e || !links::is_alive(e->outcome) || now - e->checked_at >= settings.cache_max_age_s || now < e->checked_at)
          continue;
        results[i].outcome = e->outcome;
        results[i].status = e->status;
        results[i].final_url = e->final_url;
        results[i].redirect_to = e->redirect_to;
        results[i].detail = e->detail;
        have[i] = true;
        cache->touch(unique[i], now);
        ++stats.from_cache;
      }
    }
    std::vector<std::string> fetch;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < unique.size(); ++i) {
      if (have[i]) continue;
      fetch.push_back(unique[i]);
      where.push_back(i);
    }
    stats.fetched = fetch.size();
    cache_loaded_at = Clock::now();
    auto fetched = links::check_urls(fetch, settings.engine, progress, &engine);
    for (std::size_t k = 0; k < fetched.size(); ++k) {
      results[where[k]] = std::move(fetched[k]);
      have[where[k]] = true;
      if (cache) cache->record(fetch[k], results[where[k]], now);
    }
  }

  // 3. Findings at every occurrence; the report keeps the places reported.
  std::map<std::size_t, ReportLink> failing;  // unique index -> link
  for (std::size_t d = 0; d < docs.size() && network; ++d) {
    for (std::size_t l = 0; l < docs[d].links.size(); ++l) {
      const Resolved& r = resolved[d][l];
      if (r.candidates.empty()) continue;
      const CheckResult* chosen = nullptr;
      std::string chosen_url;
      for (const auto& c : r.candidates) {
        const std::size_t i = index_of.at(c);
        if (!have[i]) continue;
        if (!chosen || (links::is_alive(results[i].outcome) && !links::is_alive(chosen->outcome))) {
          chosen = &results[i];
          chosen_url = c;
        }
      }
      if (!chosen || chosen->outcome == Outcome::ok) continue;
      const LinkOccurrence& link = docs[d].links[l];
      std::string subject = link.url;
      if (r.candidates.size() > 1) subject += " (neither https nor http works)";
      else if (chosen_url != link.url) subject += fmt::format(" (checked as {})", chosen_url);
      std::string message = fmt::format("{}: {}", subject, chosen->detail);
      if (cache && !links::is_alive(chosen->outcome)) {
        if (const links::CacheEntry* e = cache->find(chosen_url); e && e->failures > 1 && e->first_failure > 0)
          message += fmt::format("; {} since {} ({} runs)", chosen->outcome == Outcome::dead ? "dead" : "failing",
                                 report_day(e->first_failure), e->failures);
      }
      std::optional<Fix> fix;
      if (chosen->outcome == Outcome::redirect && !chosen->redirect_to.empty())
        fix = Fix{"use the new URL", link.start.offset, link.end.offset, chosen->redirect_to};
      if (!add(d, l, rule_for(chosen->outcome), std::move(message), std::move(fix)) || links::is_alive(chosen->outcome))
        continue;
      const std::size_t i = index_of.at(chosen_url);
      ReportLink& rl = failing[i];
      if (rl.url.empty()) {
        rl.url = chosen_url;
        Url u;
        std::string ignored;
        rl.host = links::parse_http_url(chosen_url, u, ignored) ? u.host_key() : std::string();
        rl.outcome = std::string(links::to_string(chosen->outcome));
        rl.status = chosen->status;
        rl.detail = chosen->detail;
        rl.failures = 1;
        rl.first_failure = now;
        if (const links::CacheEntry* e = cache ? cache->find(chosen_url) : nullptr; e && !links::is_alive(e->outcome)) {
          rl.failures = std::max(1, e->failures);
          if (e->first_failure > 0) rl.first_failure = e->first_failure;
        }
      }
      rl.occurrences.push_back({docs[d].path, docs[d].title, link.start.line, link.start.column, link.url});
    }
  }

  // The run log and the report: what failed, what is new, what recovered.
  if (network && !unique.empty()) {
    RunRecord run;
    run.at = now;
    run.checked = unique.size();
    for (const auto& [i, rl] : failing) {
      const std::string_view category = report_category(rl.outcome);
      (category == "dead" ? run.dead : category == "unreachable" ? run.unreachable : run.other) += 1;
      run.newly_failing += rl.failures == 1 ? 1 : 0;
    }
    std::vector<RecoveredLink> recovered;
    for (std::size_t i = 0; i < previous.size(); ++i) {
      if (!previous[i] || links::is_alive(previous[i]->outcome) || previous[i]->failures <= 0 || !have[i] ||
          !links::is_alive(results[i].outcome))
        continue;
      RecoveredLink r;
      r.url = unique[i];
      Url u;
      std::string ignored;
      r.host = links::parse_http_url(unique[i], u, ignored) ? u.host_key() : std::string();
      r.previous_outcome = std::string(links::to_string(previous[i]->outcome));
      r.previous_failures = previous[i]->failures;
      r.previous_first_failure = previous[i]->first_failure;
      recovered.push_back(std::move(r));
    }
    run.recovered = recovered.size();
    findings_at = Clock::now();
    if (cache) {
      if (settings.record_run) cache->record_run(run);
      cache->save(warnings);
    }
    saved_at = Clock::now();
    if (report) {
      report->generated_at = now;
      report->site_url = settings.site_url;
      report->occurrences = stats.occurrences;
      report->checked = unique.size();
      report->has_cache = settings.use_cache;
      for (auto& [i, rl] : failing) report->failing.push_back(std::move(rl));
      report->recovered = std::move(recovered);
      if (cache) report->history = cache->runs();
      if (!cache || settings.record_run) report->history.push_back(run);
    }
  } else if (report) {
    report->generated_at = now;
    report->site_url = settings.site_url;
    report->occurrences = stats.occurrences;
    report->has_cache = network && settings.use_cache;
  }

  // 4. Source lines, re-read only for files with findings.
  std::map<std::size_t, std::vector<Pending*>> by_doc;
  for (auto& p : pending) by_doc[p.doc].push_back(&p);
  for (auto& [d, list] : by_doc) {
    std::string read_error;
    const auto text = docs[d].filesystem_path.empty() ? std::nullopt : read_file(docs[d].filesystem_path, read_error);
    if (text) {
      const LineIndex lines(*text);
      std::vector<Diagnostic*> found;
      found.reserve(list.size());
      for (Pending* p : list) {
        if (p->diagnostic.start.line >= 1 && p->diagnostic.start.line <= lines.line_count())
          set_source_excerpt(p->diagnostic, lines.line_text(*text, p->diagnostic.start.line),
                             p->diagnostic.start.offset - lines.line_start(p->diagnostic.start.line));
        found.push_back(&p->diagnostic);
      }
      set_line_hashes(*text, found);
    }
  }
  for (auto& p : pending) out.push_back(std::move(p.diagnostic));
  if (std::getenv("ARCHIVE_LINT_TIMING") && network && !unique.empty()) {
    auto ms = [](Clock::time_point a, Clock::time_point b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    auto row = [](std::string_view what, double took, const std::string& note = {}) {
      fmt::print(stderr, "link pass: {:<16} {:9.2f} ms{}{}\n", what, took, note.empty() ? "" : "  ", note);
    };
    row("resolve", ms(began, resolved_at), fmt::format("{} unique URLs", unique.size()));
    row("cache load", ms(resolved_at, cache_loaded_at), fmt::format("{} fresh", stats.from_cache));
    if (stats.fetched > 0) {
      row("engine set-up", engine.setup_ms);
      row("network", engine.network_ms,
          fmt::format("{} requests, {} connections opened", engine.requests, engine.connections));
      row("engine teardown", engine.teardown_ms);
    }
    row("findings", ms(cache_loaded_at, findings_at) - engine.setup_ms - engine.network_ms - engine.teardown_ms);
    row("cache save", ms(findings_at, saved_at));
    row("source lines", ms(saved_at, Clock::now()));
  }
  return stats;
}

}  // namespace al
