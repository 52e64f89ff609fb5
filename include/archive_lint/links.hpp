#pragma once
// The link pass: resolves every collected link, checks the unique URLs once
// (src/links/engine.cpp is the only code that does network I/O) and reports
// links/* findings at every occurrence.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <future>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/diagnostic.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/link_report.hpp"
#include "archive_lint/pattern.hpp"

struct sockaddr;

namespace al {

// One link occurrence, kept after its Document is gone (no Document bytes).
struct LinkOccurrence {
  std::string url;  // as written
  LinkRole role = LinkRole::in_text;
  Position start;
  Position end;
};

// What the link pass needs from one file: small, so a whole archive fits.
struct DocumentLinks {
  std::string path;             // display path
  std::string filesystem_path;  // re-read for source lines of findings only
  std::string title;            // front-matter title, for the dead-link report
  Suppressions suppressions;
  std::vector<LinkOccurrence> links;
};

// Keeps only the links the link pass can act on (http, https, protocol- and
// site-relative); returns false when there are none.
bool collect_document_links(const Document& doc, const std::string& filesystem_path, DocumentLinks& out);

struct StatusRange {
  long low = 200;
  long high = 299;
};

struct EngineOptions {
  long connect_timeout_ms = 10000;
  long timeout_ms = 20000;
  int max_concurrency = 64;
  int max_per_host = 4;
  long min_interval_ms = 0;
  int retries = 2;
  long backoff_base_ms = 1000;
  long backoff_max_ms = 30000;
  long retry_after_max_ms = 60000;
  int max_redirects = 10;
  std::size_t max_body_bytes = 64 * 1024;
  std::string user_agent;
  bool allow_private = false;
  std::vector<StatusRange> accept = {{200, 299}};
  // Tests only: connections the address policy lets through as if public,
  // so that a loopback server can stand in for a public host. Empty otherwise.
  std::function<bool(const sockaddr* address)> treat_as_public;
};

struct RemapRule {
  Pattern pattern;
  std::string replacement;  // a local path (relative to the config root), $1.. allowed
};

struct LinkSettings {
  std::string site_url = "https://example.com";
  std::string protocol_relative = "https";  // https, http, both, error
  std::vector<RemapRule> remap;
  std::vector<Pattern> exclude;
  EngineOptions engine;
  bool use_cache = true;
  std::filesystem::path cache_file = ".archive-lint/links-cache.json";
  long long cache_max_age_s = 86400;
  long long cache_prune_after_s = 30 * 86400;  // drop cache entries no run has used for this long
  std::filesystem::path root = ".";
  // Append this run to the cache's run log. Off for runs over part of the
  // archive (--changed-since, --shard), which would skew the history.
  bool record_run = true;
};

// CLI flags; each overrides its `links:` config key.
struct LinkOverrides {
  std::optional<double> timeout;
  std::optional<int> max_concurrency;
  std::optional<int> max_per_host;
  std::optional<int> retries;
  std::optional<std::string> cache;
  bool no_cache = false;
  bool allow_private = false;
  std::optional<std::string> site_url;
  std::vector<std::string> exclude;
};

// Reads config.links and site.url, then applies the overrides. Throws ConfigError.
LinkSettings load_link_settings(const Config& config, const LinkOverrides& overrides = {});

struct LinkRuleSeverities {
  // rule id -> severity, only for enabled links/* rules.
  std::vector<std::pair<std::string, Severity>> rules;
  const Severity* find(std::string_view id) const;
};

struct ActiveCheck;
// The link pass's rules among the enabled checks: the links/* rules it reports
// (links/malformed is a document check), and internal/check-failed for a
// failure inside the pass when that rule is enabled and any link rule is.
LinkRuleSeverities link_rule_severities(const std::vector<ActiveCheck>& checks);

struct LinkProgress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t failing = 0;
  double seconds = 0;
};
using LinkProgressFn = std::function<void(const LinkProgress&)>;

struct LinkPassStats {
  std::size_t occurrences = 0;
  std::size_t unique_urls = 0;
  std::size_t from_cache = 0;
  std::size_t fetched = 0;
};

// Starts loading libcurl on a background thread, for a run that will check
// links: the 4-5 ms it takes then overlap with reading the posts. The future
// is ready once it is loaded; a failure is raised again when links are checked.
std::future<void> preload_link_engine();

// Runs resolution (always) and reachability (when network is true), appends
// findings to out. Cache problems are written to warnings (one line each).
// When report is set, it receives the failing URLs with their reported
// places, the URLs that recovered and the cache's run log (this run last),
// for render_markdown_report and render_html_report.
LinkPassStats run_link_pass(const std::vector<DocumentLinks>& docs, const LinkSettings& settings,
                            const LinkRuleSeverities& severities, bool network, std::vector<Diagnostic>& out,
                            std::vector<std::string>& warnings, const LinkProgressFn& progress = {},
                            LinkReportData* report = nullptr);

}  // namespace al
