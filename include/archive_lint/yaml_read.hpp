#pragma once
// Typed reads of YAML settings, for every reader of them: rule options,
// `links:` and `attribution:`. A value of the wrong type throws OptionError at
// the value's place with "<subject> must be ..."; the caller that knows the
// file adds the place with config_error(), so every message reads
// `file:line:col: [rule 'id': ]<subject> must be ...`.
#include <yaml-cpp/yaml.h>

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace al {

// A bad setting: the message and the place of the offending value, when it has one.
struct OptionError : std::runtime_error {
  explicit OptionError(const std::string& message, const YAML::Mark& at = YAML::Mark::null_mark())
      : std::runtime_error(message), mark(at) {}
  YAML::Mark mark;
};

namespace yaml_read {

// Absent, or written as `~`/`null`: the caller's default applies.
inline bool absent(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

// Throws OptionError("<subject> <what>") at the node.
[[noreturn]] void fail(const YAML::Node& at, std::string_view subject, std::string_view what);

std::string string(const YAML::Node& node, std::string_view subject);
bool boolean(const YAML::Node& node, std::string_view subject);
long integer(const YAML::Node& node, std::string_view subject);
// An integer from low to high; the message names the range.
long integer(const YAML::Node& node, std::string_view subject, long low, long high);
// Any finite or infinite number YAML reads (the caller checks the range).
double number(const YAML::Node& node, std::string_view subject, std::string_view expected);
// A list of strings; a single string is a list of one.
std::vector<std::string> string_list(const YAML::Node& node, std::string_view subject);
// Throws "unknown key '<prefix>.<key>' (known: ...)" at the first key of the
// map that is not in `keys`.
void known_keys(const YAML::Node& map, std::string_view prefix, const std::set<std::string>& keys);

}  // namespace yaml_read
}  // namespace al
