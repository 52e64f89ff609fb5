#include "archive_lint/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "archive_lint/archive.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/formatter.hpp"
#include "archive_lint/io.hpp"
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
};

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
  try {
    checks = instantiate_checks(config);
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

  RunResult result = run_checks(files, checks, opt.jobs);
  for (const auto& w : run_archive_stage(files, checks, config, opt.jobs, result).warnings)
    std::cerr << "archive-lint: warning: " << w << '\n';
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
      "\nExit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, config or I/O error.");

  CheckOptions opt;
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
  check->add_flag("--offline", opt.offline, "Run only checks that need no network (all checks in this version)");
  check->footer(
      "Examples:\n"
      "  archive-lint check _posts\n"
      "  archive-lint check --format sarif -o results.sarif\n"
      "  archive-lint check --config ci.archive-lint.yml --fail-on warning");

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
    if (*rules) return run_rules(rules_json);
    if (*explain) return run_explain(explain_id);
  } catch (const std::exception& e) {
    std::cerr << "archive-lint: " << e.what() << '\n';
    return kExitError;
  }
  return kExitError;
}

}  // namespace al
