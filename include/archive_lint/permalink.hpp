#pragma once
// A post's URL and output file as Jekyll 4.3 computes them (lib/jekyll/url.rb,
// document.rb, drops/url_drop.rb, utils.rb#slugify), from what the archive
// index knows of it and the site's `_config.yml`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive_lint/dates.hpp"
#include "archive_lint/site.hpp"

namespace al {

// What Jekyll's URL of a post depends on, before the site's rules are applied.
struct PostFacts {
  std::string relative_path;             // from the collections directory: "en/news/_posts/2014-10-27-x.md"
  std::string date;                      // front-matter `date` as written, empty when none
  std::string slug;                      // front-matter `slug`, empty when none
  std::string permalink;                 // front-matter `permalink`, empty when none
  std::vector<std::string> categories;   // front-matter `categories` (or `category`), split like Jekyll
};

// The post as Jekyll sees it once defaults and folders are merged in.
struct JekyllPost {
  std::string url;                       // "/en/news/2014/10/27/x/"
  std::string destination;               // under the destination directory: "en/news/2014/10/27/x/index.html"
  std::vector<std::string> categories;   // folder, defaults, front matter; deduplicated
  PostDate date;                         // in the site's zone (has_offset set, offset_minutes that zone's)
  long long epoch_seconds = 0;           // the same moment, for `future:`
};

// A post's own categories as Jekyll's populate_categories makes them:
// `categories` (a string split on spaces, or a list), then `category` (not
// split), each name once and none empty. Either node may be undefined.
std::vector<std::string> jekyll_front_matter_categories(const YAML::Node& categories, const YAML::Node& category);

// Jekyll's Utils.slugify in `default` (cased=false) or `pretty` (cased=true) mode.
std::string jekyll_slugify(std::string_view text, bool pretty, bool cased);
// A post's file name read by Jekyll's Document::DATE_FILENAME_MATCHER,
// ^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$ (`YYYY-MM-DD-title.ext`).
struct JekyllPostName {
  std::string date;      // "2021-2-3", as written
  std::string slug;      // the title part, trailing dots dropped
  std::string ext;       // ".md"
  std::string basename;  // the name without ext
  int year = 0, month = 0, day = 0;  // the date's numbers, not checked against the calendar
};
// The parts, or nullopt when the file name does not match.
std::optional<JekyllPostName> jekyll_post_name(std::string_view relative_path);
// Whether it matches: only such files in `_posts` are posts.
bool is_jekyll_post_name(std::string_view relative_path);
// Jekyll::URL.escape_path: unchanged when only [a-zA-Z0-9./-], else percent-encoded like Addressable.
std::string jekyll_escape_path(std::string_view text);

// nullopt when Jekyll would not read the file as a post (no date in its name,
// no real date) or the permalink names a placeholder Jekyll does not know
// (Jekyll stops the build then). `fallback_offset_minutes` is the zone used
// when the site sets no `timezone:` (Jekyll uses the build machine's);
// nullopt reads each date in its own offset, as written.
std::optional<JekyllPost> jekyll_post(const JekyllSite& site, const PostFacts& post,
                                      std::optional<int> fallback_offset_minutes = std::nullopt);

}  // namespace al
