#pragma once
// `.archive-lint.yml`: presets, rule settings, include/exclude globs.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "archive_lint/diagnostic.hpp"

namespace al {

// A config problem: exit code 2, message names file:line.
struct JekyllSite;  // site.hpp

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `file:line:column` of a YAML node, or just `file` when the node has no mark.
std::string yaml_location(const std::string& file, const YAML::Node& node);
std::string yaml_location(const std::string& file, const YAML::Mark& mark);

struct RuleSetting {
  std::optional<bool> enabled;
  std::optional<Severity> severity;
  YAML::Node options = YAML::Node(YAML::NodeType::Map);
};

struct Config {
  std::filesystem::path file;         // empty when no config file was used
  std::filesystem::path root;         // directory paths are shown relative to
  // Where `.archive-lint/` (the caches) goes: the config file's directory, or
  // without one the nearest directory holding Jekyll's `_config.yml` from
  // where the search started, else that start. Empty: root.
  std::filesystem::path site_root;
  std::string preset = "jekyll";
  std::vector<std::string> include;   // globs, relative to root
  std::vector<std::string> exclude;
  std::map<std::string, RuleSetting> rules;
  std::string site_url = "https://example.com";
  YAML::Node links;                   // link-checker settings, read by the link engine
  YAML::Node attribution;             // `attribution:` rules, merged over the preset's (see attribution.hpp)
  std::filesystem::path jekyll_root;  // `site.root`: the Jekyll site, absolute; empty: found from the paths
  std::shared_ptr<const JekyllSite> jekyll;  // the site model, set by load_site (pipeline.hpp)
};

// The one list of post file extensions (without the dot, matched in any
// case): Jekyll's default markdown_ext, and the HTML posts it also reads.
// The default include globs and the archive index are made from it.
inline constexpr std::string_view kMarkdownExtensions[] = {"markdown", "mkdown", "mkdn", "mkd", "md"};
inline constexpr std::string_view kHtmlExtensions[] = {"html", "htm"};
bool is_markdown_extension(std::string_view extension);
bool is_html_extension(std::string_view extension);
bool is_post_file_name(std::string_view name);

Config default_config(const std::filesystem::path& root);

std::vector<std::string> preset_names();

// Parses config text (path is used in messages and as the root).
Config parse_config(const std::string& text, const std::filesystem::path& file);
// --config FILE, else the nearest `.archive-lint.yml` from start upwards,
// else the default preset rooted at start.
Config load_config(const std::optional<std::filesystem::path>& explicit_file,
                   const std::filesystem::path& start);

}  // namespace al
