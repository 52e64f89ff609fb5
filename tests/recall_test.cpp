// Recall and precision over synthetic archives from the project's bench/gen-archive.
//
// For seeds 1..5 (2,000 posts each): every manifest row of family `front-matter` must get
// a finding of a front-matter/* rule at a line within [first_line, last_line], and every
// post without a manifest row must get no finding of any rule.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "support.hpp"

using namespace al::test;

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

TEST_CASE("recall and precision on gen-archive output, seeds 1..5", "[recall]") {
  const auto generated_kinds = gen_archive_kinds("front-matter");
  REQUIRE(generated_kinds.size() >= 7);
  std::size_t total_defects = 0, total_found = 0, total_clean = 0, total_false_positives = 0;
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_kind;  // kind -> (defects, found)
  for (int seed = 1; seed <= 5; ++seed) {
    TempDir tmp;
    const auto manifest = generate_archive(tmp / "archive", "--posts 2000 --seed " + std::to_string(seed));
    REQUIRE_FALSE(manifest.empty());

    std::map<std::string, std::vector<const ManifestRow*>> rows_by_file;
    for (const auto& r : manifest) rows_by_file[r.file].push_back(&r);

    std::size_t posts = 0, defects = 0, found = 0, clean = 0, false_positives = 0;
    std::vector<std::string> missed, wrong;
    for (const auto& entry : fs::directory_iterator(tmp / "archive" / "_posts")) {
      const std::string display = "_posts/" + entry.path().filename().string();
      const al::Document doc = al::load_document(entry.path().string(), display);
      const auto findings = lint(doc);
      ++posts;
      const auto it = rows_by_file.find(display);
      if (it == rows_by_file.end()) {
        ++clean;
        if (!findings.empty()) {
          ++false_positives;
          if (wrong.size() < 10)
            wrong.push_back(display + ":" + std::to_string(findings[0].start.line) + ": " + findings[0].rule_id + ": " +
                            findings[0].message);
        }
        continue;
      }
      for (const ManifestRow* row : it->second) {
        if (row->family != "front-matter") continue;
        ++defects;
        auto& kind = by_kind[row->kind];
        ++kind.first;
        const bool hit = std::any_of(findings.begin(), findings.end(), [&](const al::Diagnostic& d) {
          return starts_with(d.rule_id, "front-matter/") && d.start.line >= row->first_line &&
                 d.start.line <= row->last_line;
        });
        if (hit) {
          ++found;
          ++kind.second;
        } else if (missed.size() < 10) {
          std::string got;
          for (const auto& d : findings) got += " " + d.rule_id + "@" + std::to_string(d.start.line);
          missed.push_back(display + " (" + row->kind + ", lines " + std::to_string(row->first_line) + "-" +
                           std::to_string(row->last_line) + "):" + (got.empty() ? " no findings" : got));
        }
      }
    }
    CHECK(posts == 2000);
    std::string missed_list, wrong_list;
    for (const auto& m : missed) missed_list += "\n  " + m;
    for (const auto& w : wrong) wrong_list += "\n  " + w;
    INFO("seed " << seed << ": " << defects << " front-matter defects, " << found << " found; " << clean
                 << " clean posts, " << false_positives << " with findings");
    INFO("missed:" << missed_list);
    INFO("false positives:" << wrong_list);
    CHECK(defects > 0);
    CHECK(found == defects);
    CHECK(false_positives == 0);
    total_defects += defects;
    total_found += found;
    total_clean += clean;
    total_false_positives += false_positives;
  }
  std::string kinds;
  for (const auto& [kind, counts] : by_kind)
    kinds += "\n  " + kind + ": " + std::to_string(counts.second) + "/" + std::to_string(counts.first);
  WARN("gen-archive seeds 1..5: " << total_defects << " front-matter defects, " << total_found << " found (recall "
                                  << (total_defects ? 100.0 * double(total_found) / double(total_defects) : 0.0)
                                  << "%); " << total_clean << " clean posts, " << total_false_positives
                                  << " false positives" << kinds);
  for (const auto& kind : generated_kinds) {  // every front-matter kind the generator makes was exercised
    INFO("front-matter kind " << kind);
    CHECK(by_kind[kind].first > 0);
  }
}
