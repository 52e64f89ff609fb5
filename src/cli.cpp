#include "archive_lint/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>

#include "archive_lint/baseline.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/formatter.hpp"
#include "archive_lint/inspect.hpp"
#include "archive_lint/git.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/link_report.hpp"
#include "archive_lint/links.hpp"
#include "archive_lint/merge.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/version.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

// Raised for problems that end the run with exit code 2 after a message.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What selects and checks files; shared by `check`, `links` and `baseline`.
using LintOptions = PipelineOptions;

// One `--report FORMAT[=FILE]`.
struct ReportSpec {
  std::string format;  // markdown or html
  std::string file;    // empty: --output, or stdout
};

struct CheckOptions {
  LintOptions lint;
  std::string format;  // empty: text (and not given on the command line)
  std::vector<std::string> reports;  // --report FORMAT[=FILE]
  int min_failures = 1;
  std::string output;
  std::string fail_on = "error";
  std::string color = "auto";
  std::string sarif_category;
  std::string baseline;
  bool quiet = false;
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

// The library's pipeline, with a progress bar on a terminal and its warnings on stderr.
PipelineResult lint(LintOptions options) {
  options.progress = make_progress_bar();
  PipelineResult run;
  try {
    run = run_pipeline(options);
  } catch (const RunError& e) {
    throw UsageError(e.what());
  }
  for (const auto& w : run.warnings) std::cerr << "archive-lint: warning: " << w << '\n';
  return run;
}

std::vector<ReportSpec> parse_reports(const CheckOptions& opt) {
  std::vector<ReportSpec> specs;
  std::size_t to_output = 0;
  for (const auto& text : opt.reports) {
    ReportSpec spec;
    const auto eq = text.find('=');
    spec.format = text.substr(0, eq);
    if (eq != std::string::npos) {
      spec.file = text.substr(eq + 1);
      if (spec.file.empty()) throw UsageError(fmt::format("--report {}: the file name after '=' is empty", text));
    }
    if (spec.format != "markdown" && spec.format != "html")
      throw UsageError(fmt::format("--report takes markdown or html, optionally =FILE; got '{}'", text));
    if (spec.file.empty()) ++to_output;
    specs.push_back(std::move(spec));
  }
  if (to_output > 1)
    throw UsageError("only one --report can go to --output (or stdout); give the others a file: --report html=FILE");
  if (to_output == 1 && !opt.format.empty())
    throw UsageError("--report FORMAT writes the report in place of the findings; to get both, name the report's "
                     "file: --report FORMAT=FILE --format " + opt.format);
  if (!specs.empty() && opt.lint.offline)
    throw UsageError("--report needs the link check; drop --offline");
  return specs;
}

void write_output(const std::string& file, const std::string& content) {
  if (file.empty()) std::cout << content << std::flush;
  else write_output_file(file, content);
}

int run_check(const CheckOptions& opt_in) {
  CheckOptions opt = opt_in;
  const std::vector<ReportSpec> reports = parse_reports(opt);
  opt.lint.want_report = !reports.empty();
  const bool findings_replaced = std::any_of(reports.begin(), reports.end(), [](const auto& r) { return r.file.empty(); });
  if (opt.format.empty()) opt.format = "text";
  PipelineResult outcome = lint(opt.lint);
  ReportRequest request;
  request.baseline = opt.baseline;
  request.fail_level = *parse_severity(opt.fail_on);
  request.quiet = opt.quiet;
  request.automation_id = opt.sarif_category;
  request.color = use_color(opt.color, !opt.output.empty() && opt.output != "-");
  AssembledReport assembled;
  try {
    assembled = assemble_report(outcome, request);
  } catch (const RunError& e) {
    throw UsageError(e.what());
  }
  const Report& report = assembled.report;
  const bool failed = assembled.failed;
  const std::size_t baselined = assembled.baselined;

  ReportOptions report_options;
  report_options.min_failures = opt.min_failures;
  for (const auto& spec : reports) {
    const std::string text = spec.format == "html" ? render_html_report(outcome.report, report_options)
                                                   : render_markdown_report(outcome.report, report_options);
    write_output(spec.file.empty() ? opt.output : spec.file, text);
  }
  if (!reports.empty() && !outcome.report.has_cache && opt.min_failures > 1) {
    std::cerr << fmt::format("archive-lint: warning: --min-failures {} needs the link cache to count runs; without it "
                             "no link has failed more than one run\n",
                             opt.min_failures);
  }
  if (findings_replaced) return failed ? kExitFindings : kExitClean;

  auto formatter = make_formatter(opt.format);
  std::ostringstream rendered;
  if (!(opt.quiet && opt.format == "text" && report.diagnostics.empty())) formatter->write(report, rendered);
  write_output(opt.output, rendered.str());
  if (opt.format == "sarif" && report.diagnostics.size() > report.max_results) {
    std::cerr << fmt::format("archive-lint: warning: SARIF holds the first {} of {} results (GitHub's per-run limit)\n",
                             report.max_results, report.diagnostics.size());
  }
  if (baselined > 0 && !opt.quiet) {
    std::cerr << fmt::format("archive-lint: {} finding{} accepted by the baseline {}\n", baselined,
                             baselined == 1 ? "" : "s", opt.baseline);
  }
  return failed ? kExitFindings : kExitClean;
}

int run_baseline(const LintOptions& lint_opt, const std::string& output) {
  PipelineResult outcome = lint(lint_opt);
  const Baseline baseline = Baseline::from(outcome.result.diagnostics);
  write_output_file(output, baseline.serialise());
  std::cerr << fmt::format("archive-lint: wrote {} finding{} to {}\n", baseline.size(), baseline.size() == 1 ? "" : "s",
                           output);
  return kExitClean;
}

int run_merge(const std::vector<std::string>& inputs, const std::string& output) {
  std::vector<fs::path> files(inputs.begin(), inputs.end());
  std::string merged;
  try {
    merged = merge_reports(files);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  write_output(output, merged);
  return kExitClean;
}

// Each file as the checks read it; a file that cannot be read says why in its
// own entry. JSON: one object per line.
int run_inspect(const std::vector<std::string>& files, const std::string& format) {
  PipelineOptions options;
  options.paths = files;
  options.offline = true;
  const Site site = load_site(options);
  for (const auto& w : site.warnings) std::cerr << "archive-lint: warning: " << w << '\n';
  for (const auto& file : files) {
    const Document doc = load_document(file, file);
    const PostInspection post = inspect_document(doc, site.jekyll.get(), file);
    std::cout << (format == "json" ? render_inspection_json(post) : render_inspection_text(post));
  }
  std::cout << std::flush;
  return kExitClean;
}

int run_rules(bool as_json) {
  if (as_json) {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (const auto& c : registry()) {
      w.begin_object();
      w.key("id").value(c.meta.id);
      w.key("severity").value(to_string(c.meta.default_severity));
      w.key("enabled").value(c.meta.enabled_by_default);
      w.key("fixable").value(c.meta.fixable);
      w.key("summary").value(c.meta.summary);
      w.key("options").begin_array();
      for (const auto& o : c.meta.options) {
        w.begin_object().key("name").value(o.name).key("type").value(o.type).key("default").value(o.default_value);
        w.key("description").value(o.description).end_object();
      }
      w.end_array();
      w.end_object();
    }
    w.end_array();
    std::cout << out << '\n';
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
  if (!c) throw UsageError(fmt::format("unknown rule '{}' (see `archive-lint rules`)", id));
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

void add_lint_options(CLI::App* app, LintOptions& opt) {
  app->add_option("paths", opt.paths, "Files and directories to check (default: the site's _posts folders, or .)");
  app->add_option("-c,--config", opt.config, "Config file (default: nearest .archive-lint.yml)");
  app->add_option("-j,--jobs", opt.jobs, "Parallel jobs (default: all cores)");
  app->add_option("--changed-since", opt.changed_since,
                  "Only files changed since the merge base of REF and HEAD (committed, staged, unstaged or untracked)");
  app->add_option("--shard", opt.shard, "Only shard I of N (I/N), by a stable hash of the path");
  app->add_flag("--offline", opt.offline, "Skip link reachability (no network access at all)");
  app->add_option("--timeout", opt.link_overrides.timeout, "Link check: total timeout per request, seconds (links.timeout)");
  app->add_option("--max-concurrency", opt.link_overrides.max_concurrency,
                  "Link check: requests in flight overall (links.max_concurrency, default 64)");
  app->add_option("--max-per-host", opt.link_overrides.max_per_host,
                  "Link check: requests in flight per host (links.max_per_host, default 4)");
  app->add_option("--retries", opt.link_overrides.retries, "Link check: retries after errors, 5xx and 429 (links.retries)");
  app->add_option("--cache", opt.link_overrides.cache, "Link cache file (links.cache, default .archive-lint/links-cache.json)");
  app->add_flag("--no-cache", opt.link_overrides.no_cache, "Neither read nor write the link cache");
  app->add_flag("--allow-private", opt.link_overrides.allow_private,
                "Allow connections to loopback, private and link-local addresses (links.allow_private)");
  app->add_option("--site-url", opt.link_overrides.site_url, "Site URL for protocol- and site-relative links (site.url)");
  app->add_option("--exclude", opt.link_overrides.exclude, "Skip URLs matching REGEX (repeatable; links.exclude)");
}

// `check` and `links` share everything but the selection of rules.
void add_report_options(CLI::App* app, CheckOptions& opt) {
  app->add_option("-f,--format", opt.format, "Output format of the findings (default text)")
      ->check(CLI::IsMember({"text", "sarif", "json", "github"}));
  app->add_option("-o,--output", opt.output,
                  "Write the findings (or the --report without =FILE) to FILE instead of stdout: a file is replaced "
                  "atomically, a FIFO or device written through, - is stdout");
  auto* report = app->add_option(
      "--report", opt.reports,
      "Dead-link report: markdown (an issue body) or html (one self-contained page). FORMAT alone replaces the "
      "findings output (--output or stdout); FORMAT=FILE writes it next to them. Repeatable");
  report->type_name("FORMAT[=FILE]");
  app->add_option("--min-failures", opt.min_failures,
                  "Report: list a link only once it has failed N runs in a row (from the link cache; default 1)")
      ->check(CLI::PositiveNumber)
      ->needs(report);
  app->add_option("--fail-on", opt.fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  app->add_option("--baseline", opt.baseline, "Ignore the findings accepted in this baseline file");
  app->add_option("--sarif-category", opt.sarif_category,
                  "SARIF runAutomationDetails category, e.g. archive-lint/pr (keeps uploads of different uses apart)");
  app->add_flag("-q,--quiet", opt.quiet, "Show only findings at or above --fail-on; print nothing when clean");
  app->add_option("--color", opt.color, "Colour the text output")->check(CLI::IsMember({"auto", "always", "never"}));
}

// The values every subcommand's options parse into, and the definition itself.
struct Parsed {
  CheckOptions check;
  CheckOptions links;
  LintOptions baseline;
  std::string baseline_output = ".archive-lint-baseline.json";
  std::vector<std::string> merge_inputs;
  std::string merge_output;
  bool rules_json = false;
  std::string explain_id;
  std::vector<std::string> inspect_files;
  std::string inspect_format = "text";
};

struct Subcommands {
  CLI::App* check = nullptr;
  CLI::App* links = nullptr;
  CLI::App* baseline = nullptr;
  CLI::App* merge = nullptr;
  CLI::App* rules = nullptr;
  CLI::App* explain = nullptr;
  CLI::App* inspect = nullptr;
};

Subcommands define_cli(CLI::App& app, Parsed& p) {
  app.set_version_flag("--version", std::string("archive-lint ") + kVersion);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  archive-lint check                       # the posts under ./_posts\n"
      "  archive-lint check _posts/2022-01-20-x.md --fail-on warning\n"
      "  archive-lint check --format sarif --sarif-category archive-lint/pr --output archive-lint.sarif\n"
      "  archive-lint check --changed-since origin/main --baseline .archive-lint-baseline.json\n"
      "  archive-lint baseline                    # accept today's findings\n"
      "  archive-lint links _posts --max-per-host 2   # link reachability only\n"
      "  archive-lint rules\n"
      "  archive-lint explain front-matter/date-format\n"
      "\n" + exit_codes_help());

  Subcommands sub;
  sub.check = app.add_subcommand("check", "Check posts");
  add_lint_options(sub.check, p.check.lint);
  add_report_options(sub.check, p.check);
  sub.check->footer(
      "Examples:\n"
      "  archive-lint check _posts\n"
      "  archive-lint check --format sarif -o results.sarif\n"
      "  archive-lint check --format github --changed-since origin/main\n"
      "  archive-lint check --shard 2/4 --format sarif -o shard-2.sarif");

  p.links.lint.links_only = true;
  sub.links = app.add_subcommand("links", "Check only the links of the archive: extraction and reachability");
  add_lint_options(sub.links, p.links.lint);
  add_report_options(sub.links, p.links);
  sub.links->footer(
      "Examples:\n"
      "  archive-lint links _posts\n"
      "  archive-lint links --max-per-host 2 --timeout 10 --exclude '^https://www\\.linkedin\\.com/'\n"
      "  archive-lint links --no-cache --format sarif --sarif-category archive-lint/links -o links.sarif\n"
      "  archive-lint links --report markdown --output report.md --min-failures 3\n"
      "  archive-lint links --report markdown=report.md --report html=report.html --format sarif -o links.sarif");

  sub.baseline = app.add_subcommand("baseline", "Write (or rewrite) a baseline of today's findings, atomically");
  add_lint_options(sub.baseline, p.baseline);
  sub.baseline->add_option("-o,--output", p.baseline_output, "Baseline file")->capture_default_str();

  sub.merge = app.add_subcommand("merge", "Merge the SARIF or JSON outputs of several shards into one");
  sub.merge->add_option("inputs", p.merge_inputs, "SARIF or JSON files written by archive-lint")->required();
  sub.merge->add_option("-o,--output", p.merge_output, "Write the merged file (atomically) instead of stdout");

  sub.rules = app.add_subcommand("rules", "List every rule with its default severity and summary");
  sub.rules->add_flag("--json", p.rules_json, "Machine-readable list");

  sub.explain = app.add_subcommand("explain", "Print a rule's documentation and options");
  sub.explain->add_option("rule", p.explain_id, "Rule id, e.g. front-matter/date-format")->required();

  sub.inspect = app.add_subcommand("inspect", "Show how a post is read: front matter, Markdown, HTML, Liquid and links");
  sub.inspect->add_option("files", p.inspect_files, "Posts to show")->required();
  sub.inspect->add_option("--format", p.inspect_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub.inspect->footer(
      "Examples:\n"
      "  archive-lint inspect _posts/2022-01-20-x.md\n"
      "  archive-lint inspect --format json _posts/2022-01-20-x.md | jq '.spans[] | select(.kind | startswith(\"liquid\"))'");
  return sub;
}

int dispatch(const Subcommands& sub, const Parsed& p) {
  try {
    if (*sub.check) return run_check(p.check);
    if (*sub.links) return run_check(p.links);
    if (*sub.baseline) return run_baseline(p.baseline, p.baseline_output);
    if (*sub.merge) return run_merge(p.merge_inputs, p.merge_output);
    if (*sub.rules) return run_rules(p.rules_json);
    if (*sub.explain) return run_explain(p.explain_id);
    if (*sub.inspect) return run_inspect(p.inspect_files, p.inspect_format);
  } catch (const ConfigError& e) {
    std::cerr << "archive-lint: " << e.what() << '\n';
    return kExitError;
  } catch (const std::exception& e) {
    std::cerr << "archive-lint: " << e.what() << '\n';
    return kExitError;
  }
  return kExitError;
}

constexpr ExitCode kExitCodes[] = {
    {kExitClean, "nothing at or above --fail-on"},
    {kExitFindings, "findings"},
    {kExitError, "usage, config or I/O error"},
};

}  // namespace

std::span<const ExitCode> exit_codes() { return kExitCodes; }

std::string exit_codes_help() {
  std::string text = "Exit codes:";
  for (const auto& e : kExitCodes) text += fmt::format("{} {} {}", &e == kExitCodes ? "" : ",", e.code, e.meaning);
  return text + ".";
}

struct CliDefinition::State {
  CLI::App app{"archive-lint: lint and link-check archives of Jekyll-style posts", "archive-lint"};
  Parsed parsed;
  Subcommands sub = define_cli(app, parsed);
};

CliDefinition::CliDefinition() : state_(std::make_unique<State>()) {}
CliDefinition::~CliDefinition() = default;

const CLI::App& CliDefinition::app() const { return state_->app; }

int CliDefinition::run(int argc, char** argv) {
  CLI::App& app = state_->app;
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
  return dispatch(state_->sub, state_->parsed);
}

int run_cli(int argc, char** argv) {
  CliDefinition cli;
  return cli.run(argc, argv);
}

}  // namespace al
