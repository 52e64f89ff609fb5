#include "archive_lint/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "archive_lint/config.hpp"
#include "archive_lint/formatter.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/links.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/runner.hpp"
#include "archive_lint/version.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  std::string config;
  std::string fail_on = "error";
  std::string color = "auto";
  unsigned jobs = 0;
  bool quiet = false;
  bool offline = false;
  bool links_only = false;  // `archive-lint links`: extraction and reachability only
  LinkOverrides link_overrides;
};

// A one-line progress bar on stderr, redrawn at most ten times a second.
LinkProgressFn make_progress_bar() {
  if (::isatty(STDERR_FILENO) != 1) return {};
  auto last = std::make_shared<double>(-1.0);
  return [last](const LinkProgress& p) {
    if (p.done != p.total && p.seconds - *last < 0.1) return;
    *last = p.seconds;
    const double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0.0;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = p.total ? p.done * kWidth / p.total : kWidth;
    std::cerr << fmt::format("\r[{}{}] {}/{} links, {} failing, {:.0f}/s ", std::string(filled, '#'),
                             std::string(kWidth - filled, '.'), p.done, p.total, p.failing, rate);
    if (p.done == p.total) std::cerr << '\n';
    std::cerr << std::flush;
  };
}

bool use_color(const std::string& mode, bool to_file) {
  if (mode == "always") return true;
  if (mode == "never" || to_file) return false;
  if (const char* no = std::getenv("NO_COLOR"); no && *no) return false;
  if (const char* term = std::getenv("TERM"); term && std::string_view(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

int run_check(const CheckOptions& opt) {
  Config config;
  try {
    config = load_config(opt.config.empty() ? std::nullopt : std::optional<fs::path>(opt.config), fs::current_path());
  } catch (const ConfigError& e) {
    std::cerr << "archive-lint: " << e.what() << '\n';
    return kExitError;
  }
  std::vector<ActiveCheck> checks;
  LinkSettings link_settings;
  LinkRuleSeverities link_rules;
  try {
    checks = instantiate_checks(config);
    if (opt.links_only) {
      checks.erase(std::remove_if(checks.begin(), checks.end(),
                                  [](const ActiveCheck& c) { return c.check->meta().family() != "links"; }),
                   checks.end());
    }
    for (const auto& c : checks) {
      if (c.check->meta().family() == "links" && c.check->meta().id != "links/malformed")
        link_rules.rules.emplace_back(c.check->meta().id, c.severity);
    }
    link_settings = load_link_settings(config, opt.link_overrides);
  } catch (const ConfigError& e) {
    std::cerr << "archive-lint: " << e.what() << '\n';
    return kExitError;
  }
  std::vector<std::string> paths = opt.paths;
  if (paths.empty()) {
    std::error_code ec;
    paths.push_back(fs::is_directory("_posts", ec) ? "_posts" : ".");
  }
  std::vector<std::string> missing;
  const auto files = collect_files(paths, config, missing);
  for (const auto& m : missing) std::cerr << "archive-lint: " << m << ": no such file or directory\n";
  if (!missing.empty()) return kExitError;

  std::vector<DocumentLinks> links;
  RunResult result = run_checks(files, checks, opt.jobs, link_rules.rules.empty() ? nullptr : &links);
  if (!link_rules.rules.empty()) {
    // Reachability: once per run, over the deduplicated links of every file.
    std::vector<std::string> warnings;
    const auto started = std::chrono::steady_clock::now();
    run_link_pass(links, link_settings, link_rules, !opt.offline, result.diagnostics, warnings,
                  make_progress_bar());
    for (const auto& w : warnings) std::cerr << "archive-lint: warning: " << w << '\n';
    std::sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
    assign_fingerprints(result.diagnostics);
    result.stats.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  const Severity fail_level = *parse_severity(opt.fail_on);

  Report report;
  report.stats = result.stats;
  report.root = fs::absolute(config.root).lexically_normal();
  for (const auto& c : checks) report.rules.push_back(&c.check->meta());
  std::sort(report.rules.begin(), report.rules.end(), [](auto* a, auto* b) { return a->id < b->id; });
  bool failed = false;
  for (auto& d : result.diagnostics) {
    failed |= d.severity >= fail_level;
    if (opt.quiet && d.severity < fail_level) continue;
    report.diagnostics.push_back(std::move(d));
  }
  report.color = use_color(opt.color, !opt.output.empty());

  auto formatter = make_formatter(opt.format);
  std::ostringstream rendered;
  if (!(opt.quiet && opt.format == "text" && report.diagnostics.empty())) formatter->write(report, rendered);
  if (opt.output.empty() || opt.output == "-") {
    std::cout << rendered.str() << std::flush;
  } else {
    try {
      write_file_atomic(opt.output, rendered.str());
    } catch (const std::exception& e) {
      std::cerr << "archive-lint: " << e.what() << '\n';
      return kExitError;
    }
  }
  return failed ? kExitFindings : kExitClean;
}

int run_rules(bool as_json) {
  if (as_json) {
    std::cout << "[\n";
    bool first = true;
    for (const auto& c : registry()) {
      std::cout << (first ? "" : ",\n")
                << fmt::format("  {{\"id\": \"{}\", \"severity\": \"{}\", \"enabled\": {}, \"fixable\": {}, \"summary\": \"{}\"}}",
                               c.meta.id, to_string(c.meta.default_severity), c.meta.enabled_by_default,
                               c.meta.fixable, c.meta.summary);
      first = false;
    }
    std::cout << "\n]\n";
    return kExitClean;
  }
  std::size_t width = 0;
  for (const auto& c : registry()) width = std::max(width, c.meta.id.size());
  for (const auto& c : registry()) {
    std::cout << fmt::format("{:<{}}  {:<7}  {}{}\n", c.meta.id, width, to_string(c.meta.default_severity),
                             c.meta.summary, c.meta.enabled_by_default ? "" : " (off by default)");
  }
  return kExitClean;
}

int run_explain(const std::string& id) {
  const RegisteredCheck* c = find_check(id);
  if (!c) {
    std::cerr << "archive-lint: unknown rule '" << id << "' (see `archive-lint rules`)\n";
    return kExitError;
  }
  const CheckMeta& m = c->meta;
  std::cout << m.id << ": " << m.summary << "\n\n";
  std::cout << "Default severity: " << to_string(m.default_severity)
            << (m.enabled_by_default ? "" : " (off by default)") << (m.fixable ? "; has a suggested fix" : "")
            << "\n\n";
  std::cout << m.help << "\n";
  if (!m.options.empty()) {
    std::cout << "\nOptions (under `rules: " << m.id << ":` in .archive-lint.yml):\n";
    for (const auto& o : m.options) {
      std::cout << fmt::format("  {} ({}, default {}): {}\n", o.name, o.type, o.default_value, o.description);
    }
  }
  std::cout << "\nDocs: docs/checks/" << m.id << ".md\n";
  return kExitClean;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"archive-lint: lint and link-check archives of Jekyll-style posts", "archive-lint"};
  app.set_version_flag("--version", std::string("archive-lint ") + kVersion);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  archive-lint check                       # the posts under ./_posts\n"
      "  archive-lint check _posts/2022-01-20-x.md --fail-on warning\n"
      "  archive-lint check --format sarif --output archive-lint.sarif\n"
      "  archive-lint rules\n"
      "  archive-lint explain front-matter/date-format\n"
      "  archive-lint links _posts --max-per-host 2   # link reachability only\n"
      "\nExit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, config or I/O error.");

  CheckOptions opt;
  auto add_link_options = [&opt](CLI::App* sub) {
    sub->add_option("--timeout", opt.link_overrides.timeout, "Link check: total timeout per request, seconds (links.timeout)");
    sub->add_option("--max-concurrency", opt.link_overrides.max_concurrency,
                    "Link check: requests in flight overall (links.max_concurrency, default 64)");
    sub->add_option("--max-per-host", opt.link_overrides.max_per_host,
                    "Link check: requests in flight per host (links.max_per_host, default 4)");
    sub->add_option("--retries", opt.link_overrides.retries, "Link check: retries after errors, 5xx and 429 (links.retries)");
    sub->add_option("--cache", opt.link_overrides.cache,
                    "Link cache file (links.cache, default .archive-lint/links-cache.json)");
    sub->add_flag("--no-cache", opt.link_overrides.no_cache, "Neither read nor write the link cache");
    sub->add_flag("--allow-private", opt.link_overrides.allow_private,
                  "Allow connections to loopback, private and link-local addresses (links.allow_private)");
    sub->add_option("--site-url", opt.link_overrides.site_url, "Site URL for protocol- and site-relative links (site.url)");
    sub->add_option("--exclude", opt.link_overrides.exclude, "Skip URLs matching REGEX (repeatable; links.exclude)");
  };
  auto* check = app.add_subcommand("check", "Check posts (files or directories; default: ./_posts or .)");
  check->add_option("paths", opt.paths, "Files and directories to check");
  check->add_option("-f,--format", opt.format, "Output format")->check(CLI::IsMember({"text", "sarif", "json"}));
  check->add_option("-o,--output", opt.output, "Write the report to FILE (atomically) instead of stdout");
  check->add_option("-c,--config", opt.config, "Config file (default: nearest .archive-lint.yml)");
  check->add_option("--fail-on", opt.fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  check->add_option("-j,--jobs", opt.jobs, "Parallel jobs (default: all cores)");
  check->add_flag("-q,--quiet", opt.quiet, "Show only findings at or above --fail-on; print nothing when clean");
  check->add_option("--color", opt.color, "Colour the text output")->check(CLI::IsMember({"auto", "always", "never"}));
  check->add_flag("--offline", opt.offline, "Skip link reachability (no network access at all)");
  add_link_options(check);
  check->footer(
      "Examples:\n"
      "  archive-lint check _posts\n"
      "  archive-lint check --format sarif -o results.sarif\n"
      "  archive-lint check --config ci.archive-lint.yml --fail-on warning");

  auto* links_cmd = app.add_subcommand("links", "Check only the links of the archive: extraction and reachability");
  links_cmd->add_option("paths", opt.paths, "Files and directories (default: ./_posts or .)");
  links_cmd->add_option("-f,--format", opt.format, "Output format")->check(CLI::IsMember({"text", "sarif", "json"}));
  links_cmd->add_option("-o,--output", opt.output, "Write the report to FILE (atomically) instead of stdout");
  links_cmd->add_option("-c,--config", opt.config, "Config file (default: nearest .archive-lint.yml)");
  links_cmd->add_option("--fail-on", opt.fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  links_cmd->add_option("-j,--jobs", opt.jobs, "Parallel jobs for reading files (default: all cores)");
  links_cmd->add_flag("-q,--quiet", opt.quiet, "Show only findings at or above --fail-on");
  links_cmd->add_option("--color", opt.color, "Colour the text output")->check(CLI::IsMember({"auto", "always", "never"}));
  add_link_options(links_cmd);
  links_cmd->footer(
      "Examples:\n"
      "  archive-lint links _posts\n"
      "  archive-lint links --max-per-host 2 --timeout 10 --exclude '^https://www\\.linkedin\\.com/'\n"
      "  archive-lint links --no-cache --format sarif -o links.sarif");

  bool rules_json = false;
  auto* rules = app.add_subcommand("rules", "List every rule with its default severity and summary");
  rules->add_flag("--json", rules_json, "Machine-readable list");

  std::string explain_id;
  auto* explain = app.add_subcommand("explain", "Print a rule's documentation and options");
  explain->add_option("rule", explain_id, "Rule id, e.g. front-matter/date-format")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }
  try {
    if (*check) return run_check(opt);
    if (*links_cmd) {
      opt.links_only = true;
      return run_check(opt);
    }
    if (*rules) return run_rules(rules_json);
    if (*explain) return run_explain(explain_id);
  } catch (const std::exception& e) {
    std::cerr << "archive-lint: " << e.what() << '\n';
    return kExitError;
  }
  return kExitError;
}

}  // namespace al
