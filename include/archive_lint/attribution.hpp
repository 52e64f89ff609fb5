#pragma once
// Attribution rules as data: the `attribution:` block of .archive-lint.yml.
// Parsed and validated once at configure time; the attribution/* checks only
// read the compiled form.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "archive_lint/pattern.hpp"

namespace al {

// `{source}新闻` or `//host/category/{category}.html`: literal text with
// placeholders. Compiled to a pattern that captures each placeholder.
struct Template {
  std::string text;
  std::optional<Pattern> re;              // matched against the whole input
  std::vector<std::string> placeholders;  // in capture order
  std::string prefix;                      // literal text before the first placeholder

  // Fills values (placeholder -> captured text) when the whole input matches.
  bool match(std::string_view input, std::map<std::string, std::string>* values = nullptr) const;
  std::string expand(const std::map<std::string, std::string>& values) const;
};

struct MarkerRule {
  std::string pattern;        // as written, with (?<source>...)
  std::optional<Pattern> re;
  std::size_t source_group = 0;
  // Bytes every match starts with (empty when the pattern has none, e.g. an
  // alternation): the search skips to their first occurrence with find()
  // before it asks RE2.
  std::string literal_prefix;
  std::string element_tag;    // "p" for `p.em_media`; empty: anywhere in the body
  std::vector<std::string> element_classes;
  std::string element;        // as written
  long count = 1;             // required number of markers
  bool at_end = true;         // position: end
};

// The literal bytes every match of a pattern must begin with, or
// "" when that cannot be known simply (alternation, anchors, escapes first).
std::string regex_literal_prefix(std::string_view pattern);

struct CategoryRule {
  bool marker = true;               // `marker: none` turns the marker off
  std::optional<bool> require_source_link;
};

struct AttributionRules {
  bool configured = false;          // false: the attribution checks do nothing
  std::string identity;             // the block as canonical YAML: equal blocks, equal rules
  std::optional<MarkerRule> marker;
  std::optional<Template> tags;               // agree.tags
  std::optional<Template> backlink_text;      // agree.backlink_text
  std::vector<Template> backlink_url;         // agree.backlink_url (any of)
  bool require_source_link = false;
  std::map<std::string, CategoryRule> categories;

  // The rule for a post's categories: the first category with an entry wins.
  CategoryRule for_categories(const std::vector<std::string>& categories) const;
};

// Validates one `attribution:` block. `file` names the config in messages
// (file:line:col). Throws ConfigError.
void validate_attribution(const YAML::Node& node, const std::string& file);
// Compiles the merged block (already validated). Throws ConfigError.
AttributionRules compile_attribution(const YAML::Node& node, const std::string& file);

// Jekyll splits a string `categories:`/`tags:` value on whitespace; a list is
// taken item by item.
std::vector<std::string> front_matter_words(const YAML::Node& value);

}  // namespace al
