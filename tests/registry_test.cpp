// The registry is the single source of rule metadata: ids, summaries, help, docs pages.
#include <catch2/catch.hpp>

#include <set>

#include "archive_lint/archive.hpp"
#include "archive_lint/pattern.hpp"
#include "archive_lint/registry.hpp"
#include "links/engine.hpp"
#include "support.hpp"

using namespace al::test;

TEST_CASE("registry: ids are unique, sorted and shaped family/name", "[registry]") {
  const auto& all = al::registry();
  REQUIRE_FALSE(all.empty());
  std::set<std::string> ids;
  const al::Pattern shape("[a-z][a-z0-9]*(-[a-z0-9]+)*/[a-z][a-z0-9]*(-[a-z0-9]+)*");
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& m = all[i].meta;
    INFO(m.id);
    CHECK(ids.insert(m.id).second);
    CHECK(shape.full_match(m.id));
    CHECK(m.family() == m.id.substr(0, m.id.find('/')));
    if (i > 0) CHECK(all[i - 1].meta.id < m.id);
    CHECK(al::find_check(m.id) == &all[i]);
    // The factory builds a check that describes itself the same way.
    const auto check = all[i].make();
    CHECK(check->meta().id == m.id);
    // The stage is metadata, and the archive stage relies on it to call check_archive.
    CHECK((m.stage == al::Stage::archive) == (dynamic_cast<const al::ArchiveCheck*>(check.get()) != nullptr));
    CHECK((m.stage == al::Stage::links) == (m.family() == "links" && m.id != "links/malformed"));
  }
  CHECK(al::find_check("front-matter/no-such-rule") == nullptr);
  CHECK(al::find_check("front-matter") == nullptr);
}

TEST_CASE("registry: every link engine outcome but ok is reported by a registered link rule", "[registry][links]") {
  using al::links::Outcome;
  std::set<std::string> rules;
  for (const Outcome o : {Outcome::ok, Outcome::redirect, Outcome::dead, Outcome::forbidden, Outcome::unreachable,
                          Outcome::server_error, Outcome::redirect_loop, Outcome::blocked}) {
    const std::string_view rule = al::links::rule_for(o);
    INFO(al::links::to_string(o));
    if (o == Outcome::ok) {
      CHECK(rule.empty());
      continue;
    }
    const al::RegisteredCheck* check = al::find_check(rule);
    REQUIRE(check != nullptr);
    CHECK(check->meta.stage == al::Stage::links);
    CHECK(rules.insert(std::string(rule)).second);  // one rule per outcome
  }
}

TEST_CASE("registry: every check has a summary, help and described options", "[registry]") {
  for (const auto& c : al::registry()) {
    const auto& m = c.meta;
    INFO(m.id);
    CHECK_FALSE(m.summary.empty());
    CHECK(m.summary.find('\n') == std::string::npos);  // one line
    CHECK(m.help.size() > m.summary.size());
    std::set<std::string> names;
    for (const auto& o : m.options) {
      INFO("option " << o.name);
      CHECK(names.insert(o.name).second);
      CHECK_FALSE(o.description.empty());
      CHECK_FALSE(o.default_value.empty());
      CHECK(std::set<std::string>{"string", "string-list", "bool", "integer", "map"}.count(o.type) == 1);
    }
  }
}

TEST_CASE("registry: every check has a docs page that names it and its options", "[registry][docs]") {
  for (const auto& c : al::registry()) {
    const auto& m = c.meta;
    const fs::path page = source_dir() / "docs" / "checks" / (m.id + ".md");
    INFO(page.string());
    REQUIRE(fs::is_regular_file(page));
    const std::string text = slurp(page);
    CHECK(text.rfind("# " + m.id, 0) == 0);  // the title is the rule id
    for (const char* section : {"## Bad", "## Good", "## Options", "## Suppress"}) {
      INFO("section " << section);
      CHECK(text.find(section) != std::string::npos);
    }
    // The Suppress section shows at least the config form (in-file forms do not fit every rule).
    CHECK(text.find("  " + m.id + ": off") != std::string::npos);
    CHECK(text.find(std::string(al::to_string(m.default_severity))) != std::string::npos);
    for (const auto& o : m.options) {
      INFO("option " << o.name);
      CHECK(text.find("`" + o.name + "`") != std::string::npos);
    }
  }
  // And no page for a check that does not exist.
  for (const auto& entry : fs::recursive_directory_iterator(source_dir() / "docs" / "checks")) {
    if (!entry.is_regular_file()) continue;
    const std::string id = entry.path().lexically_relative(source_dir() / "docs" / "checks").replace_extension().generic_string();
    INFO(entry.path().string());
    CHECK(al::find_check(id) != nullptr);
  }
}
