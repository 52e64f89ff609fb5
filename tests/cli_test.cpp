// End-to-end tests of the archive-lint binary (ARCHIVE_LINT_BINARY), run in temp dirs.
#include <catch2/catch.hpp>

#include "archive_lint/registry.hpp"
#include "archive_lint/version.hpp"
#include "support.hpp"

using namespace al::test;

namespace {

const char* const kCleanPost =
    "---\nlayout: post\ntitle: \"自贡高新区：提升营商环境\"\ndate: 2022-01-20 13:12:24 +0800\n"
    "categories: kejiribao\ntags: 科技日报新闻\n---\n<p>正文。</p><p class=\"em_media\">（文章来源：科技日报）</p>\n";

// A project directory with a news-archive config and one clean post.
struct Project {
  TempDir dir;
  Project() {
    spit(dir / ".archive-lint.yml", "extends: news-archive\n");
    spit(dir / "_posts/2022-01-20-NW202201200000000001.md", kCleanPost);
  }
  RunOutput cli(const std::string& args) const { return run(sh_quote(cli_binary().string()) + " " + args, dir.path()); }
};

}  // namespace

TEST_CASE("cli: exit 0 and a summary on a clean archive", "[cli]") {
  Project p;
  const auto r = p.cli("check --color never");  // default path: ./_posts
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "No problems in 1 file.\n");
  CHECK(r.err.empty());
}

TEST_CASE("cli: exit 1 on findings, with file:line:col in the output", "[cli]") {
  Project p;
  spit(p.dir / "_posts/2022-01-21-bad.md", std::string(kCleanPost).replace(std::string(kCleanPost).find("2022-01-20"), 10, "2022/01/21"));
  const auto r = p.cli("check --color never");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("_posts/2022-01-21-bad.md:4:7: error: ") != std::string::npos);
  CHECK(r.out.find("[front-matter/date-format]") != std::string::npos);
  CHECK(r.out.find("1 problem (1 error, 0 warnings, 0 notes) in 1 of 2 files.") != std::string::npos);
}

TEST_CASE("cli: exit 2 on a malformed config, naming file:line", "[cli][config]") {
  Project p;
  spit(p.dir / ".archive-lint.yml", "extends: news-archive\nrules: [\n  oops\n");
  const auto r = p.cli("check");
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find(".archive-lint.yml:") != std::string::npos);
  CHECK(r.err.find("invalid YAML") != std::string::npos);
}

TEST_CASE("cli: exit 2 on an unknown rule, naming file:line:col", "[cli][config]") {
  Project p;
  spit(p.dir / ".archive-lint.yml", "extends: news-archive\nrules:\n  front-matter/no-such-rule: off\n");
  const auto r = p.cli("check");
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find((p.dir / ".archive-lint.yml").string() + ":3:3: unknown rule 'front-matter/no-such-rule'") !=
        std::string::npos);
}

TEST_CASE("cli: exit 2 on an unknown option, naming file:line:col and the valid options", "[cli][config]") {
  Project p;
  spit(p.dir / ".archive-lint.yml", "extends: news-archive\nrules:\n  front-matter/date-format:\n    formatz: []\n");
  const auto r = p.cli("check");
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(".archive-lint.yml:4:5: rule 'front-matter/date-format' has no option 'formatz' (options: formats, timezone)") !=
        std::string::npos);
}

TEST_CASE("cli: exit 2 on other config errors", "[cli][config]") {
  Project p;
  SECTION("unknown top-level key") {
    spit(p.dir / ".archive-lint.yml", "extends: news-archive\nrulez: {}\n");
    const auto r = p.cli("check");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(".archive-lint.yml:2:1: unknown key 'rulez'") != std::string::npos);
  }
  SECTION("unknown preset") {
    spit(p.dir / ".archive-lint.yml", "extends: wordpress\n");
    const auto r = p.cli("check");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown preset 'wordpress' (presets: jekyll, news-archive)") != std::string::npos);
  }
  SECTION("bad option value") {
    spit(p.dir / ".archive-lint.yml", "rules:\n  front-matter/date-format:\n    formats: [\"%Y-%Q\"]\n");
    const auto r = p.cli("check");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("rule 'front-matter/date-format'") != std::string::npos);
    CHECK(r.err.find("'%Q'") != std::string::npos);
  }
  SECTION("bad severity") {
    spit(p.dir / ".archive-lint.yml", "rules:\n  io/empty-file: loud\n");
    const auto r = p.cli("check");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(".archive-lint.yml:2:18: rule 'io/empty-file': expected off, on, error, warning or note") !=
          std::string::npos);
  }
}

TEST_CASE("cli: exit 2 on a missing path", "[cli]") {
  Project p;
  const auto r = p.cli("check _posts/2022-01-20-NW202201200000000001.md no-such-file.md");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no-such-file.md: no such file or directory") != std::string::npos);
  CHECK(r.out.empty());  // nothing is checked when a path is missing
}

TEST_CASE("cli: exit 2 on an unknown --format", "[cli]") {
  Project p;
  const auto r = p.cli("check --format xml");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("xml") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("cli: --fail-on decides whether a warning fails the run", "[cli]") {
  Project p;
  spit(p.dir / "_posts/2022-01-22-empty.md", "");  // io/empty-file is a warning
  const auto by_default = p.cli("check --color never");
  CHECK(by_default.exit_code == 0);
  CHECK(by_default.out.find("warning: file is empty [io/empty-file]") != std::string::npos);
  CHECK(p.cli("check --fail-on error").exit_code == 0);
  CHECK(p.cli("check --fail-on warning").exit_code == 1);
  CHECK(p.cli("check --fail-on note").exit_code == 1);
  // A config can raise the rule to an error.
  spit(p.dir / ".archive-lint.yml", "extends: news-archive\nrules:\n  io/empty-file: error\n");
  CHECK(p.cli("check").exit_code == 1);
  spit(p.dir / ".archive-lint.yml", "extends: news-archive\nrules:\n  io/*: off\n");
  const auto off = p.cli("check --fail-on note --color never");
  CHECK(off.exit_code == 0);
  CHECK(off.out == "No problems in 2 files.\n");
}

TEST_CASE("cli: --quiet prints only findings at or above --fail-on", "[cli]") {
  Project p;
  const auto clean = p.cli("check --quiet");
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.empty());
  spit(p.dir / "_posts/2022-01-22-empty.md", "");
  const auto warning_only = p.cli("check -q");
  CHECK(warning_only.exit_code == 0);
  CHECK(warning_only.out.empty());
  const auto failing = p.cli("check -q --fail-on warning --color never");
  CHECK(failing.exit_code == 1);
  CHECK(failing.out.find("[io/empty-file]") != std::string::npos);
}

TEST_CASE("cli: --output writes the report to a file", "[cli]") {
  Project p;
  spit(p.dir / "_posts/2022-01-22-empty.md", "");
  const auto r = p.cli("check --format sarif --output out/report.sarif");
  // The directory must exist: the write is atomic, into a temp file beside the target.
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("report.sarif") != std::string::npos);
  fs::create_directory(p.dir / "out");
  const auto ok = p.cli("check --format sarif --output out/report.sarif --fail-on warning");
  CHECK(ok.exit_code == 1);
  CHECK(ok.out.empty());
  const std::string sarif = slurp(p.dir / "out/report.sarif");
  CHECK(sarif.find("\"version\": \"2.1.0\"") != std::string::npos);
  CHECK(sarif.find("\"ruleId\": \"io/empty-file\"") != std::string::npos);
  CHECK(sarif.find("file://" + p.dir.path().generic_string() + "/") != std::string::npos);
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(p.dir / "out")) entries += e.is_regular_file();
  CHECK(entries == 1);  // no temp file left behind

  const auto json = p.cli("check --format json -o report.json");
  CHECK(json.exit_code == 0);
  const YAML::Node root = YAML::LoadFile((p.dir / "report.json").string());
  CHECK(root["summary"]["warnings"].as<int>() == 1);
  CHECK(root["diagnostics"][0]["path"].as<std::string>() == "_posts/2022-01-22-empty.md");
}

TEST_CASE("cli: an explicit --config replaces discovery", "[cli][config]") {
  Project p;
  spit(p.dir / "ci.yml", "extends: news-archive\nrules:\n  front-matter/required-fields:\n    fields: [author]\n");
  const auto r = p.cli("check --config ci.yml --color never");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("required front-matter field 'author' is missing") != std::string::npos);
  const auto missing = p.cli("check --config nope.yml");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("nope.yml: cannot read config") != std::string::npos);
}

TEST_CASE("cli: the nearest .archive-lint.yml is found from a subdirectory", "[cli][config]") {
  Project p;
  spit(p.dir / ".archive-lint.yml", "extends: news-archive\nrules:\n  front-matter/required-fields:\n    fields: [author]\n");
  const auto r = run(sh_quote(cli_binary().string()) + " check 2022-01-20-NW202201200000000001.md --color never",
                     p.dir / "_posts");
  CHECK(r.exit_code == 1);
  // Paths are shown relative to the config's directory.
  CHECK(r.out.find("_posts/2022-01-20-NW202201200000000001.md:1:1: error: required front-matter field 'author'") !=
        std::string::npos);
}

TEST_CASE("cli: rules lists every registered rule", "[cli]") {
  Project p;
  const auto r = p.cli("rules");
  CHECK(r.exit_code == 0);
  std::size_t lines = 0;
  for (char c : r.out) lines += c == '\n';
  CHECK(lines == al::registry().size());
  for (const auto& c : al::registry()) {
    INFO(c.meta.id);
    CHECK(r.out.find(c.meta.id + " ") != std::string::npos);
    CHECK(r.out.find(c.meta.summary) != std::string::npos);
  }
  const auto json = p.cli("rules --json");
  CHECK(json.exit_code == 0);
  const YAML::Node list = YAML::Load(json.out);
  REQUIRE(list.size() == al::registry().size());
  for (std::size_t i = 0; i < list.size(); ++i) CHECK(list[i]["id"].as<std::string>() == al::registry()[i].meta.id);
}

TEST_CASE("cli: explain prints a rule's help and options", "[cli]") {
  Project p;
  const auto r = p.cli("explain front-matter/date-format");
  CHECK(r.exit_code == 0);
  const auto* meta = &al::find_check("front-matter/date-format")->meta;
  CHECK(r.out.rfind("front-matter/date-format: " + meta->summary, 0) == 0);
  CHECK(r.out.find(meta->help) != std::string::npos);
  CHECK(r.out.find("formats (string-list, default [] (read as Jekyll does))") != std::string::npos);
  CHECK(r.out.find("docs/checks/front-matter/date-format.md") != std::string::npos);
  const auto unknown = p.cli("explain front-matter/nope");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown rule 'front-matter/nope'") != std::string::npos);
}

TEST_CASE("cli: --version, and usage errors exit 2", "[cli]") {
  Project p;
  const auto v = p.cli("--version");
  CHECK(v.exit_code == 0);
  CHECK(v.out == std::string("archive-lint ") + al::kVersion + "\n");
  CHECK(p.cli("").exit_code == 2);                 // a subcommand is required
  CHECK(p.cli("lint").exit_code == 2);             // unknown subcommand
  CHECK(p.cli("check --fail-on fatal").exit_code == 2);
  CHECK(p.cli("check --help").exit_code == 0);
}

TEST_CASE("cli: --report combines with --format and --output as documented", "[cli][report]") {
  Project p;
  // No link in the archive: the reports are empty but written, atomically, where asked.
  auto r = p.cli("links --report markdown");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("## Dead links: 0\n", 0) == 0);  // the report replaces the findings on stdout
  CHECK(r.out.find("No dead links.") != std::string::npos);

  r = p.cli("links --report html --output r.html --report markdown=r.md --min-failures 2");
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());  // the cache is on: no warning about counting runs
  CHECK(slurp(p.dir / "r.html").rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(slurp(p.dir / "r.md").find("`--min-failures 2`") != std::string::npos);

  r = p.cli("links --report markdown=r2.md --format json --output f.json");
  CHECK(r.exit_code == 0);
  CHECK(slurp(p.dir / "f.json").find("\"diagnostics\"") != std::string::npos);
  CHECK(slurp(p.dir / "r2.md").find("## Dead links: 0") != std::string::npos);

  // Usage errors: exit 2 with a message that says what to do.
  for (const char* bad : {"links --report markdown --format sarif", "links --report markdown --report html",
                          "links --report pdf", "links --report html=", "links --offline --report html",
                          "links --min-failures 2", "links --report html=x.html --min-failures 0"}) {
    INFO(bad);
    r = p.cli(bad);
    CHECK(r.exit_code == 2);
    CHECK(!r.err.empty());
  }
  r = p.cli("links --report markdown --format sarif");
  CHECK(r.err.find("--report FORMAT=FILE") != std::string::npos);
}

TEST_CASE("cli: offline runs do not load libcurl", "[cli][precommit]") {
  // libcurl and the thirty libraries it needs are loaded only to check links
  // (src/links/curl_library.hpp): a pre-commit run must not pay for them.
  TempDir dir;
  const std::string cmd = std::string("ldd '") + ARCHIVE_LINT_BINARY + "' > '" + (dir / "ldd.txt").string() + "' 2>&1";
  REQUIRE(WEXITSTATUS(std::system(cmd.c_str())) == 0);
  const std::string needed = slurp(dir / "ldd.txt");
  INFO(needed);
  CHECK(needed.find("libyaml-cpp") != std::string::npos);  // the listing is real
  CHECK(needed.find("libcurl") == std::string::npos);
  CHECK(needed.find("libssl") == std::string::npos);
}
