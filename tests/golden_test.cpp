// Golden-file tests of the reporters: a copy of tests/golden/archive/ goes
// through run_pipeline (offline, the news-archive preset) and assemble_report,
// as `archive-lint check` does, and is rendered as text, SARIF and JSON; the output must equal
// tests/golden/expected.{txt,sarif,json} byte for byte.
//
// To regenerate the goldens after an intended output change, run
//     ARCHIVE_LINT_UPDATE_GOLDEN=1 build/dev/archive-lint-tests "[golden]"
// and review the diff (`git diff tests/golden`) before committing it.
//
// Stability: the Report's root is pinned to /golden-root (ReportRequest::root) (so SARIF's
// originalUriBaseIds is file:///golden-root/), the tool version and release are
// replaced by <version>, and files are checked on one thread (the output is sorted anyway).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

#include "archive_lint/formatter.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/version.hpp"
#include "support.hpp"

using namespace al::test;

namespace {

fs::path golden_dir() { return source_dir() / "tests" / "golden"; }

// The report's rules point into the run's check instances, so it keeps them.
struct GoldenRun {
  al::PipelineResult run;
  al::Report report;
};

// The whole pipeline (site, documents, archive, one finalisation) on a copy
// of the archive, offline, then the report assembled as the CLI does.
GoldenRun golden_run() {
  const TempDir site;
  fs::copy(golden_dir() / "archive", site.path(), fs::copy_options::recursive);
  al::PipelineResult run = lint_site_offline(site.path(), {site.path().string()}, "extends: news-archive\n", 1);
  REQUIRE(run.result.stats.files == 7);
  al::ReportRequest request;
  request.root = "/golden-root";
  request.working_directory = site.path();
  al::Report report = al::assemble_report(run, request).report;
  report.stats.seconds = 0;
  return {std::move(run), std::move(report)};
}

std::string render(const al::Formatter& formatter, const al::Report& report) {
  std::ostringstream out;
  formatter.write(report, out);
  std::string text = out.str();
  // kVersion (with git describe) and kRelease (SARIF's semanticVersion).
  for (const char* v : {al::kVersion, al::kRelease}) {
    const std::string version = std::string("\"") + v + "\"";
    for (std::size_t at = text.find(version); at != std::string::npos; at = text.find(version, at))
      text.replace(at, version.size(), "\"<version>\"");
  }
  return text;
}

void compare_with_golden(const std::string& actual, const std::string& name) {
  const fs::path file = golden_dir() / name;
  const char* update = std::getenv("ARCHIVE_LINT_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    spit(file, actual);
    WARN("updated " << file.string());
    return;
  }
  REQUIRE(fs::exists(file));
  const std::string expected = slurp(file);
  if (actual != expected) {
    // Point at the first difference; the whole output follows.
    std::size_t i = 0;
    while (i < actual.size() && i < expected.size() && actual[i] == expected[i]) ++i;
    const std::size_t from = i > 200 ? i - 200 : 0;
    INFO("first difference at byte " << i << "\n--- expected:\n" << expected.substr(from, 400) << "\n--- actual:\n"
                                     << actual.substr(from, 400));
    INFO("regenerate with ARCHIVE_LINT_UPDATE_GOLDEN=1 if the change is intended");
    CHECK(actual == expected);
  }
}

}  // namespace

TEST_CASE("golden: text output", "[golden]") {
  const GoldenRun golden = golden_run();
  const al::Report& report = golden.report;
  // The archive is built to trip a known set of rules; guard the fixture itself.
  std::set<std::string> rules;
  for (const auto& d : report.diagnostics) rules.insert(d.rule_id);
  CHECK(rules == std::set<std::string>{"encoding/nul-byte", "front-matter/date-format", "front-matter/duplicate-key",
                                       "front-matter/field-types", "front-matter/filename-skipped",
                                       "front-matter/not-at-start", "front-matter/required-fields",
                                       "front-matter/yaml-syntax", "io/empty-file"});
  const std::string text = render(*al::make_text_formatter(), report);
  CHECK(text.find('\x1b') == std::string::npos);  // color off
  compare_with_golden(text, "expected.txt");
}

TEST_CASE("golden: SARIF output", "[golden]") {
  const GoldenRun golden = golden_run();
  const al::Report& report = golden.report;
  const std::string sarif = render(*al::make_sarif_formatter(), report);
  compare_with_golden(sarif, "expected.sarif");

  // Independently of the golden: the document is JSON (YAML reads it) with the expected shape.
  const YAML::Node root = YAML::Load(sarif);
  CHECK(root["version"].as<std::string>() == "2.1.0");
  const YAML::Node run = root["runs"][0];
  CHECK(run["columnKind"].as<std::string>() == "utf16CodeUnits");
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as<std::string>() == "file:///golden-root/");
  CHECK(run["tool"]["driver"]["rules"].size() == al::registry().size());
  const YAML::Node results = run["results"];
  REQUIRE(results.size() == report.diagnostics.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& d = report.diagnostics[i];
    const YAML::Node r = results[i];
    INFO(d.path << ":" << d.start.line << " " << d.rule_id);
    CHECK(r["ruleId"].as<std::string>() == d.rule_id);
    const auto index = r["ruleIndex"].as<std::size_t>();
    CHECK(run["tool"]["driver"]["rules"][index]["id"].as<std::string>() == d.rule_id);
    const YAML::Node region = r["locations"][0]["physicalLocation"]["region"];
    CHECK(region["startLine"].as<std::uint32_t>() == d.start.line);
    CHECK(region["startColumn"].as<std::uint32_t>() == d.start.column_utf16);
  }
  // The NUL after `<p>表情😀`: code point column 7, UTF-16 column 8 in SARIF.
  bool saw_nul = false;
  for (const auto& d : report.diagnostics) {
    if (d.rule_id != "encoding/nul-byte") continue;
    saw_nul = true;
    CHECK(d.start.column == 7);
    CHECK(d.start.column_utf16 == 8);
  }
  CHECK(saw_nul);
  // Paths are percent-encoded URIs relative to %SRCROOT%.
  CHECK(sarif.find("_posts/2022-01-25-%E4%B8%AD%E6%96%87%20%E6%A0%87%E9%A2%98.md") != std::string::npos);
}

TEST_CASE("golden: JSON output", "[golden]") {
  const GoldenRun golden = golden_run();
  const al::Report& report = golden.report;
  const std::string json = render(*al::make_json_formatter(), report);
  compare_with_golden(json, "expected.json");
  const YAML::Node root = YAML::Load(json);
  CHECK(root["schemaVersion"].as<int>() == 1);
  CHECK(root["summary"]["files"].as<std::size_t>() == 7);
  CHECK(root["diagnostics"].size() == report.diagnostics.size());
  std::size_t warnings = 0;
  for (const auto& d : report.diagnostics) warnings += d.severity == al::Severity::warning;
  CHECK(root["summary"]["warnings"].as<std::size_t>() == warnings);
  CHECK(root["summary"]["errors"].as<std::size_t>() + warnings == report.diagnostics.size());
}
