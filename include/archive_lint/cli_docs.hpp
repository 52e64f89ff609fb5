#pragma once
// The man page and shell completions, generated from the command-line
// definition (a CLI11 App, see CliDefinition) and the rule registry, so they
// say what --help and `archive-lint rules` say. tools/docgen.cpp writes them at
// build time; they are installed from there.
#include <string>

namespace CLI {
class App;
}

namespace al {

std::string render_man_page(const CLI::App& app);  // roff, man(7) macros: archive-lint(1)
std::string render_bash_completion(const CLI::App& app);
std::string render_zsh_completion(const CLI::App& app);
std::string render_fish_completion(const CLI::App& app);

}  // namespace al
