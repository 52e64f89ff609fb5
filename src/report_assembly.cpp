#include <algorithm>
#include <filesystem>

#include "archive_lint/baseline.hpp"
#include "archive_lint/git.hpp"
#include "archive_lint/pipeline.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

// `path` relative to `base` when inside it, else empty.
std::string relative_or_empty(const fs::path& path, const fs::path& base) {
  const fs::path rel = fs::absolute(path).lexically_normal().lexically_relative(fs::absolute(base).lexically_normal());
  if (rel.empty() || rel == "." || *rel.begin() == "..") return {};
  return rel.generic_string();
}

}  // namespace

AssembledReport assemble_report(PipelineResult& run, const ReportRequest& request) {
  AssembledReport out;
  std::vector<Diagnostic> diagnostics = std::move(run.result.diagnostics);
  if (!request.baseline.empty()) {
    try {
      out.baselined = Baseline::load(request.baseline).filter(diagnostics);
    } catch (const std::runtime_error& e) {
      throw RunError(e.what());
    }
  }
  Report& report = out.report;
  report.stats = run.result.stats;
  // SARIF URIs are relative to the repository, text and JSON paths to the working directory.
  const fs::path config_root = fs::absolute(run.config.root).lexically_normal();
  const auto repo = request.root ? std::nullopt : find_repository_root(config_root);
  report.root = request.root ? *request.root : repo ? *repo : config_root;
  report.repo_prefix = repo ? relative_or_empty(config_root, *repo) : std::string();
  report.display_prefix = relative_or_empty(config_root, request.working_directory);
  report.automation_id = request.automation_id;
  report.color = request.color;
  for (const auto& c : run.checks) report.rules.push_back(&c.check->meta());
  std::sort(report.rules.begin(), report.rules.end(), [](auto* a, auto* b) { return a->id < b->id; });
  for (auto& d : diagnostics) {
    out.failed |= d.severity >= request.fail_level;
    if (request.quiet && d.severity < request.fail_level) continue;
    report.diagnostics.push_back(std::move(d));
  }
  return out;
}

}  // namespace al
