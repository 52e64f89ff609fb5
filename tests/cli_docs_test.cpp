// The man page and shell completions are generated from the CLI definition and
// the registry: these tests walk that definition (not a list written here) and
// check that everything in it reaches the generated files, and that the
// completions complete in the real shells.
#include <catch2/catch.hpp>

#include <CLI/CLI.hpp>

#include "archive_lint/cli.hpp"
#include "archive_lint/cli_docs.hpp"
#include "archive_lint/registry.hpp"
#include "support.hpp"

using namespace al::test;

namespace {

fs::path generated(const std::string& rel) { return fs::path(ARCHIVE_LINT_GENERATED_DIR) / rel; }

// How roff source spells text typed at a shell: every '-' as "\-".
std::string roff(std::string text) {
  for (std::size_t at = text.find('-'); at != std::string::npos; at = text.find('-', at + 2)) text.replace(at, 1, "\\-");
  return text;
}

// The man page's text from `start` to the next section or subsection heading.
std::string section(const std::string& man, const std::string& start) {
  const auto from = man.find(start);
  REQUIRE(from != std::string::npos);
  const auto next_ss = man.find("\n.SS ", from + 1);
  const auto next_sh = man.find("\n.SH ", from + 1);
  return man.substr(from, std::min(next_ss, next_sh) - from);
}

std::vector<const CLI::App*> subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

// Every way to write the option: "-f", "--format", or a positional's name.
std::vector<std::string> spellings(const CLI::Option& o) {
  std::vector<std::string> out;
  for (const auto& s : o.get_snames()) out.push_back("\\fB" + roff("-" + s) + "\\fR");
  for (const auto& l : o.get_lnames()) out.push_back("\\fB" + roff("--" + l) + "\\fR");
  if (!o.nonpositional()) out.push_back("\\fI" + o.get_name() + "\\fR");
  return out;
}

// Runs the generated bash completion for the words typed so far (the last one
// is being completed) and returns what it offers, one per line.
std::string bash_complete(const std::vector<std::string>& words) {
  std::string array;
  for (const auto& w : words) array += " " + sh_quote(w);
  const std::string script = "source " + sh_quote(generated("bash-completion/archive-lint").string()) +
                             "; COMP_WORDS=(" + array + "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                             "; _archive_lint; printf '%s\\n' \"${COMPREPLY[@]}\"";
  const auto r = run("bash -c " + sh_quote(script), source_dir());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("man page: every option of every subcommand is in its command's section", "[docs][man]") {
  const al::CliDefinition cli;
  const std::string man = al::render_man_page(cli.app());
  const auto subs = subcommands(cli.app());
  REQUIRE(subs.size() >= 6);
  std::size_t checked = 0;
  for (const CLI::App* sub : subs) {
    const std::string text = section(man, ".SS \"archive\\-lint " + sub->get_name() + "\"");
    CHECK(text.find(sub->get_description()) != std::string::npos);
    for (const CLI::Option* o : sub->get_options()) {
      for (const auto& spelling : spellings(*o)) {
        INFO(sub->get_name() << ": " << spelling);
        CHECK(text.find(spelling) != std::string::npos);
        ++checked;
      }
    }
  }
  CHECK(checked > 60);  // check and links alone have about 30 options each
  const std::string options = section(man, ".SH OPTIONS");
  for (const CLI::Option* o : cli.app().get_options())
    for (const auto& spelling : spellings(*o)) CHECK(options.find(spelling) != std::string::npos);
}

TEST_CASE("man page: choices, exit codes and every rule with its summary", "[docs][man]") {
  const al::CliDefinition cli;
  const std::string man = al::render_man_page(cli.app());
  CHECK(man.find("One of: text, sarif, json, github.") != std::string::npos);
  const std::string exits = section(man, ".SH \"EXIT STATUS\"");
  for (const auto& e : al::exit_codes())
    CHECK(exits.find(".B " + std::to_string(e.code) + "\n" + roff(std::string(e.meaning))) != std::string::npos);
  const std::string rules = section(man, ".SH RULES");
  for (const auto& c : al::registry()) {
    INFO(c.meta.id);
    CHECK(rules.find("\\fB" + roff(c.meta.id) + "\\fR (" + std::string(al::to_string(c.meta.default_severity))) != std::string::npos);
    CHECK(rules.find(roff(c.meta.summary)) != std::string::npos);
  }
  // No text line may start like a roff request.
  std::size_t line_start = 0;
  for (std::size_t nl = man.find('\n'); nl != std::string::npos; nl = man.find('\n', line_start = nl + 1)) {
    const std::string line = man.substr(line_start, nl - line_start);
    if (line.empty() || line[0] != '\'') continue;
    FAIL("a line starts with ': " << line);
  }
}

TEST_CASE("the built man page and completions are the current definition's", "[docs]") {
  const al::CliDefinition cli;
  CHECK(slurp(generated("man/archive-lint.1")) == al::render_man_page(cli.app()));
  CHECK(slurp(generated("bash-completion/archive-lint")) == al::render_bash_completion(cli.app()));
  CHECK(slurp(generated("zsh/_archive-lint")) == al::render_zsh_completion(cli.app()));
  CHECK(slurp(generated("fish/archive-lint.fish")) == al::render_fish_completion(cli.app()));
}

TEST_CASE("bash completion: subcommands, each subcommand's options, choices and rule ids", "[docs][completion]") {
  const al::CliDefinition cli;
  const std::string top = bash_complete({"archive-lint", ""});
  for (const CLI::App* sub : subcommands(cli.app())) CHECK(top.find(sub->get_name() + "\n") != std::string::npos);
  for (const CLI::App* sub : subcommands(cli.app())) {
    const std::string offered = bash_complete({"archive-lint", sub->get_name(), "-"});
    for (const CLI::Option* o : sub->get_options())
      for (const auto& l : o->get_lnames()) {
        INFO(sub->get_name() << " --" << l);
        CHECK(offered.find("--" + l + "\n") != std::string::npos);
      }
  }
  CHECK(bash_complete({"archive-lint", "check", "--format", ""}) == "text\nsarif\njson\ngithub\n");
  CHECK(bash_complete({"archive-lint", "check", "--fail-on", "w"}) == "warning\n");
  CHECK(bash_complete({"archive-lint", "explain", "front-matter/date-f"}) == "front-matter/date-format\n");
  const std::string ids = bash_complete({"archive-lint", "explain", ""});
  for (const auto& c : al::registry()) CHECK(ids.find(c.meta.id + "\n") != std::string::npos);
  // Paths complete as files (the tests' own source file, from the repository root).
  CHECK(bash_complete({"archive-lint", "check", "tests/cli_docs_te"}) == "tests/cli_docs_test.cpp\n");
}

TEST_CASE("zsh and fish completions parse and name every subcommand and rule", "[docs][completion]") {
  const al::CliDefinition cli;
  const std::string zsh = generated("zsh/_archive-lint").string();
  const std::string fish = generated("fish/archive-lint.fish").string();
  const auto z = run("zsh -n " + sh_quote(zsh), source_dir());
  INFO(z.err);
  CHECK(z.exit_code == 0);
  const auto f = run("fish --no-execute " + sh_quote(fish), source_dir());
  INFO(f.err);
  CHECK(f.exit_code == 0);
  const std::string zsh_text = slurp(zsh), fish_text = slurp(fish);
  for (const CLI::App* sub : subcommands(cli.app())) {
    CHECK(zsh_text.find("'" + sub->get_name() + ":") != std::string::npos);
    CHECK(fish_text.find("-a " + sub->get_name() + " ") != std::string::npos);
  }
  for (const auto& c : al::registry()) {
    CHECK(zsh_text.find("'" + c.meta.id + ":") != std::string::npos);
    CHECK(fish_text.find("-a " + c.meta.id + " ") != std::string::npos);
  }
  // fish itself: what it offers after `archive-lint check --format `.
  const auto offered = run("fish --no-config -c " + sh_quote("source " + sh_quote(fish) +
                                                             "; complete -C 'archive-lint check --format '"),
                           source_dir());
  INFO(offered.err);
  // fish sorts the values and shows the option's description beside each.
  const std::string described = "\tOutput format of the findings (default text)\n";
  CHECK(offered.out == "github" + described + "json" + described + "sarif" + described + "text" + described);
}
