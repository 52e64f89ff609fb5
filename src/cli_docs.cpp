#include "archive_lint/cli_docs.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "archive_lint/cli.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/version.hpp"

namespace al {

namespace {

// What a shell should offer for an option's value.
enum class ValueKind { none, number, choice, file };

// One option or positional argument, as every renderer needs it.
struct OptionDoc {
  std::vector<std::string> names;  // "-f", "--format"; empty for a positional
  std::string positional;          // the positional's name
  std::string value_name;          // "TEXT", "UINT", "FORMAT[=FILE]"; empty for a flag
  std::vector<std::string> choices;
  ValueKind kind = ValueKind::none;
  bool repeatable = false;
  bool required = false;
  std::string description;
  std::string default_value;
};

struct CommandDoc {
  std::string name;
  std::string description;
  std::string footer;
  std::vector<OptionDoc> options;      // named, in definition order
  std::vector<OptionDoc> positionals;  // in order
};

// CLI11 appends each validator's description to the type name: "TEXT:{text,sarif}".
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> out;
  const auto open = type_name.find(":{");
  const auto close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return out;
  std::string_view list(type_name);
  list = list.substr(open + 2, close - open - 2);
  while (!list.empty()) {
    const auto comma = list.find(',');
    out.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return out;
}

OptionDoc describe_option(const CLI::Option& o) {
  OptionDoc d;
  for (const auto& s : o.get_snames()) d.names.push_back("-" + s);
  for (const auto& l : o.get_lnames()) d.names.push_back("--" + l);
  if (!o.nonpositional()) d.positional = o.get_name();
  d.description = o.get_description();
  d.default_value = o.get_default_str();
  d.required = o.get_required();
  d.repeatable = o.get_expected_max() > 1;
  if (o.get_expected_max() == 0) return d;  // a flag
  const std::string type = o.get_type_name();
  d.value_name = type.substr(0, type.find(':'));
  d.choices = choices_of(type);
  const bool numeric = d.value_name == "INT" || d.value_name == "UINT" || d.value_name == "FLOAT" ||
                       d.value_name == "NUMBER";
  d.kind = !d.choices.empty() ? ValueKind::choice : numeric ? ValueKind::number : ValueKind::file;
  return d;
}

CommandDoc describe_command(const CLI::App& app) {
  CommandDoc c;
  c.name = app.get_name();
  c.description = app.get_description();
  c.footer = app.get_footer();
  for (const CLI::Option* o : app.get_options()) {
    OptionDoc d = describe_option(*o);
    (d.positional.empty() ? c.options : c.positionals).push_back(std::move(d));
  }
  return c;
}

// The visible subcommands, in definition order.
std::vector<CommandDoc> describe_subcommands(const CLI::App& app) {
  std::vector<CommandDoc> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    out.push_back(describe_command(*sub));
  return out;
}

// Words put unquoted into shell scripts (choices, rule ids, command names):
// refuse anything a shell would read specially rather than quote it subtly.
const std::string& shell_word(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
           ch == '_' || ch == '/' || ch == '.';
  });
  if (!plain) throw std::invalid_argument(fmt::format("'{}' cannot be written unquoted into a completion script", word));
  return word;
}

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : std::string(sep)) + w;
  return out;
}

// A positional named "rule" (explain's) takes a rule id; the others take files.
bool takes_rule_id(const OptionDoc& positional) { return positional.positional == "rule"; }

std::vector<std::string> rule_ids() {
  std::vector<std::string> ids;
  for (const auto& c : registry()) ids.push_back(shell_word(c.meta.id));
  return ids;
}

// ---------------------------------------------------------------- man page

// Text for roff: backslashes escaped, hyphens as \- (an ASCII '-' to paste
// into a shell, not a typographic hyphen), no line read as a request.
std::string roff(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\') out += "\\e";
    else if (ch == '-') out += "\\-";
    else out += ch;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string man_option_tag(const OptionDoc& o) {
  if (!o.positional.empty()) return "\\fI" + roff(o.positional) + "\\fR" + (o.repeatable ? " ..." : "");
  std::string tag;
  for (const auto& n : o.names) tag += (tag.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
  if (!o.value_name.empty()) tag += " \\fI" + roff(o.value_name) + "\\fR";
  return tag;
}

std::string man_option(const OptionDoc& o) {
  std::string text = o.description;
  const bool extras = !o.choices.empty() || !o.default_value.empty();
  if (extras && !text.empty() && text.back() != '.') text += '.';
  if (!o.choices.empty()) text += fmt::format(" One of: {}.", join(o.choices, ", "));
  if (!o.default_value.empty()) text += fmt::format(" Default: {}.", o.default_value);
  return ".TP\n" + man_option_tag(o) + "\n" + roff(text) + "\n";
}

// A footer paragraph: its first line as text (unless it is the "Examples:"
// that EXAMPLES already says), the rest (commands) unfilled.
std::string man_paragraph(std::string_view paragraph, bool under_examples) {
  std::string out = ".PP\n";
  const auto nl = paragraph.find('\n');
  if (!under_examples || paragraph.substr(0, nl) != "Examples:") out += roff(paragraph.substr(0, nl)) + "\n";
  if (nl == std::string_view::npos) return out;
  out += ".RS\n.nf\n";
  std::string_view rest = paragraph.substr(nl + 1);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
    out += roff(line) + "\n";
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return out + ".fi\n.RE\n";
}

// The footer, but not the exit codes: EXIT STATUS has those.
std::string man_footer(const std::string& footer, bool under_examples) {
  std::string out;
  std::string_view rest(footer);
  while (!rest.empty()) {
    const auto end = rest.find("\n\n");
    const std::string_view paragraph = rest.substr(0, end);
    if (!paragraph.empty() && paragraph != exit_codes_help()) out += man_paragraph(paragraph, under_examples);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
  }
  return out;
}

std::string man_synopsis(const std::vector<CommandDoc>& commands) {
  std::string out = ".SH SYNOPSIS\n.B archive\\-lint\n\\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]\n";
  for (const auto& c : commands) {
    out += ".br\n.B archive\\-lint " + roff(c.name) + "\n[\\fIoptions\\fR]";
    for (const auto& p : c.positionals) {
      const std::string arg = "\\fI" + roff(p.positional) + "\\fR" + (p.repeatable ? " ..." : "");
      out += p.required ? " " + arg : " [" + arg + "]";
    }
    out += "\n";
  }
  return out;
}

// A subcommand without a footer of its own inherits the top level's: EXAMPLES has that.
std::string man_command(const CommandDoc& c, const std::string& top_footer) {
  std::string out = ".SS \"archive\\-lint " + roff(c.name) + "\"\n" + roff(c.description) + ".\n";
  for (const auto& p : c.positionals) out += man_option(p);
  for (const auto& o : c.options) out += man_option(o);
  return c.footer == top_footer ? out : out + man_footer(c.footer, false);
}

std::string man_rules() {
  std::string out = ".SH RULES\nEvery rule with its default severity and summary, as \\fBarchive\\-lint rules\\fR "
                    "lists them; \\fBarchive\\-lint explain\\fR \\fIrule\\fR prints a rule's documentation and "
                    "options.\n";
  for (const auto& c : registry()) {
    const CheckMeta& m = c.meta;
    out += ".TP\n\\fB" + roff(m.id) + "\\fR (" + std::string(to_string(m.default_severity)) +
           (m.enabled_by_default ? "" : ", off by default") + ")\n" + roff(m.summary) + "\n";
  }
  return out;
}

std::string man_exit_status() {
  std::string out = ".SH \"EXIT STATUS\"\n";
  for (const auto& e : exit_codes()) out += fmt::format(".TP\n.B {}\n{}\n", e.code, roff(e.meaning));
  return out;
}

std::string man_trailer() {
  return ".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nWhen set and not empty, text output is not coloured (as with "
         "\\fB\\-\\-color never\\fR); so is it when \\fBTERM\\fR is \\fBdumb\\fR or the output is not a terminal.\n"
         ".SH FILES\n.TP\n.I .archive\\-lint.yml\nThe configuration, looked for in the first path's directory and "
         "its parents (or given with \\fB\\-\\-config\\fR).\n"
         ".SH \"SEE ALSO\"\nThe documentation in \\fIshare/doc/archive\\-lint/\\fR under the installation prefix "
         "(\\fI/usr/share/doc/archive\\-lint/\\fR from the Debian package), and " +
         roff(kHomepage) + "\n";
}

// ---------------------------------------------------------------- bash

std::string bash_value_case(const OptionDoc& o) {
  const std::string pattern = join(o.names, "|");
  switch (o.kind) {
    case ValueKind::choice:
      for (const auto& c : o.choices) shell_word(c);
      return fmt::format("                {}) _archive_lint_reply -W \"{}\" -- \"$cur\"; return ;;\n",
                         pattern, join(o.choices, " "));
    case ValueKind::file:
      return fmt::format("                {}) _archive_lint_files; return ;;\n", pattern);
    case ValueKind::number:
      return fmt::format("                {}) return ;;\n", pattern);
    case ValueKind::none:
      break;
  }
  return {};
}

std::string bash_command(const CommandDoc& c) {
  std::string out = fmt::format("        {})\n            case $prev in\n", shell_word(c.name));
  std::vector<std::string> names;
  for (const auto& o : c.options) {
    out += bash_value_case(o);
    for (const auto& n : o.names) names.push_back(shell_word(n));
  }
  std::string positional = "COMPREPLY=()";
  if (!c.positionals.empty())
    positional = takes_rule_id(c.positionals.front()) ? "_archive_lint_reply -W \"$rules\" -- \"$cur\""
                                                      : "_archive_lint_files";
  out += fmt::format(
      "            esac\n"
      "            if [[ $cur == -* ]]; then\n"
      "                _archive_lint_reply -W \"{}\" -- \"$cur\"\n"
      "            else\n"
      "                {}\n"
      "            fi ;;\n",
      join(names, " "), positional);
  return out;
}

// ---------------------------------------------------------------- zsh

// Inside a single-quoted zsh word, and inside _arguments' [explanation] (where a
// ':' needs no quoting, and _describe splits 'name:description' at the first one).
std::string zsh_quote_description(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\'') out += "'\\''";
    else if (ch == '[' || ch == ']' || ch == '\\') out += std::string("\\") + ch;
    else out += ch;
  }
  return out;
}

std::string zsh_action(const OptionDoc& o) {
  const std::string message = o.value_name.empty() ? o.positional : o.value_name;
  switch (o.kind) {
    case ValueKind::choice: return ":" + message + ":(" + join(o.choices, " ") + ")";
    case ValueKind::file: return ":" + message + ":_files";
    case ValueKind::number: return ":" + message + ": ";
    case ValueKind::none: break;
  }
  return {};
}

std::string zsh_option_spec(const OptionDoc& o) {
  for (const auto& n : o.names) shell_word(n);
  for (const auto& c : o.choices) shell_word(c);
  const std::string rest = "'[" + zsh_quote_description(o.description) + "]" + zsh_action(o) + "'";
  const std::string star = o.repeatable ? "*" : "";
  const bool exits = o.names.size() >= 1 && (o.names.back() == "--help" || o.names.back() == "--version");
  const std::string exclusion = exits ? "(- *)" : o.names.size() > 1 && !o.repeatable ? "(" + join(o.names, " ") + ")" : "";
  if (o.names.size() == 1) return "'" + exclusion + star + o.names[0] + rest.substr(1);
  return "'" + exclusion + "'" + star + "{" + join(o.names, ",") + "}" + rest;
}

std::string zsh_command(const CommandDoc& c) {
  std::string out = fmt::format("                {})\n                    _arguments -s \\\n", shell_word(c.name));
  for (const auto& o : c.options) out += "                        " + zsh_option_spec(o) + " \\\n";
  for (std::size_t i = 0; i < c.positionals.size(); ++i) {
    const OptionDoc& p = c.positionals[i];
    const std::string action = takes_rule_id(p) ? "_archive_lint_rules" : "_files";
    const std::string position = p.repeatable ? "*" : std::to_string(i + 1);
    out += fmt::format("                        '{}:{}:{}' \\\n", position, shell_word(p.positional), action);
  }
  return out + "                        && return ;;\n";
}

// ---------------------------------------------------------------- fish

std::string fish_quote(std::string_view text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

std::string fish_option(const std::string& condition, const OptionDoc& o) {
  std::string line = "complete -c archive-lint -n " + condition;
  for (const auto& n : o.names) {
    if (n.rfind("--", 0) == 0) line += " -l " + shell_word(n.substr(2));
    else line += " -s " + shell_word(n.substr(1));
  }
  if (o.kind == ValueKind::choice) line += " -x -a " + fish_quote(join(o.choices, " "));
  else if (o.kind == ValueKind::file) line += " -r -F";
  else if (o.kind == ValueKind::number) line += " -x";
  return line + " -d " + fish_quote(o.description) + "\n";
}

std::string fish_command(const CommandDoc& c) {
  const std::string condition = fish_quote("__fish_seen_subcommand_from " + shell_word(c.name));
  std::string out = fmt::format("\n# {}\ncomplete -c archive-lint -n __fish_use_subcommand -a {} -d {}\n", c.name,
                                c.name, fish_quote(c.description));
  for (const auto& o : c.options) out += fish_option(condition, o);
  if (c.positionals.empty()) return out;
  if (!takes_rule_id(c.positionals.front())) return out + "complete -c archive-lint -n " + condition + " -F\n";
  for (const auto& rule : registry())
    out += "complete -c archive-lint -n " + condition + " -x -a " + shell_word(rule.meta.id) + " -d " +
           fish_quote(rule.meta.summary) + "\n";
  return out;
}

}  // namespace

std::string render_man_page(const CLI::App& app) {
  const CommandDoc top = describe_command(app);
  const std::vector<CommandDoc> commands = describe_subcommands(app);
  std::string summary = top.description;
  if (const auto colon = summary.find(": "); colon != std::string::npos) summary = summary.substr(colon + 2);
  std::string out = fmt::format(
      ".\\\" Generated by archive-lint-docgen from the command-line definition and the rule registry.\n"
      ".TH ARCHIVE\\-LINT 1 \"\" \"archive\\-lint {}\" \"User Commands\"\n"
      ".\\\" Options and rule ids are typed, not read: no hyphenation, no justification.\n"
      ".nh\n.ad l\n"
      ".SH NAME\narchive\\-lint \\- {}\n",
      roff(kRelease), roff(summary));
  out += man_synopsis(commands);
  out += ".SH DESCRIPTION\n\\fBarchive\\-lint\\fR runs one \\fIcommand\\fR per invocation. "
         "\\fBarchive\\-lint\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR prints that command's options; this page "
         "lists them all.\n.SH OPTIONS\n";
  for (const auto& o : top.options) out += man_option(o);
  out += ".SH COMMANDS\n";
  for (const auto& c : commands) out += man_command(c, top.footer);
  out += ".SH EXAMPLES\n" + man_footer(top.footer, true);
  out += man_exit_status() + man_rules() + man_trailer();
  return out;
}

std::string render_bash_completion(const CLI::App& app) {
  const CommandDoc top = describe_command(app);
  const std::vector<CommandDoc> commands = describe_subcommands(app);
  std::vector<std::string> names, top_words;
  for (const auto& c : commands) names.push_back(shell_word(c.name));
  top_words = names;
  for (const auto& o : top.options)
    for (const auto& n : o.names) top_words.push_back(shell_word(n));
  std::string out = fmt::format(
      "# bash completion for archive-lint(1). Generated by archive-lint-docgen from the\n"
      "# command-line definition and the rule registry.\n\n"
      "# COMPREPLY from compgen's lines; no process substitution, which needs /dev/fd.\n"
      "_archive_lint_reply() {{\n"
      "    local line\n"
      "    COMPREPLY=()\n"
      "    while IFS= read -r line; do\n"
      "        [[ -n $line ]] && COMPREPLY+=(\"$line\")\n"
      "    done <<< \"$(compgen \"$@\")\"\n"
      "}}\n\n"
      "_archive_lint_files() {{\n"
      "    compopt -o filenames 2>/dev/null\n"
      "    _archive_lint_reply -f -- \"$cur\"\n"
      "}}\n\n"
      "_archive_lint() {{\n"
      "    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} command=\"\" i\n"
      "    local rules=\"{}\"\n"
      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "        case ${{COMP_WORDS[i]}} in\n"
      "            {}) command=${{COMP_WORDS[i]}}; break ;;\n"
      "        esac\n"
      "    done\n"
      "    case $command in\n"
      "        \"\") _archive_lint_reply -W \"{}\" -- \"$cur\" ;;\n",
      join(rule_ids(), " "), join(names, "|"), join(top_words, " "));
  for (const auto& c : commands) out += bash_command(c);
  return out + "    esac\n}\n\ncomplete -F _archive_lint archive-lint\n";
}

std::string render_zsh_completion(const CLI::App& app) {
  const CommandDoc top = describe_command(app);
  const std::vector<CommandDoc> commands = describe_subcommands(app);
  std::string out =
      "#compdef archive-lint\n"
      "# zsh completion for archive-lint(1). Generated by archive-lint-docgen from the\n"
      "# command-line definition and the rule registry.\n\n"
      "_archive_lint_rules() {\n    local -a rules\n    rules=(\n";
  for (const auto& c : registry())
    out += "        '" + shell_word(c.meta.id) + ":" + zsh_quote_description(c.meta.summary) + "'\n";
  out += "    )\n    _describe -t rules 'rule' rules\n}\n\n"
         "_archive_lint() {\n"
         "    local curcontext=$curcontext state line\n"
         "    local -a commands\n    commands=(\n";
  for (const auto& c : commands)
    out += "        '" + shell_word(c.name) + ":" + zsh_quote_description(c.description) + "'\n";
  out += "    )\n    _arguments -C \\\n";
  for (const auto& o : top.options) out += "        " + zsh_option_spec(o) + " \\\n";
  out += "        '1: :->command' \\\n"
         "        '*:: :->argument' && return\n"
         "    case $state in\n"
         "        command) _describe -t commands 'archive-lint command' commands ;;\n"
         "        argument)\n"
         "            curcontext=${curcontext%:*:*}:archive-lint-$line[1]:\n"
         "            case $line[1] in\n";
  for (const auto& c : commands) out += zsh_command(c);
  return out + "            esac ;;\n    esac\n    return 1\n}\n\n_archive_lint \"$@\"\n";
}

std::string render_fish_completion(const CLI::App& app) {
  const CommandDoc top = describe_command(app);
  std::string out =
      "# fish completion for archive-lint(1). Generated by archive-lint-docgen from the\n"
      "# command-line definition and the rule registry.\n\n"
      "complete -c archive-lint -f\n";
  for (const auto& o : top.options) out += fish_option("__fish_use_subcommand", o);
  for (const auto& c : describe_subcommands(app)) out += fish_command(c);
  return out;
}

}  // namespace al
