#pragma once
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace al {

// The whole command line; returns the exit code (see exit_codes()).
int run_cli(int argc, char** argv);

struct ExitCode {
  int code;
  std::string_view meaning;
};
// Every exit code and what it means: for --help and the man page.
std::span<const ExitCode> exit_codes();
// The line --help ends with: "Exit codes: 0 ..., 1 ..., 2 ...".
std::string exit_codes_help();

// The command line's definition (every subcommand and option), with the storage
// its options parse into. run_cli() parses with it; the man page and shell
// completion generators (tools/docgen.cpp) walk it, so they cannot drift from --help.
class CliDefinition {
 public:
  CliDefinition();
  ~CliDefinition();
  CliDefinition(const CliDefinition&) = delete;
  CliDefinition& operator=(const CliDefinition&) = delete;
  const CLI::App& app() const;
  int run(int argc, char** argv);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace al
