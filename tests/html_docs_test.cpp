// Every html/ rule has docs/checks/html/<name>.md whose "Bad" example triggers
// the rule and whose "Good" example gives no html finding.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "archive_lint/config.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/runner.hpp"

using namespace al;

namespace {

std::string code_block_after(const std::string& page, const std::string& heading) {
  const auto h = page.find("\n" + heading + "\n");
  if (h == std::string::npos) return {};
  const auto open = page.find("```html\n", h);
  if (open == std::string::npos) return {};
  const auto close = page.find("\n```", open + 8);
  return page.substr(open + 8, close - open - 8) + "\n";
}

std::vector<Diagnostic> html_findings(const std::string& body) {
  static const auto checks = instantiate_checks(parse_config("extends: news-archive\n", "cfg.yml"));
  const std::string text =
      "---\nlayout: post\ntitle: \"t\"\ndate: 2022-01-20 13:12:24 +0800\ncategories: x\ntags: y\n---\n" + body;
  std::vector<Diagnostic> all, out;
  check_document(parse_document("_posts/2022-01-20-x.md", text), checks, all);
  for (auto& d : all)
    if (d.rule_id.rfind("html/", 0) == 0) out.push_back(std::move(d));
  return out;
}

}  // namespace

TEST_CASE("every html rule has a page whose examples behave", "[html][docs]") {
  int pages = 0;
  for (const auto& rule : registry()) {
    if (rule.meta.family() != "html") continue;
    const std::string name = rule.meta.id.substr(5);
    const std::string file = std::string(ARCHIVE_LINT_SOURCE_DIR) + "/docs/checks/html/" + name + ".md";
    INFO(file);
    std::ifstream in(file);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string page = ss.str();
    CHECK(page.rfind("# " + rule.meta.id + "\n", 0) == 0);
    const std::string bad = code_block_after(page, "## Bad");
    const std::string good = code_block_after(page, "## Good");
    REQUIRE(!bad.empty());
    REQUIRE(!good.empty());
    bool fired = false;
    for (const auto& d : html_findings(bad)) fired = fired || d.rule_id == rule.meta.id;
    CHECK(fired);
    const auto clean = html_findings(good);
    for (const auto& d : clean) UNSCOPED_INFO(d.rule_id << " " << d.message);
    CHECK(clean.empty());
    ++pages;
  }
  CHECK(pages == 11);
}
