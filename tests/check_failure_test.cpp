// One check's exception on one file becomes an internal/check-failed finding on
// that file, and the run goes on. The failing checks are defined here only.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "../checks/attribution/analysis.hpp"
#include "archive_lint/archive.hpp"
#include "archive_lint/registry.hpp"
#include "support.hpp"

using namespace al::test;

namespace {

// Reports one finding, then throws what `fail` throws.
class ThrowingCheck final : public al::Check {
 public:
  explicit ThrowingCheck(std::function<void()> fail) : fail_(std::move(fail)) {}
  const al::CheckMeta& meta() const override {
    static const al::CheckMeta m{"test/throws", "throws", "A check that fails, for this test only.", al::Severity::warning, {}};
    return m;
  }
  void check(const al::Document&, al::Emitter& emit) const override {
    emit.report(0, 0, "before the failure");
    fail_();
  }

 private:
  std::function<void()> fail_;
};

class ThrowingArchiveCheck final : public al::ArchiveCheck {
 public:
  const al::CheckMeta& meta() const override {
    static const al::CheckMeta m{.id = "test/archive-throws",
                                 .summary = "throws",
                                 .help = "An archive check that fails, for this test only.",
                                 .default_severity = al::Severity::warning,
                                 .options = {},
                                 .stage = al::Stage::archive};
    return m;
  }
  void check_archive(const al::ArchiveIndex&, al::ArchiveEmitter&) const override { throw std::runtime_error("index trouble"); }
};

const char* const kPost = "---\nlayout: post\ntitle: t\ndate: 2022-01-20 13:12:24 +0800\n---\n<p>x</p>\n";

struct Archive {
  TempDir dir;
  std::vector<al::FileEntry> files;
  al::Config config;
  explicit Archive(const std::string& config_text, std::size_t posts = 3) {
    for (std::size_t i = 0; i < posts; ++i) spit(dir / ("_posts/2022-01-2" + std::to_string(i) + "-p.md"), kPost);
    config = al::parse_config(config_text, dir / ".archive-lint.yml");
    std::vector<std::string> missing;
    files = al::collect_files({(dir / "_posts").string()}, config, missing);
    REQUIRE(missing.empty());
    REQUIRE(files.size() == posts);
  }
};

std::vector<const al::Diagnostic*> of_rule(const std::vector<al::Diagnostic>& all, std::string_view rule) {
  std::vector<const al::Diagnostic*> out;
  for (const auto& d : all) {
    if (d.rule_id == rule) out.push_back(&d);
  }
  return out;
}

std::vector<al::Diagnostic> lint_with(const al::Document& doc, const std::vector<al::ActiveCheck>& checks) {
  std::vector<al::Diagnostic> out;
  al::check_document(doc, checks, out);
  return out;
}

}  // namespace

TEST_CASE("check failure: a throwing check gives a finding on each file and the run goes on", "[check-failed]") {
  Archive archive("extends: news-archive\n");
  auto checks = al::instantiate_checks(archive.config);
  const std::size_t others = al::run_checks(archive.files, checks, 2).diagnostics.size();
  checks.push_back({std::make_unique<ThrowingCheck>([] { throw std::out_of_range("index 9 past 8"); }), al::Severity::warning});
  const al::RunResult result = al::run_checks(archive.files, checks, 2);  // two threads: no std::terminate
  const auto failed = of_rule(result.diagnostics, al::kCheckFailedRule);
  REQUIRE(failed.size() == 3);
  for (const auto* d : failed) {
    INFO(d->message);
    CHECK(d->severity == al::Severity::error);
    CHECK(d->start.line == 1);
    CHECK(d->start.column == 1);
    CHECK(d->message ==
          "check test/throws failed on this file: it read past the end of its data (index 9 past 8); its findings on this "
          "file may be incomplete, the other checks ran. This is a bug in archive-lint: please report it with this file");
  }
  // What the check reported before it failed is kept, and so are the other checks' findings.
  CHECK(of_rule(result.diagnostics, "test/throws").size() == 3);
  CHECK(result.diagnostics.size() == others + 6);
  CHECK(result.stats.files == 3);
}

TEST_CASE("check failure: exceptions of every kind are put in words", "[check-failed]") {
  const std::pair<std::function<void()>, const char*> cases[] = {
      {[] { throw std::bad_alloc(); }, "it ran out of memory"},
      {[] { throw std::length_error("basic_string::_M_create"); }, "it needed a string or list longer than it can hold (basic_string::_M_create)"},
      {[] { throw std::runtime_error("odd"); }, "it stopped with an error (odd)"},
      {[] { throw 42; }, "it stopped with an exception that carries no message"},
  };
  for (const auto& [fail, words] : cases) {
    INFO(words);
    std::vector<al::ActiveCheck> checks = al::instantiate_checks(al::parse_config("", "c.yml"));
    checks.push_back({std::make_unique<ThrowingCheck>(fail), al::Severity::warning});
    const auto found = lint_with(al::parse_document("_posts/2022-01-20-p.md", kPost), checks);
    const auto failed = of_rule(found, al::kCheckFailedRule);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0]->message.find(std::string(": ") + words + ";") != std::string::npos);
  }
}

TEST_CASE("check failure: with internal/check-failed off the failure is dropped, the run still goes on", "[check-failed]") {
  Archive archive("rules:\n  internal/check-failed: off\n", 2);
  auto checks = al::instantiate_checks(archive.config);
  REQUIRE_FALSE(al::find_active(checks, al::kCheckFailedRule));
  checks.push_back({std::make_unique<ThrowingCheck>([] { throw std::runtime_error("x"); }), al::Severity::warning});
  const al::RunResult result = al::run_checks(archive.files, checks, 2);
  CHECK(of_rule(result.diagnostics, al::kCheckFailedRule).empty());
  CHECK(of_rule(result.diagnostics, "test/throws").size() == 2);
}

TEST_CASE("check failure: a throwing archive check is reported on the run's first post", "[check-failed][archive]") {
  Archive archive("extends: news-archive\n");
  auto checks = al::instantiate_checks(archive.config);
  al::RunResult plain = al::run_checks(archive.files, checks, 2);
  (void)al::run_archive_stage(archive.files, checks, archive.config, 2, plain);
  checks.push_back({std::make_unique<ThrowingArchiveCheck>(), al::Severity::warning});
  al::RunResult result = al::run_checks(archive.files, checks, 2);
  const auto stage = al::run_archive_stage(archive.files, checks, archive.config, 2, result);
  CHECK(stage.warnings.empty());
  const auto failed = of_rule(result.diagnostics, al::kCheckFailedRule);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]->path == "_posts/2022-01-20-p.md");
  CHECK(failed[0]->start.line == 1);
  CHECK(failed[0]->message.rfind("archive check test/archive-throws failed while it compared the archive's posts (reported "
                                 "on the run's first post): it stopped with an error (index trouble); ", 0) == 0);
  CHECK(result.diagnostics.size() == plain.diagnostics.size() + 1);  // the other archive checks still report
}

TEST_CASE("check failure: a marker paragraph left open at the end of the file ends at the file's end", "[check-failed][attribution]") {
  const std::string post = "---\na:\n---\n<p class=\"em_media\">（文章来源：科技日报）";
  const al::Document doc = al::parse_document("_posts/2022-01-20-x.md", post);
  const al::Config config = al::parse_config("extends: news-archive\n", "c.yml");
  const auto facts = al::checks::attribution::analyze(doc, al::compile_attribution(config.attribution, "c.yml"));
  REQUIRE(facts.markers.size() == 1);
  CHECK(facts.markers[0].element_end == post.size());  // was one byte past it
  const auto found = lint_with(doc, al::instantiate_checks(config));
  CHECK(of_rule(found, al::kCheckFailedRule).empty());
  CHECK(of_rule(found, "attribution/marker-position").empty());  // nothing follows the marker
}

TEST_CASE("check failure: the open marker paragraph repro exits 1 with findings, for one file and for two", "[check-failed][cli]") {
  TempDir dir;
  spit(dir / ".archive-lint.yml", "extends: news-archive\n");
  const std::string post = "---\na:\n---\n<p class=\"em_media\">（文章来源：科技日报）";
  spit(dir / "_posts/2022-01-20-x.md", post);
  const std::string cli = sh_quote(cli_binary().string()) + " check --color never --format json _posts";
  const auto one = run(cli, dir.path());
  INFO(one.out << one.err);
  CHECK(one.exit_code == 1);  // before: 2, "archive-lint: basic_string::substr: ..."
  CHECK(one.err.empty());
  CHECK(one.out.find("\"path\": \"_posts/2022-01-20-x.md\"") != std::string::npos);
  CHECK(one.out.find("internal/check-failed") == std::string::npos);
  spit(dir / "_posts/2022-01-21-y.md", post);
  const auto two = run(cli + " --jobs 2", dir.path());
  INFO(two.out << two.err);
  CHECK(two.exit_code == 1);  // before: SIGABRT
  CHECK(two.err.empty());
  CHECK(two.out.find("\"path\": \"_posts/2022-01-21-y.md\"") != std::string::npos);
  CHECK(two.out.find("\"files\": 2") != std::string::npos);
}
