// archive-lint-docgen KIND OUTPUT: writes the man page (KIND man) or a shell
// completion (bash, zsh, fish) generated from archive-lint's command-line
// definition and rule registry. Run by the build (cmake/packaging.cmake); not installed.
#include <fmt/format.h>

#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "archive_lint/cli.hpp"
#include "archive_lint/cli_docs.hpp"
#include "archive_lint/io.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: archive-lint-docgen man|bash|zsh|fish OUTPUT\n";
    return 2;
  }
  const std::string_view kind = argv[1];
  try {
    const al::CliDefinition cli;
    std::string text;
    if (kind == "man") text = al::render_man_page(cli.app());
    else if (kind == "bash") text = al::render_bash_completion(cli.app());
    else if (kind == "zsh") text = al::render_zsh_completion(cli.app());
    else if (kind == "fish") text = al::render_fish_completion(cli.app());
    else throw std::invalid_argument(fmt::format("unknown kind '{}' (man, bash, zsh or fish)", kind));
    al::write_file_atomic(argv[2], text);
  } catch (const std::exception& e) {
    std::cerr << "archive-lint-docgen: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
