// Recall and precision of the html/ family over synthetic archives (gen-archive,
// seeds 1 to 5, 2,000 posts each): every injected html defect is found by its
// rule inside the manifest's span, nothing else is reported on those posts, and
// clean posts get no finding of any family.
#include <catch2/catch.hpp>

#include "support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/runner.hpp"

using namespace al;
namespace fs = std::filesystem;

TEST_CASE("html recall and precision over gen-archive", "[html][recall]") {
  const auto kinds = al::test::gen_archive_kinds("html");
  REQUIRE(kinds.size() >= 4);
  std::map<std::string, std::size_t> injected_by_kind;
  const Config config = parse_config("extends: news-archive\n", "cfg.yml");
  const auto checks = instantiate_checks(config);
  std::size_t injected = 0, found = 0, clean_posts = 0, clean_findings = 0, extra = 0;
  std::ostringstream problems;
  for (int seed = 1; seed <= 5; ++seed) {
    const fs::path out = al::test::scratch_dir("html-recall-" + std::to_string(seed));
    const auto manifest = al::test::manifest_by_file(al::test::generate_archive(out, "--posts 2000 --seed " + std::to_string(seed)));
    for (const auto& entry : fs::directory_iterator(out / "_posts")) {
      const std::string rel = "_posts/" + entry.path().filename().string();
      std::string error;
      auto bytes = read_file(entry.path(), error);
      REQUIRE(bytes);
      const Document doc = parse_document(rel, std::move(*bytes));
      std::vector<Diagnostic> ds;
      check_document(doc, checks, ds);
      const auto it = manifest.find(rel);
      if (it == manifest.end()) {
        ++clean_posts;
        for (const auto& d : ds) {
          ++clean_findings;
          problems << "clean " << rel << ": " << d.rule_id << " " << d.start.line << " " << d.message << "\n";
        }
        continue;
      }
      const al::test::ManifestRow& defect = it->second;
      if (defect.family == "html") {
        ++injected;
        ++injected_by_kind[defect.kind];
        bool hit = false;
        for (const auto& d : ds) {
          const bool match = d.rule_id == "html/" + defect.kind && d.start.line >= defect.first_line && d.start.line <= defect.last_line;
          hit = hit || match;
          if (!match) {
            ++extra;
            problems << "extra on " << defect.kind << " " << rel << ": " << d.rule_id << " " << d.start.line << "\n";
          }
        }
        if (hit) ++found;
        else problems << "missed " << defect.kind << " " << rel << " lines " << defect.first_line << "\n";
      } else {
        // Posts with other defects: the html family must stay quiet.
        for (const auto& d : ds) {
          if (d.rule_id.rfind("html/", 0) != 0) continue;
          ++extra;
          problems << "html finding on a " << defect.kind << " post " << rel << ": " << d.rule_id << "\n";
        }
      }
    }
    fs::remove_all(out);
  }
  INFO(problems.str().substr(0, 4000));
  WARN("html recall " << found << "/" << injected << ", clean posts " << clean_posts << " with " << clean_findings
                      << " findings, " << extra << " unexpected findings on defect posts");
  CHECK(injected > 100);
  for (const auto& kind : kinds) {  // every html kind the generator makes was exercised
    INFO("html kind " << kind);
    CHECK(injected_by_kind[kind] > 0);
  }
  CHECK(found == injected);
  CHECK(clean_findings == 0);
  CHECK(extra == 0);
}
