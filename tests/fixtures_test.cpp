// Data-driven fixture tests: one directory per check, tests/fixtures/<family>/<name>/.
//
// Conventions (see tests/fixtures/README.md):
//  * every file below a case directory is a fixture, except `expected.tsv` and `README.md`;
//    fixtures may sit in subdirectories (front-matter/filename-skipped needs `_posts/`);
//  * a fixture whose name starts with `good-` (after an optional `YYYY-MM-DD-` prefix, so
//    `2022-01-20-good-x.md` is good too) must produce no finding of any rule;
//  * every other fixture must have rows in the case's `expected.tsv`:
//      file<TAB>rule<TAB>line<TAB>column[<TAB>column_utf16]
//    and the findings of ALL rules on that file must equal those rows exactly
//    (a rule listed twice must be reported twice);
//  * lines starting with `#` are comments.
// All checks run with the `news-archive` preset, through al::check_document, so
// suppressions apply. Display paths are `<family>/<name>/<file>`, relative to tests/fixtures.
// The cases of site rules (archive/, attribution/, jekyll/) run the whole pipeline
// instead, through lint_site_offline (tests/support.cpp), on a copy of the case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "archive_lint/archive.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/registry.hpp"
#include "support.hpp"

namespace {

using namespace al::test;

struct Expected {
  std::string rule;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t column_utf16 = 0;  // 0: not asserted
  int source_line = 0;             // in expected.tsv, for messages
};

fs::path fixtures_root() { return source_dir() / "tests" / "fixtures"; }

bool is_good_name(const std::string& name) { return is_good_fixture_name(name); }

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, '\t')) out.push_back(item);
  return out;
}

std::map<std::string, std::vector<Expected>> read_expected(const fs::path& file) {
  std::map<std::string, std::vector<Expected>> out;
  if (!fs::exists(file)) return out;
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto cols = split_tabs(line);
    INFO(file.string() << ":" << n << ": " << line);
    REQUIRE((cols.size() == 4 || cols.size() == 5));
    Expected e;
    e.rule = cols[1];
    e.line = static_cast<std::uint32_t>(std::stoul(cols[2]));
    e.column = static_cast<std::uint32_t>(std::stoul(cols[3]));
    if (cols.size() == 5) e.column_utf16 = static_cast<std::uint32_t>(std::stoul(cols[4]));
    e.source_line = n;
    out[cols[0]].push_back(e);
  }
  return out;
}

// Every fixture file below a case directory, relative to it, sorted.
std::vector<std::string> fixture_files(const fs::path& case_dir) {
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(case_dir); it != fs::recursive_directory_iterator(); ++it) {
    const auto status = it->symlink_status();
    if (fs::is_directory(status)) continue;
    const std::string name = it->path().filename().string();
    if (name == "expected.tsv" || name == "README.md") continue;
    out.push_back(it->path().lexically_relative(case_dir).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> case_dirs() {
  std::vector<fs::path> out;
  for (const auto& family : fs::directory_iterator(fixtures_root())) {
    if (!family.is_directory()) continue;
    for (const auto& name : fs::directory_iterator(family.path())) {
      if (name.is_directory()) out.push_back(name.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Cases of the rules that see a site (archive/*, attribution/*, jekyll/*) run
// through the whole pipeline on a copy of the case directory, as a site (the
// archive stage keeps its index cache next to `_posts`, which must not land in
// the source tree). Findings by file, relative to the case directory.
bool is_site_case(const std::string& case_name) {
  for (const char* family : {"archive/", "attribution/", "jekyll/"}) {
    if (case_name.rfind(family, 0) == 0) return true;
  }
  return false;
}

std::map<std::string, std::vector<al::Diagnostic>> lint_site_case(const fs::path& case_dir) {
  TempDir tmp;
  fs::copy(case_dir, tmp.path(), fs::copy_options::recursive);
  al::PipelineResult run = lint_site_offline(tmp.path(), {(tmp / "_posts").string()}, "extends: news-archive\n", 1);
  CHECK(run.warnings.empty());
  std::map<std::string, std::vector<al::Diagnostic>> out;
  for (auto& d : run.result.diagnostics) out[d.path].push_back(std::move(d));
  return out;
}

std::string describe(const al::Diagnostic& d) {
  return d.rule_id + " " + std::to_string(d.start.line) + ":" + std::to_string(d.start.column) + " (utf16 " +
         std::to_string(d.start.column_utf16) + ") " + d.message;
}

}  // namespace

TEST_CASE("fixtures: every fixture gets exactly the expected findings", "[fixtures]") {
  const auto cases = case_dirs();
  const auto per_file_checks = std::count_if(al::registry().begin(), al::registry().end(),
                                             [](const al::RegisteredCheck& c) { return c.meta.stage == al::Stage::document || c.meta.stage == al::Stage::archive; });
  REQUIRE(cases.size() >= static_cast<std::size_t>(per_file_checks));
  std::size_t files_checked = 0;
  std::size_t bad_files = 0;
  for (const auto& case_dir : cases) {
    const std::string case_name = case_dir.lexically_relative(fixtures_root()).generic_string();
    auto expected = read_expected(case_dir / "expected.tsv");
    const auto files = fixture_files(case_dir);
    const bool site_case = is_site_case(case_name);
    const auto site_findings = site_case ? lint_site_case(case_dir) : std::map<std::string, std::vector<al::Diagnostic>>();
    for (const auto& [file, rows] : expected) {
      INFO("expected.tsv of " << case_name << " names " << file);
      CHECK(std::find(files.begin(), files.end(), file) != files.end());
      CHECK_FALSE(is_good_name(fs::path(file).filename().string()));
    }
    for (const auto& file : files) {
      const fs::path fs_path = case_dir / file;
      const std::string display = case_name + "/" + file;
      const al::Document doc = al::load_document(fs_path.string(), display);
      std::vector<al::Diagnostic> found;
      if (site_case) {
        if (auto f = site_findings.find(file); f != site_findings.end()) found = f->second;
      } else {
        found = lint(doc);
      }
      ++files_checked;
      std::ostringstream got;
      for (const auto& d : found) got << "\n  " << describe(d);
      INFO("fixture " << display << "; findings:" << (found.empty() ? std::string(" none") : got.str()));
      const bool good = is_good_name(fs::path(file).filename().string());
      auto it = expected.find(file);
      if (good) {
        CHECK(found.empty());
        continue;
      }
      ++bad_files;
      // A broken fixture must say what it expects; otherwise a typo would pass silently.
      CHECK(it != expected.end());
      if (it == expected.end()) continue;
      std::vector<bool> used(found.size(), false);
      for (const auto& e : it->second) {
        bool matched = false;
        for (std::size_t i = 0; i < found.size() && !matched; ++i) {
          const auto& d = found[i];
          if (used[i] || d.rule_id != e.rule || d.start.line != e.line || d.start.column != e.column) continue;
          if (e.column_utf16 != 0 && d.start.column_utf16 != e.column_utf16) continue;
          used[i] = matched = true;
        }
        INFO("expected.tsv line " << e.source_line << ": " << e.rule << " " << e.line << ":" << e.column
                                  << (e.column_utf16 ? " utf16 " + std::to_string(e.column_utf16) : std::string()));
        CHECK(matched);
      }
      for (std::size_t i = 0; i < found.size(); ++i) {
        INFO("unexpected finding: " << describe(found[i]));
        CHECK(used[i]);
      }
    }
  }
  INFO("checked " << files_checked << " fixture files, " << bad_files << " broken ones");
  CHECK(files_checked > 100);
}

TEST_CASE("fixtures: every registered check has a broken fixture and clean look-alikes", "[fixtures]") {
  std::set<std::string> case_names;
  std::map<std::string, std::size_t> rows_per_rule;
  for (const auto& case_dir : case_dirs()) {
    const std::string case_name = case_dir.lexically_relative(fixtures_root()).generic_string();
    case_names.insert(case_name);
    for (const auto& [file, rows] : read_expected(case_dir / "expected.tsv")) {
      for (const auto& e : rows) {
        ++rows_per_rule[e.rule];
        INFO(case_name << "/expected.tsv names rule " << e.rule);
        CHECK(al::find_check(e.rule) != nullptr);
      }
    }
  }
  for (const auto& c : al::registry()) {
    if (c.meta.stage == al::Stage::links) continue;  // covered against a loopback server in links_engine_test.cpp
    if (c.meta.stage == al::Stage::runner) continue;  // no shipped check fails: check_failure_test.cpp injects one
    INFO("check " << c.meta.id);
    REQUIRE(case_names.count(c.meta.id) == 1);
    const fs::path dir = fixtures_root() / c.meta.id;
    // Its own directory expects that rule, and holds at least one clean file.
    const auto expected = read_expected(dir / "expected.tsv");
    std::size_t own = 0;
    for (const auto& [file, rows] : expected)
      own += static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [&](const Expected& e) { return e.rule == c.meta.id; }));
    CHECK(own >= 1);
    const auto files = fixture_files(dir);
    CHECK(std::any_of(files.begin(), files.end(), [](const std::string& f) { return is_good_name(fs::path(f).filename().string()); }));
  }
}

TEST_CASE("io/unreadable: dangling symlinks and directories are reported, nothing else runs", "[fixtures][io]") {
  TempDir tmp;
  fs::create_symlink(tmp / "missing-target.md", tmp / "dangling.md");
  fs::create_directory(tmp / "2022-01-20-a-directory.md");

  for (const std::string name : {"dangling.md", "2022-01-20-a-directory.md"}) {
    INFO(name);
    const al::Document doc = al::load_document((tmp / name).string(), "_posts/" + name);
    CHECK_FALSE(doc.readable);
    CHECK_FALSE(doc.read_error.empty());
    const auto found = lint(doc);
    std::string rules;
    for (const auto& d : found) rules += d.rule_id + " ";
    INFO("findings: " << rules);
    REQUIRE(found.size() == 1);  // not also front-matter/missing, filename-skipped, empty-file...
    CHECK(found[0].rule_id == "io/unreadable");
    CHECK(found[0].start.line == 1);
    CHECK(found[0].start.column == 1);
    CHECK(found[0].message.find(doc.read_error) != std::string::npos);
  }
  const al::Document dir = al::load_document((tmp / "2022-01-20-a-directory.md").string(), "x.md");
  CHECK(dir.read_error == "is a directory");
}

TEST_CASE("the example posts from the news archive are clean", "[fixtures]") {
  // Copies of shared/examples live in tests/fixtures/examples/news/ as `*-good-*.md`;
  // here the same posts are checked under their real `_posts/` names.
  const fs::path dir = fixtures_root() / "examples" / "news";
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!is_good_name(name)) continue;
    REQUIRE(name.compare(11, 5, "good-") == 0);
    name.erase(11, 5);  // drop "good-"
    const al::Document doc = al::load_document(entry.path().string(), "_posts/" + name);
    INFO(name);
    CHECK(doc.front_matter.ok());
    CHECK(lint(doc).empty());
    ++n;
  }
  CHECK(n == 2);
}
