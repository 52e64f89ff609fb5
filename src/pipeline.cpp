#include "archive_lint/pipeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <future>
#include <map>
#include <optional>

#include "archive_lint/archive.hpp"
#include "archive_lint/git.hpp"
#include "archive_lint/registry.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

constexpr unsigned kMaxShards = 100000;

// A whole number of at most six digits, nothing else (no sign, spaces or suffix).
std::optional<unsigned> small_number(std::string_view text) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  unsigned n = 0;
  for (const char c : text) n = n * 10 + static_cast<unsigned>(c - '0');
  return n;
}

std::vector<FileEntry> changed_files(std::vector<FileEntry> files, const Config& config, const std::string& ref) {
  const auto repo = find_repository_root(config.root);
  if (!repo) throw RunError(fmt::format("--changed-since: {} is not inside a git repository", config.root.string()));
  std::map<fs::path, AddedLines> changed;
  try {
    changed = changed_since(*repo, ref);
  } catch (const GitError& e) {
    throw RunError(fmt::format("--changed-since {}: {}", ref, e.what()));
  }
  std::vector<FileEntry> kept;
  for (auto& f : files) {
    std::error_code ec;
    const fs::path abs = fs::weakly_canonical(fs::absolute(f.filesystem_path), ec);
    auto it = changed.find(abs);
    if (it == changed.end()) it = changed.find(fs::absolute(f.filesystem_path).lexically_normal());
    if (it == changed.end()) continue;
    f.added_lines = it->second;
    kept.push_back(std::move(f));
  }
  return kept;
}

Config load_run_config(const PipelineOptions& opt) {
  // Like ruff: without --config, look upwards from the first path given.
  fs::path start = fs::current_path();
  if (opt.config.empty() && !opt.paths.empty()) {
    std::error_code ec;
    const fs::path first = fs::absolute(opt.paths.front(), ec);
    start = fs::is_directory(first, ec) ? first : first.parent_path();
  }
  return load_config(opt.config.empty() ? std::nullopt : std::optional<fs::path>(opt.config), start);
}

// Where the Jekyll site is looked for: the paths given, else where the run starts.
std::vector<fs::path> site_search_paths(const PipelineOptions& opt) {
  std::vector<fs::path> out(opt.paths.begin(), opt.paths.end());
  if (out.empty()) out.push_back(opt.config.empty() ? fs::current_path() : fs::absolute(opt.config).parent_path());
  return out;
}

// The deepest directory holding every path (a file counts as its directory).
fs::path common_directory(const std::vector<std::string>& paths, const fs::path& fallback) {
  std::optional<fs::path> common;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path dir = fs::absolute(p, ec).lexically_normal();
    if (ec) return fallback;
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
    if (dir.filename().empty()) dir = dir.parent_path();  // "a/b/" -> "a/b"
    if (!common) {
      common = dir;
      continue;
    }
    fs::path shared;
    for (auto a = common->begin(), b = dir.begin(); a != common->end() && b != dir.end() && *a == *b; ++a, ++b)
      shared /= *a;
    common = shared;
  }
  return common && !common->empty() ? *common : fallback;
}

std::vector<ActiveCheck> enabled_checks(const PipelineOptions& opt, const Config& config) {
  std::vector<ActiveCheck> checks = instantiate_checks(config);
  if (opt.links_only) {
    // `archive-lint links` selects the links family (document-stage
    // links/malformed included), as `select: ['links/*']` would.
    std::erase_if(checks, [](const ActiveCheck& c) {
      return !rule_pattern_matches("links/*", c.check->meta().id) && c.check->meta().id != kCheckFailedRule;
    });
  }
  return checks;
}

std::vector<FileEntry> selected_files(const PipelineOptions& opt, const Config& config) {
  std::vector<std::string> paths = opt.paths;
  if (paths.empty() && config.jekyll && config.jekyll->found()) {
    // The posts Jekyll reads, wherever they are (en/news/_posts, ...).
    for (const auto& dir : config.jekyll->post_directories()) {
      if (dir.filename() == "_posts") paths.push_back(dir.string());
    }
  }
  if (paths.empty()) {
    // The archive the config belongs to: its `_posts` if there is one.
    std::error_code ec;
    fs::path base = opt.config.empty() ? fs::path(".") : fs::relative(config.root, fs::current_path(), ec);
    if (base.empty()) base = ".";
    paths.push_back(fs::is_directory(base / "_posts", ec) ? (base / "_posts").string() : base.string());
  }
  std::vector<std::string> missing;
  auto files = collect_files(paths, config, missing);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : "\narchive-lint: ") + m + ": no such file or directory";
    throw RunError(list);
  }
  if (!opt.changed_since.empty()) files = changed_files(std::move(files), config, opt.changed_since);
  if (!opt.shard.empty()) {
    const auto [index, count] = parse_shard(opt.shard);
    keep_shard(files, index, count);
  }
  return files;
}

// Reachability: once per run, over the deduplicated links of every file.
void run_link_stage(const PipelineOptions& opt, const LinkRuleSeverities& rules, const LinkSettings& settings,
                    const std::vector<DocumentLinks>& links, PipelineResult& run) {
  const auto started = std::chrono::steady_clock::now();
  run_link_pass(links, settings, rules, !opt.offline, run.result.diagnostics, run.warnings, opt.progress,
                opt.want_report ? &run.report : nullptr);
  run.result.stats.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash != std::string::npos) {
    const auto i = small_number(std::string_view(text).substr(0, slash));
    const auto n = small_number(std::string_view(text).substr(slash + 1));
    if (i && n && *i >= 1 && *i <= *n && *n <= kMaxShards) return {*i, *n};
  }
  throw RunError(fmt::format("--shard: takes I/N, two whole numbers with 1 <= I <= N <= {}, got '{}'", kMaxShards,
                             text));
}

Site load_site(const PipelineOptions& options) {
  Site site;
  site.config = load_run_config(options);
  auto jekyll = std::make_shared<JekyllSite>();
  if (const auto root = find_site_root(site_search_paths(options), site.config.jekyll_root)) {
    *jekyll = load_jekyll_site(*root);
    site.warnings = jekyll->warnings;
  }
  if (site.config.file.empty()) {
    // No .archive-lint.yml: every path is shown from one base, the Jekyll
    // site's root, else the directory all the paths share.
    site.config.root = jekyll->found() ? jekyll->root : common_directory(options.paths, site.config.root);
    if (jekyll->found()) site.config.site_root = jekyll->root;
  }
  site.config.jekyll = site.jekyll = std::move(jekyll);
  site.checks = enabled_checks(options, site.config);
  site.files = selected_files(options, site.config);
  return site;
}

void finalise_findings(std::vector<Diagnostic>& findings) {
  std::sort(findings.begin(), findings.end(), diagnostic_less);
  assign_fingerprints(findings);
}

PipelineResult run_pipeline(const PipelineOptions& options) {
  Site site = load_site(options);
  const LinkRuleSeverities link_rules = link_rule_severities(site.checks);
  LinkSettings link_settings = load_link_settings(site.config, options.link_overrides);
  // A run over part of the archive would make a dip in the report's history.
  link_settings.record_run = options.changed_since.empty() && options.shard.empty();
  std::future<void> curl_loaded;
  if (!link_rules.rules.empty() && !options.offline) curl_loaded = preload_link_engine();

  PipelineResult run;
  run.warnings = std::move(site.warnings);
  run.result = run_checks(site.files, site.checks, options.jobs, !link_rules.rules.empty());
  std::vector<DocumentLinks> links = std::move(run.result.links);
  run.archive = run_archive_stage(site.files, site.checks, site.config, options.jobs, run.result);
  run.warnings.insert(run.warnings.end(), run.archive.warnings.begin(), run.archive.warnings.end());
  if (!link_rules.rules.empty()) run_link_stage(options, link_rules, link_settings, links, run);
  finalise_findings(run.result.diagnostics);
  if (options.want_report && run.report.generated_at == 0) {
    // No link to check (or every links/* rule off): an empty report.
    run.report.generated_at = static_cast<std::int64_t>(std::time(nullptr));
    run.report.site_url = link_settings.site_url;
  }
  run.config = std::move(site.config);
  run.checks = std::move(site.checks);
  return run;
}

}  // namespace al
