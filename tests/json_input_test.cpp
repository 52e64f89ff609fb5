// Crafted JSON given to `merge` and `--baseline`: every malformed shape is a
// message `file:line:col: what is wrong` and exit 2, never a crash.
#include <catch2/catch.hpp>

#include <limits>

#include "archive_lint/baseline.hpp"
#include "archive_lint/json_value.hpp"
#include "archive_lint/merge.hpp"
#include "support.hpp"

using namespace al::test;

namespace {

std::string merge_error(const std::vector<std::string>& texts) {
  TempDir dir;
  std::vector<fs::path> inputs;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    inputs.push_back(dir / ("in" + std::to_string(i + 1) + ".json"));
    spit(inputs.back(), texts[i]);
  }
  try {
    (void)al::merge_reports(inputs);
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    const std::string prefix = dir.path().string() + "/";
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    return message;
  }
  return "";
}

std::string baseline_error(const std::string& text) {
  TempDir dir;
  spit(dir / "b.json", text);
  try {
    (void)al::Baseline::load(dir / "b.json");
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    return message.substr(message.find("b.json"));
  }
  return "";
}

// A result of archive-lint's SARIF with the region given.
std::string sarif_with_region(const std::string& region) {
  return R"({"runs": [{"tool": {"driver": {"name": "archive-lint", "rules": [{"id": "a/b"}]}},
  "results": [{"ruleId": "a/b", "locations": [{"physicalLocation": {"artifactLocation": {"uri": "x.md"},
    "region": )" + region + "}}]}]}]}";
}

// archive-lint's SARIF with these results (JSON text).
std::string sarif_results(const std::string& results) {
  return R"({"runs": [{"tool": {"driver": {"name": "archive-lint"}}, "results": )" + results + "}]}";
}

const char* const kGoodJson = R"({"summary": {"files": 1}, "diagnostics": []})";

}  // namespace

TEST_CASE("JSON numbers: as_int is range-checked, never a cast of 1e300", "[json]") {
  CHECK(al::parse_json("9223372036854775807").as_int() == std::numeric_limits<std::int64_t>::max());
  CHECK(al::parse_json("-9223372036854775808").as_int() == std::numeric_limits<std::int64_t>::min());
  CHECK(al::parse_json("3.0").as_int() == 3);
  CHECK(al::parse_json("4e2").as_int() == 400);
  for (const char* bad : {"12345678901234567890", "9223372036854775808", "-9223372036854775809", "1e300", "-1e300",
                          "1e999", "3.5", "\"7\"", "true", "null", "[1]"}) {
    INFO(bad);
    CHECK_FALSE(al::parse_json(bad).as_int());
  }
}

TEST_CASE("merge: the issue's repros are messages, not crashes", "[json][merge]") {
  CHECK(merge_error({R"({"runs":[]})"}) == "in1.json:1:9: runs is empty: a SARIF file from archive-lint has one run");
  CHECK(merge_error({sarif_with_region(R"({"startLine": "3"})")}) ==
        "in1.json:3:29: runs[0].results[0].locations[0].physicalLocation.region.startLine must be a whole number, not a string");
  CHECK(merge_error({sarif_with_region(R"({"startLine": 1e300})")}) ==
        "in1.json:3:29: runs[0].results[0].locations[0].physicalLocation.region.startLine must be a whole number from 0 to "
        "9223372036854775807, not 1e300");
  CHECK(merge_error({sarif_with_region(R"({"startLine": 2, "startColumn": 123456789012345678901})")}).find(
            "startColumn must be a whole number from 0 to 9223372036854775807, not 123456789012345678901") != std::string::npos);
  CHECK(merge_error({R"({"summary": {"files": 9223372036854775807}, "diagnostics": []})",
                     R"({"summary": {"files": 1}, "diagnostics": []})"}) ==
        "in2.json:1:23: summary.files: the inputs' file counts add up to more than 2^63 - 1");
}

TEST_CASE("merge: wrong types at every level are named with their place", "[json][merge]") {
  const std::pair<std::vector<std::string>, const char*> cases[] = {
      {{"[1, 2]"}, "in1.json:1:1: neither SARIF (\"runs\") nor archive-lint JSON (\"diagnostics\"): the document is an array"},
      {{"{}"}, "in1.json:1:1: neither SARIF (\"runs\") nor archive-lint JSON (\"diagnostics\"): the document is an object without either"},
      {{"{\"runs\": 5}"}, "in1.json:1:10: runs must be an array, not a number"},
      {{"{\"runs\": [7]}"}, "in1.json:1:11: runs[0] must be an object, not a number"},
      {{"{\"runs\": [{}]}"}, "in1.json:1:11: runs[0] has no \"tool\""},
      {{"{\"runs\": [{\"tool\": []}]}"}, "in1.json:1:20: runs[0].tool must be an object, not an array"},
      {{"{\"runs\": [{\"tool\": {\"driver\": {\"name\": 1}}}]}"}, "runs[0].tool.driver.name must be a string, not a number"},
      {{"{\"runs\": [{\"tool\": {\"driver\": {\"name\": \"eslint\"}}}]}"}, "runs[0] comes from eslint, not archive-lint: it cannot be merged"},
      {{"{\"runs\": [{\"tool\": {\"driver\": {\"name\": \"archive-lint\", \"rules\": {}}}}]}"},
       "runs[0].tool.driver.rules must be an array, not an object"},
      {{"{\"runs\": [{\"tool\": {\"driver\": {\"name\": \"archive-lint\", \"rules\": [{\"id\": null}]}}}]}"},
       "runs[0].tool.driver.rules[0].id must be a string, not null"},
      {{sarif_results("\"x\"")}, "runs[0].results must be an array, not a string"},
      {{sarif_results("[[]]")}, "runs[0].results[0] must be an object, not an array"},
      {{sarif_results("[{}]")}, "runs[0].results[0] has no \"ruleId\""},
      {{sarif_results("[{\"ruleId\": \"a\", \"locations\": {}}]")},
       "runs[0].results[0].locations must be an array, not an object"},
      {{sarif_results("[{\"ruleId\": \"a\", \"locations\": [3]}]")},
       "runs[0].results[0].locations[0] must be an object, not a number"},
      {{sarif_with_region("[]")}, "physicalLocation.region must be an object, not an array"},
      {{sarif_with_region("{\"startLine\": -1}")}, "startLine must be a whole number from 0 to 9223372036854775807, not -1"},
      {{sarif_results("[{\"ruleId\": \"a\", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": false}}}]}]")},
       "physicalLocation.artifactLocation.uri must be a string, not true or false"},
      {{"{\"diagnostics\": {}}"}, "in1.json:1:17: diagnostics must be an array, not an object"},
      {{"{\"diagnostics\": [\"x\"]}"}, "diagnostics[0] must be an object, not a string"},
      {{"{\"diagnostics\": [{}]}"}, "diagnostics[0] has no \"severity\""},
      {{"{\"diagnostics\": [{\"severity\": \"fatal\"}]}"}, "diagnostics[0].severity must be error, warning or note, not 'fatal'"},
      {{"{\"diagnostics\": [{\"severity\": \"error\", \"path\": 1}]}"}, "diagnostics[0].path must be a string, not a number"},
      {{"{\"diagnostics\": [{\"severity\": \"error\", \"path\": \"p\"}]}"}, "diagnostics[0] has no \"rule\""},
      {{"{\"diagnostics\": [{\"severity\": \"error\", \"path\": \"p\", \"rule\": \"r\", \"start\": {\"line\": \"1\"}}]}"},
       "diagnostics[0].start.line must be a whole number, not a string"},
      {{"{\"diagnostics\": [{\"severity\": \"note\", \"path\": \"p\", \"rule\": \"r\", \"start\": {\"column\": 2.5}}]}"},
       "diagnostics[0].start.column must be a whole number from 0 to 9223372036854775807, not 2.5"},
      {{"{\"summary\": [], \"diagnostics\": []}"}, "summary must be an object, not an array"},
      {{"{\"summary\": {\"files\": \"1\"}, \"diagnostics\": []}"}, "summary.files must be a whole number, not a string"},
      {{"{\"summary\": {\"files\": -3}, \"diagnostics\": []}"}, "summary.files must be a whole number from 0 to"},
      {{kGoodJson, "{\"runs\": []}"}, "in2.json: cannot merge SARIF with archive-lint JSON"},
      {{"{\"diagnostics\": [}"}, "in1.json:1:18: the report is not valid JSON: unexpected character '}'"},
  };
  for (const auto& [inputs, expected] : cases) {
    INFO(inputs.back());
    const std::string e = merge_error(inputs);
    INFO(e);
    CHECK(e.find(expected) != std::string::npos);
    CHECK(e.rfind("in", 0) == 0);  // starts with the file name
    CHECK(e.find("std::") == std::string::npos);
  }
  CHECK(merge_error({kGoodJson, kGoodJson}).empty());
}

TEST_CASE("baseline: malformed files name the place and what is wrong", "[json][baseline]") {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "b.json:1:1: not an archive-lint baseline (expected an object with \"archiveLintBaseline\" and \"findings\")"},
      {"{\"archiveLintBaseline\": 1e300, \"findings\": []}", "b.json:1:25: baseline version 1e300 is not supported (this archive-lint reads 1)"},
      {"{\"archiveLintBaseline\": \"1\", \"findings\": []}", "b.json:1:25: baseline version \"1\" is not supported"},
      {"{\"archiveLintBaseline\": 1, \"findings\": {}}", "b.json:1:40: findings must be an array, not an object"},
      {"{\"archiveLintBaseline\": 1, \"findings\": [1]}", "b.json:1:41: findings[0] must be an object, not a number"},
      {"{\"archiveLintBaseline\": 1, \"findings\": [{\"rule\": \"r\"}]}", "findings[0] has no \"path\""},
      {"{\"archiveLintBaseline\": 1, \"findings\": [{\"rule\": 5, \"path\": \"p\", \"fingerprint\": \"f\"}]}",
       "findings[0].rule must be a string, not a number"},
      {"{\"archiveLintBaseline\": 1, \"findings\": [{\"rule\": \"r\", \"path\": \"p\", \"fingerprint\": \"f\", \"message\": []}]}",
       "findings[0].message must be a string, not an array"},
      {"{\"archiveLintBaseline\": 1, \"findings\": [{\"rule\": \"\", \"path\": \"p\", \"fingerprint\": \"f\"}]}",
       "findings[0] has an empty rule, path or fingerprint"},
      {"{\"archiveLintBaseline\": 1,\n \"findings\": [", "b.json:2:15: the baseline is not valid JSON: unexpected end of input"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    const std::string e = baseline_error(text);
    INFO(e);
    CHECK(e.rfind("b.json:", 0) == 0);
    CHECK(e.find(expected) != std::string::npos);
  }
  CHECK(baseline_error("{\"archiveLintBaseline\": 1, \"findings\": [{\"rule\": \"r\", \"path\": \"p\", \"fingerprint\": \"f\"}]}").empty());
}

TEST_CASE("merge and --baseline: crafted JSON exits 2 with the message", "[json][cli]") {
  TempDir dir;
  spit(dir / "empty.sarif", "{\"runs\":[]}");
  const auto merged = run(sh_quote(cli_binary().string()) + " merge empty.sarif", dir.path());
  CHECK(merged.exit_code == 2);  // was SIGSEGV
  CHECK(merged.err == "archive-lint: empty.sarif:1:9: runs is empty: a SARIF file from archive-lint has one run\n");
  spit(dir / "_posts/2022-01-20-p.md", "---\nlayout: post\ntitle: t\ndate: 2022-01-20 13:12:24 +0800\n---\nx\n");
  spit(dir / "b.json", "{\"archiveLintBaseline\": 1, \"findings\": [{\"rule\": [], \"path\": \"p\", \"fingerprint\": \"f\"}]}");
  const auto checked = run(sh_quote(cli_binary().string()) + " check --offline --baseline b.json _posts", dir.path());
  CHECK(checked.exit_code == 2);
  CHECK(checked.err == "archive-lint: b.json:1:50: findings[0].rule must be a string, not an array\n");
}
