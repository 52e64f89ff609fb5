#pragma once
// The Jekyll site a run lints, as Jekyll 4.3 reads it: its root, what its
// `_config.yml` says that changes archive-lint's answers (permalinks, time
// zone, defaults, ...), where its posts are and the Liquid tags its
// `_plugins` register. `.archive-lint.yml` stays archive-lint's own settings
// (docs/configuration.md says which file wins where both speak).
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive_lint/dates.hpp"

namespace al {

// One `defaults:` entry of `_config.yml`.
struct FrontMatterDefault {
  std::string path;                 // scope.path ("" for every path)
  std::optional<std::string> type;  // scope.type ("posts", ...), legacy "post" read as "posts"
  YAML::Node values = YAML::Node(YAML::NodeType::Map);
};

// A UTC offset rule read from the zoneinfo file of `timezone:`.
struct TimeZone {
  std::string name;                                  // IANA name, e.g. "Asia/Tokyo"
  std::vector<long long> transitions;                // UTC seconds, ascending
  std::vector<int> offset_after;                     // seconds east of UTC from each transition on
  int initial_offset = 0;                            // before the first transition
  int offset_at(long long utc_seconds) const;        // seconds east of UTC at that moment
};

struct LiquidOptions {
  std::string error_mode = "warn";  // warn, strict or lax
  bool strict_filters = false;
  bool strict_variables = false;
};

// Jekyll's default `markdown_ext`, from the one list of post extensions (config.hpp).
std::vector<std::string> default_markdown_ext();

struct JekyllSite {
  std::filesystem::path root;         // absolute; empty when the paths are in no Jekyll site
  std::filesystem::path config_file;  // the `_config.yml` read, empty when none
  std::string permalink = "date";     // as written: a style name or a pattern
  std::string posts_permalink;        // `collections: posts: permalink:`, empty when unset
  std::optional<TimeZone> timezone;   // unset: the build machine's zone (archive-lint assumes UTC)
  bool future = false;
  bool show_drafts = false;
  std::string collections_dir;        // "" for the site root
  std::vector<std::string> collections;  // labels, `posts` included
  std::vector<FrontMatterDefault> defaults;
  std::vector<std::string> exclude, include;
  std::vector<std::string> markdown_ext = default_markdown_ext();  // config.hpp's kMarkdownExtensions
  std::string markdown = "kramdown";
  YAML::Node kramdown = YAML::Node(YAML::NodeType::Map);
  LiquidOptions liquid;
  std::vector<std::string> plugins;
  std::string baseurl;
  // Liquid names that `_plugins/*.rb` register with Liquid::Template.register_tag
  // (Jekyll's and Liquid's block tags are registered the same way).
  std::vector<std::string> plugin_tags;
  // Tags archive-lint cannot name are registered: a `_plugins` file computes a
  // tag's name, or the site loads a plugin gem whose tags it does not know.
  // Then an unknown tag may be one of them and is not reported.
  bool plugin_tags_unnamed = false;
  // The tags of the plugin gems the site loads (`plugins:` and the Gemfile's
  // :jekyll_plugins group) that archive-lint knows, e.g. jekyll-seo-tag's `seo`.
  std::vector<std::string> gem_tags;
  std::vector<std::string> warnings;  // `file:line:col: words`, for stderr

  bool found() const { return !root.empty(); }
  // The posts' URL template: a style expanded, or the pattern as written.
  std::string post_url_template() const;
  // The defaults Jekyll merges into a post's front matter, for its path
  // relative to the collections directory and its type ("posts").
  YAML::Node defaults_for(std::string_view relative_path, std::string_view type) const;
  // Every `_posts` (and with show_drafts `_drafts`) directory Jekyll reads,
  // absolute, in a stable order; found once by load_jekyll_site.
  const std::vector<std::filesystem::path>& post_directories() const { return post_directories_; }
  // Jekyll's Reader, for a directory walk (paths relative to the root,
  // '/'-separated): whether it descends into the folder (not `_x`, `.x`, `#x`,
  // `x~` or excluded, except `_posts`, `_drafts` and collection folders), and
  // whether it renders the file: not a special name or excluded, and in a
  // posts, drafts or collection folder or with front matter. Layouts,
  // includes, data and static files are none of archive-lint's business.
  bool reads_directory(std::string_view relative_path) const;
  bool renders_file(std::string_view relative_path, const std::filesystem::path& file) const;

  std::vector<std::filesystem::path> post_directories_;
};

// Walks the site as Jekyll's Reader does for the post directories (site.root set).
std::vector<std::filesystem::path> find_post_directories(const JekyllSite& site);

// Jekyll's style names ("date", "pretty", "ordinal", "weekdate", "none") to
// patterns; any other text is returned as it is.
std::string expand_permalink_style(std::string_view style);

// The nearest ancestor (or the directory itself) of any of the paths that
// holds `_config.yml` or `_config.toml`; `explicit_root` (site.root) wins.
std::optional<std::filesystem::path> find_site_root(const std::vector<std::filesystem::path>& paths,
                                                    const std::filesystem::path& explicit_root);

// Reads the site at root; never throws for what the files say (their
// problems go to warnings, and the defaults stay).
JekyllSite load_jekyll_site(const std::filesystem::path& root);
// The same from `_config.yml` text; `file` names it in messages.
JekyllSite parse_jekyll_config(const std::string& text, const std::filesystem::path& file);

// Tag names in Ruby source: register_tag("name", ...), register_tag 'name', ...,
// register_tag(:name, ...) or register_tag(NAME, ...) with `NAME = "name"` in
// the file. A name the source computes (a loop variable, a method call) is
// unresolved: the site has a tag archive-lint cannot name.
struct RegisteredTags {
  std::vector<std::string> names;
  bool unresolved = false;
};
RegisteredTags registered_liquid_tags(std::string_view ruby_source);

// A zoneinfo (TZif) file's offsets; nullopt when the text is not one.
std::optional<TimeZone> parse_tzif(std::string_view bytes, std::string name);

// Jekyll's categories for a post from its folders: the directories above the
// first `_posts` of its path relative to the collections directory.
std::vector<std::string> folder_categories(std::string_view relative_path);

}  // namespace al
