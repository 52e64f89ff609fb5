#include "archive_lint/yaml_read.hpp"

#include <fmt/format.h>

namespace al::yaml_read {

void fail(const YAML::Node& at, std::string_view subject, std::string_view what) {
  throw OptionError(fmt::format("{} {}", subject, what), at.Mark());
}

std::string string(const YAML::Node& node, std::string_view subject) {
  if (!node.IsScalar()) fail(node, subject, "must be a string");
  return node.Scalar();
}

bool boolean(const YAML::Node& node, std::string_view subject) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) fail(node, subject, "must be true or false");
  return value;
}

long integer(const YAML::Node& node, std::string_view subject) {
  long value = 0;
  if (!node.IsScalar() || !YAML::convert<long>::decode(node, value)) fail(node, subject, "must be an integer");
  return value;
}

long integer(const YAML::Node& node, std::string_view subject, long low, long high) {
  long value = 0;
  if (!node.IsScalar() || !YAML::convert<long>::decode(node, value) || value < low || value > high)
    fail(node, subject, fmt::format("must be an integer from {} to {}", low, high));
  return value;
}

double number(const YAML::Node& node, std::string_view subject, std::string_view expected) {
  double value = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value)) fail(node, subject, expected);
  return value;
}

std::vector<std::string> string_list(const YAML::Node& node, std::string_view subject) {
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) fail(node, subject, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) fail(item, subject, "must be a list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

void known_keys(const YAML::Node& map, std::string_view prefix, const std::set<std::string>& keys) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
    if (keys.count(key)) continue;
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
    throw OptionError(fmt::format("unknown key '{}.{}' (known: {})", prefix, key, list), it->first.Mark());
  }
}

}  // namespace al::yaml_read
