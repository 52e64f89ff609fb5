#include "archive_lint/site.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

#include "archive_lint/config.hpp"
#include "archive_lint/io.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxPluginBytes = 1 << 20;  // a plugin file larger than this is not read for tag names
constexpr int kMaxSiteDepth = 64;                  // directory levels searched for `_posts`

std::string where(const std::string& file, const YAML::Node& node) { return yaml_location(file, node); }

// The readers below take one key's node, add a warning when it has the wrong
// shape, and leave the default in place then (Jekyll would fail or ignore it).
struct Reader {
  const std::string& file;
  std::vector<std::string>& warnings;

  std::optional<std::string> scalar(const YAML::Node& node, std::string_view key) {
    if (!node || node.IsNull()) return std::nullopt;
    if (!node.IsScalar()) {
      warnings.push_back(fmt::format("{}: '{}' should be a single value; archive-lint ignores it", where(file, node), key));
      return std::nullopt;
    }
    return node.Scalar();
  }
  std::optional<bool> boolean(const YAML::Node& node, std::string_view key) {
    const auto text = scalar(node, key);
    if (!text) return std::nullopt;
    const std::string& v = *text;
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    warnings.push_back(fmt::format("{}: '{}' should be true or false, got '{}'", where(file, node), key, v));
    return std::nullopt;
  }
  std::vector<std::string> list(const YAML::Node& node, std::string_view key) {
    std::vector<std::string> out;
    if (!node || node.IsNull()) return out;
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence()) {
      warnings.push_back(fmt::format("{}: '{}' should be a list; archive-lint ignores it", where(file, node), key));
      return out;
    }
    for (const auto& item : node) {
      if (item.IsScalar()) out.push_back(item.Scalar());
      else warnings.push_back(fmt::format("{}: an entry of '{}' should be a single value", where(file, item), key));
    }
    return out;
  }
};

std::vector<FrontMatterDefault> read_defaults(const YAML::Node& node, Reader& read) {
  std::vector<FrontMatterDefault> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) {
    read.warnings.push_back(fmt::format("{}: 'defaults' should be a list of scope/values sets", where(read.file, node)));
    return out;
  }
  for (const auto& set : node) {
    // FrontmatterDefaults#valid?: a mapping whose `values` is a mapping.
    if (!set.IsMap() || !set["values"] || !set["values"].IsMap()) {
      read.warnings.push_back(fmt::format("{}: a 'defaults' set needs 'values:' as a mapping; Jekyll skips it",
                                          where(read.file, set)));
      continue;
    }
    FrontMatterDefault d;
    d.values = set["values"];
    if (const YAML::Node scope = set["scope"]; scope && scope.IsMap()) {
      if (const auto path = read.scalar(scope["path"], "defaults.scope.path")) d.path = *path;
      if (const auto type = read.scalar(scope["type"], "defaults.scope.type")) {
        // FrontmatterDefaults#update_deprecated_types
        d.type = *type == "post" ? "posts" : *type == "page" ? "pages" : *type == "draft" ? "drafts" : *type;
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

void read_collections(const YAML::Node& node, JekyllSite& site, Reader& read) {
  site.collections = {"posts"};
  if (!node || node.IsNull()) return;
  auto add = [&](const std::string& label) {
    if (std::find(site.collections.begin(), site.collections.end(), label) == site.collections.end())
      site.collections.push_back(label);
  };
  if (node.IsSequence()) {
    for (const auto& label : read.list(node, "collections")) add(label);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      add(it->first.Scalar());
      if (it->first.Scalar() == "posts" && it->second.IsMap()) {
        if (const auto p = read.scalar(it->second["permalink"], "collections.posts.permalink")) site.posts_permalink = *p;
      }
    }
  } else {
    read.warnings.push_back(fmt::format("{}: 'collections' should be a list or a mapping", where(read.file, node)));
  }
}

void read_liquid(const YAML::Node& node, LiquidOptions& liquid, Reader& read) {
  if (!node || node.IsNull()) return;
  if (!node.IsMap()) {
    read.warnings.push_back(fmt::format("{}: 'liquid' should be a mapping", where(read.file, node)));
    return;
  }
  if (const auto mode = read.scalar(node["error_mode"], "liquid.error_mode")) {
    if (*mode == "warn" || *mode == "strict" || *mode == "lax") liquid.error_mode = *mode;
    else read.warnings.push_back(fmt::format("{}: liquid.error_mode is warn, strict or lax, got '{}'", where(read.file, node["error_mode"]), *mode));
  }
  if (const auto v = read.boolean(node["strict_filters"], "liquid.strict_filters")) liquid.strict_filters = *v;
  if (const auto v = read.boolean(node["strict_variables"], "liquid.strict_variables")) liquid.strict_variables = *v;
}

void read_timezone(const YAML::Node& node, JekyllSite& site, Reader& read) {
  const auto name = read.scalar(node, "timezone");
  if (!name || name->empty()) return;
  // An IANA name: letters, digits and _+-/ only, never `..`.
  const bool plain = name->find("..") == std::string::npos && (*name)[0] != '/' &&
                     name->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") ==
                         std::string::npos;
  std::string error;
  std::optional<std::string> bytes;
  if (plain) bytes = read_file(fs::path("/usr/share/zoneinfo") / *name, error);
  if (bytes) site.timezone = parse_tzif(*bytes, *name);
  if (!site.timezone) {
    read.warnings.push_back(fmt::format("{}: timezone '{}' is not a zone of the tz database (/usr/share/zoneinfo); "
                                        "dates are read in UTC",
                                        where(read.file, node), *name));
  }
}

void apply_config(const YAML::Node& root, JekyllSite& site, Reader& read) {
  if (const auto v = read.scalar(root["permalink"], "permalink")) site.permalink = *v;
  read_timezone(root["timezone"], site, read);
  if (const auto v = read.boolean(root["future"], "future")) site.future = *v;
  if (const auto v = read.boolean(root["show_drafts"], "show_drafts")) site.show_drafts = *v;
  if (const auto v = read.scalar(root["collections_dir"], "collections_dir")) site.collections_dir = *v;
  while (!site.collections_dir.empty() && site.collections_dir.back() == '/') site.collections_dir.pop_back();
  read_collections(root["collections"], site, read);
  site.defaults = read_defaults(root["defaults"], read);
  site.exclude = read.list(root["exclude"], "exclude");
  // Configuration#add_default_excludes: appended to what the site says.
  for (const char* always : {".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
                             "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/"}) {
    if (std::find(site.exclude.begin(), site.exclude.end(), always) == site.exclude.end())
      site.exclude.emplace_back(always);
  }
  site.include = read.list(root["include"], "include");
  if (const auto v = read.scalar(root["markdown_ext"], "markdown_ext")) {
    site.markdown_ext.clear();
    std::string_view rest = *v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (comma != 0) site.markdown_ext.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (const auto v = read.scalar(root["markdown"], "markdown")) site.markdown = *v;
  if (const YAML::Node k = root["kramdown"]; k && k.IsMap()) site.kramdown = k;
  read_liquid(root["liquid"], site.liquid, read);
  site.plugins = read.list(root["plugins"], "plugins");
  if (site.plugins.empty()) site.plugins = read.list(root["gems"], "gems");  // Jekyll 3's name, still read
  if (const auto v = read.scalar(root["baseurl"], "baseurl")) site.baseurl = *v;
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

std::uint32_t be32(std::string_view b, std::size_t at) {
  return (std::uint32_t(std::uint8_t(b[at])) << 24) | (std::uint32_t(std::uint8_t(b[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(b[at + 2])) << 8) | std::uint32_t(std::uint8_t(b[at + 3]));
}

// The site's `exclude` (exact names or `*` globs, from the site root) covers rel.
bool excluded_by_site(const JekyllSite& site, const std::string& rel) {
  for (const auto& pattern : site.exclude) {
    std::string p = pattern;
    while (!p.empty() && p.back() == '/') p.pop_back();
    if (p == rel || rel.rfind(p + "/", 0) == 0 || ::fnmatch(p.c_str(), rel.c_str(), 0) == 0) return true;
  }
  return false;
}

// The site's `include` names it: EntryFilter then keeps a special name.
bool included_by_site(const JekyllSite& site, std::string_view name) {
  return std::find(site.include.begin(), site.include.end(), name) != site.include.end();
}

// EntryFilter's special names: `_x`, `.x`, `#x` and `x~`.
bool special_name(std::string_view name) {
  return name.empty() || name[0] == '_' || name[0] == '.' || name[0] == '#' || name.back() == '~';
}

// Jekyll's EntryFilter, for the directories it descends into: a directory
// `include` names is read; else not a special name, and not excluded.
bool skipped_directory(const JekyllSite& site, const std::string& name, const std::string& rel) {
  if (included_by_site(site, name)) return false;
  return special_name(name) || excluded_by_site(site, rel);
}

void find_post_dirs(const JekyllSite& site, const fs::path& dir, const std::string& rel, int depth,
                    std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_directory(dir / "_posts", ec)) out.push_back(dir / "_posts");
  if (site.show_drafts && fs::is_directory(dir / "_drafts", ec)) out.push_back(dir / "_drafts");
  if (depth >= kMaxSiteDepth) return;
  std::vector<std::pair<std::string, fs::path>> children;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code ec2;
    if (!it->is_directory(ec2) || it->is_symlink(ec2)) continue;
    const std::string name = it->path().filename().string();
    const std::string child_rel = rel.empty() ? name : rel + "/" + name;
    if (skipped_directory(site, name, child_rel) || child_rel == "_site") continue;
    children.emplace_back(name, it->path());
  }
  std::sort(children.begin(), children.end());
  for (const auto& [name, path] : children)
    find_post_dirs(site, path, rel.empty() ? name : rel + "/" + name, depth + 1, out);
}

}  // namespace

int TimeZone::offset_at(long long utc_seconds) const {
  const auto it = std::upper_bound(transitions.begin(), transitions.end(), utc_seconds);
  if (it == transitions.begin()) return initial_offset;
  return offset_after[static_cast<std::size_t>(it - transitions.begin()) - 1];
}

// RFC 8536: the v1 block (32-bit times), then for v2+ the same with 64-bit
// times, which is the one read when present. Debian's tzdata is "fat", so
// the transitions run to 2037 and the footer's rule is not needed.
std::optional<TimeZone> parse_tzif(std::string_view b, std::string name) {
  auto block = [&](std::size_t at, int time_size, TimeZone& tz) -> std::optional<std::size_t> {
    if (b.size() < at + 44 || b.substr(at, 4) != "TZif") return std::nullopt;
    const std::uint32_t isutc = be32(b, at + 20), isstd = be32(b, at + 24), leap = be32(b, at + 28),
                        timecnt = be32(b, at + 32), typecnt = be32(b, at + 36), charcnt = be32(b, at + 40);
    if (typecnt == 0 || timecnt > 100000 || typecnt > 256 || charcnt > 65536 || leap > 100000) return std::nullopt;
    std::size_t p = at + 44;
    const std::size_t need = std::size_t(timecnt) * std::size_t(time_size) + timecnt + typecnt * 6 + charcnt +
                             std::size_t(leap) * std::size_t(time_size + 4) + isstd + isutc;
    if (b.size() < p + need) return std::nullopt;
    std::vector<long long> times(timecnt);
    for (auto& t : times) {
      if (time_size == 8) t = static_cast<long long>((std::uint64_t(be32(b, p)) << 32) | be32(b, p + 4));
      else t = static_cast<std::int32_t>(be32(b, p));
      p += std::size_t(time_size);
    }
    const std::size_t idx = p, types = p + timecnt;
    auto offset_of = [&](std::size_t type) { return static_cast<int>(static_cast<std::int32_t>(be32(b, types + type * 6))); };
    tz.transitions = times;
    tz.offset_after.clear();
    for (std::uint32_t k = 0; k < timecnt; ++k) {
      const auto type = std::uint8_t(b[idx + k]);
      if (type >= typecnt) return std::nullopt;
      tz.offset_after.push_back(offset_of(type));
    }
    tz.initial_offset = offset_of(0);
    return p + need;
  };
  TimeZone tz;
  tz.name = std::move(name);
  const auto end_v1 = block(0, 4, tz);
  if (!end_v1) return std::nullopt;
  if (b[4] >= '2') {
    TimeZone v2 = tz;
    if (block(*end_v1, 8, v2)) return v2;
  }
  return tz;
}

std::string expand_permalink_style(std::string_view style) {
  // Jekyll::Configuration::STYLE_TO_PERMALINK
  if (style == "none") return "/:categories/:title:output_ext";
  if (style == "date") return "/:categories/:year/:month/:day/:title:output_ext";
  if (style == "ordinal") return "/:categories/:year/:y_day/:title:output_ext";
  if (style == "pretty") return "/:categories/:year/:month/:day/:title/";
  if (style == "weekdate") return "/:categories/:year/W:week/:short_day/:title:output_ext";
  return std::string(style);
}

std::string JekyllSite::post_url_template() const {
  return posts_permalink.empty() ? expand_permalink_style(permalink) : posts_permalink;
}

YAML::Node JekyllSite::defaults_for(std::string_view relative_path, std::string_view type) const {
  // FrontmatterDefaults#all: matching sets in order; a set with a longer
  // path (or a type, at equal length) takes precedence over the one before.
  auto sanitize = [](std::string p) {
    if (!p.empty() && p[0] == '/') p.erase(0, 1);
    return p;
  };
  auto strip_collections_dir = [&](std::string p) {
    if (!collections_dir.empty() && p.rfind(collections_dir + "/", 0) == 0) p.erase(0, collections_dir.size() + 1);
    return p;
  };
  const std::string path(relative_path);
  YAML::Node merged(YAML::NodeType::Map);
  const FrontMatterDefault* old = nullptr;
  for (const auto& d : defaults) {
    if (d.type && *d.type != type) continue;
    const std::string scope = strip_collections_dir(sanitize(d.path));
    if (!scope.empty()) {
      const bool glob = scope.find('*') != std::string::npos;
      if (glob ? ::fnmatch((scope + "*").c_str(), path.c_str(), 0) != 0 : path.rfind(scope, 0) != 0) continue;
    }
    bool precedence = true;
    if (old) {
      const auto np = sanitize(d.path).size(), op = sanitize(old->path).size();
      precedence = np != op ? np >= op : d.type ? true : !old->type;
    }
    for (auto it = d.values.begin(); it != d.values.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      if (precedence || !merged[key]) merged[key] = it->second;
    }
    if (precedence) old = &d;
  }
  return merged;
}

namespace {

std::string_view last_component(std::string_view rel) {
  const auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

// A folder whose files Jekyll reads as documents with or without front
// matter: `_posts`, `_drafts` and the collections' `_label` folders.
bool document_folder(const JekyllSite& site, std::string_view parent, std::string_view name) {
  if (name == "_posts" || name == "_drafts") return true;
  if (name.size() < 2 || name[0] != '_' || parent != site.collections_dir) return false;
  return std::find(site.collections.begin(), site.collections.end(), name.substr(1)) != site.collections.end();
}

// Utils.has_yaml_header?: the first line is `---` and blanks (`\A---\s*\r?\n`).
bool has_yaml_header(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[256];
  in.read(head, sizeof head);
  const std::string_view line(head, static_cast<std::size_t>(in.gcount()));
  if (line.substr(0, 3) != "---") return false;
  for (char c : line.substr(3)) {
    if (c == '\n') return true;
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return false;
}

}  // namespace

bool JekyllSite::reads_directory(std::string_view rel) const {
  const std::string_view name = last_component(rel);
  const std::string_view parent = rel.substr(0, rel.size() - name.size() - (rel.size() > name.size() ? 1 : 0));
  if (document_folder(*this, parent, name)) return true;
  return !skipped_directory(*this, std::string(name), std::string(rel)) && rel != "_site";
}

std::vector<std::string> default_markdown_ext() {
  return {std::begin(kMarkdownExtensions), std::end(kMarkdownExtensions)};
}

bool JekyllSite::renders_file(std::string_view rel, const fs::path& file) const {
  const std::string_view name = last_component(rel);
  if ((!included_by_site(*this, name) && special_name(name)) || excluded_by_site(*this, std::string(rel))) return false;
  std::string_view parent = rel.substr(0, rel.size() - name.size());
  while (!parent.empty()) {
    if (parent.back() == '/') parent.remove_suffix(1);
    const std::string_view folder = last_component(parent);
    parent.remove_suffix(folder.size());
    const std::string_view above = parent.empty() ? parent : parent.substr(0, parent.size() - 1);
    if (document_folder(*this, above, folder)) return true;
  }
  return has_yaml_header(file);  // a page; without front matter a static file, copied as it is
}

std::vector<fs::path> find_post_directories(const JekyllSite& site) {
  std::vector<fs::path> out;
  const fs::path& root = site.root;
  const std::string& collections_dir = site.collections_dir;
  if (root.empty()) return out;
  // Reader#outside_configured_directory?: with collections_dir, only below it.
  const fs::path base = collections_dir.empty() ? root : root / collections_dir;
  find_post_dirs(site, base, collections_dir, 0, out);
  return out;
}

std::vector<std::string> folder_categories(std::string_view relative_path) {
  // Document#categories_from_path: what precedes the first "_posts", split on '/'.
  std::vector<std::string> out;
  const auto at = relative_path.find("_posts");
  if (at == std::string_view::npos || at == 0) return out;
  std::string_view rest = relative_path.substr(0, at);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (!part.empty() && part != "_posts") out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

namespace {

bool on_comment_line(std::string_view src, std::size_t at) {
  const auto line_start = src.rfind('\n', at);
  const std::size_t from = line_start == std::string_view::npos ? 0 : line_start + 1;
  const auto first = src.find_first_not_of(" \t", from);
  return first != std::string_view::npos && first < at && src[first] == '#';
}

// The string a constant or local is set to in the file (`TAG = "x"`,
// `name = 'x'`, `NAME = :x`); empty when the file never sets it so.
std::string assigned_string(std::string_view src, std::string_view ident) {
  for (std::size_t at = src.find(ident); at != std::string_view::npos; at = src.find(ident, at + 1)) {
    if (at > 0 && is_name_char(src[at - 1])) continue;
    std::size_t p = at + ident.size();
    while (p < src.size() && (src[p] == ' ' || src[p] == '\t')) ++p;
    if (p + 1 >= src.size() || src[p] != '=' || src[p + 1] == '=') continue;
    ++p;
    while (p < src.size() && (src[p] == ' ' || src[p] == '\t')) ++p;
    if (p < src.size() && (src[p] == '"' || src[p] == '\'')) {
      const auto close = src.find(src[p], p + 1);
      if (close != std::string_view::npos && close - p <= 128) return std::string(src.substr(p + 1, close - p - 1));
    } else if (p < src.size() && src[p] == ':') {
      std::size_t e = p + 1;
      while (e < src.size() && is_name_char(src[e])) ++e;
      if (e > p + 1) return std::string(src.substr(p + 1, e - p - 1));
    }
  }
  return {};
}

}  // namespace

RegisteredTags registered_liquid_tags(std::string_view src) {
  // Liquid::Template.register_tag(name, klass); name is a string, a symbol
  // (Liquid 5 stores name.to_s), or a constant or variable set to one.
  // Block tags are registered the same way.
  RegisteredTags out;
  constexpr std::string_view kCall = "register_tag";
  int lookups = 0;  // each looks through the file: a bounded number keeps the scan linear
  for (std::size_t at = src.find(kCall); at != std::string_view::npos; at = src.find(kCall, at + kCall.size())) {
    if (on_comment_line(src, at)) continue;
    std::size_t p = at + kCall.size();
    while (p < src.size() && (src[p] == ' ' || src[p] == '\t' || src[p] == '(')) ++p;
    if (p >= src.size()) break;
    std::string name;
    if (src[p] == '"' || src[p] == '\'') {
      const auto close = src.find(src[p], p + 1);
      if (close == std::string_view::npos || close - p > 128) continue;
      name = std::string(src.substr(p + 1, close - p - 1));
    } else if (src[p] == ':') {
      std::size_t e = p + 1;
      while (e < src.size() && is_name_char(src[e])) ++e;
      name = std::string(src.substr(p + 1, e - p - 1));
    } else if (is_name_char(src[p])) {
      std::size_t e = p;
      while (e < src.size() && (is_name_char(src[e]) || src[e] == ':' || src[e] == '.')) ++e;
      std::string_view ident = src.substr(p, e - p);
      if (const auto colons = ident.rfind("::"); colons != std::string_view::npos) ident.remove_prefix(colons + 2);
      if (++lookups <= 64) name = assigned_string(src, ident);
      if (name.empty()) out.unresolved = true;  // a loop variable, a method call, ...
    }
    if (!name.empty() && std::find(out.names.begin(), out.names.end(), name) == out.names.end())
      out.names.push_back(std::move(name));
  }
  return out;
}

std::optional<fs::path> find_site_root(const std::vector<fs::path>& paths, const fs::path& explicit_root) {
  std::error_code ec;
  if (!explicit_root.empty()) return fs::weakly_canonical(fs::absolute(explicit_root, ec), ec);
  for (const auto& p : paths) {
    fs::path dir = fs::absolute(p, ec).lexically_normal();
    if (dir.has_parent_path() && dir.filename().empty()) dir = dir.parent_path();  // "site/." -> "site"
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
    for (; !dir.empty(); dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / "_config.yml", ec) || fs::is_regular_file(dir / "_config.toml", ec)) return dir;
      if (dir == dir.parent_path()) break;
    }
  }
  return std::nullopt;
}

namespace {

// A warning is one `file:line:col: words` line: YAML messages and values can
// carry line breaks and other control characters (`"\n"` in a scalar).
void flatten_warnings(std::vector<std::string>& warnings) {
  for (auto& w : warnings) {
    for (char& c : w) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    }
  }
}

JekyllSite read_jekyll_config(const std::string& text, const fs::path& file);

}  // namespace

JekyllSite parse_jekyll_config(const std::string& text, const fs::path& file) {
  JekyllSite site = read_jekyll_config(text, file);
  flatten_warnings(site.warnings);
  return site;
}

namespace {

JekyllSite read_jekyll_config(const std::string& text, const fs::path& file) {
  JekyllSite site;
  site.collections = {"posts"};
  const std::string name = file.string();
  Reader read{name, site.warnings};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    site.warnings.push_back(fmt::format("{}:{}:{}: Jekyll cannot read this file (the YAML is invalid: {}); "
                                        "archive-lint uses Jekyll's defaults",
                                        name, e.mark.line + 1, e.mark.column + 1, e.msg));
    return site;
  }
  if (root.IsNull()) return site;
  if (!root.IsMap()) {
    site.warnings.push_back(fmt::format("{}: the configuration should be a mapping; archive-lint uses Jekyll's defaults",
                                        where(name, root)));
    return site;
  }
  try {
    apply_config(root, site, read);
  } catch (const YAML::Exception& e) {
    site.warnings.push_back(fmt::format("{}:{}:{}: cannot read this value ({})", name, e.mark.line + 1,
                                        e.mark.column + 1, e.msg));
  }
  return site;
}

}  // namespace

namespace {

// The Liquid tags plugin gems register (each gem's lib/); an empty list: the
// gem adds filters, generators or hooks only. A gem not listed may register
// any tag.
struct GemTags {
  std::string_view gem;
  std::vector<std::string_view> tags;
};
const std::vector<GemTags>& known_plugin_gems() {
  static const std::vector<GemTags> gems = {
      {"jekyll-seo-tag", {"seo"}},
      {"jekyll-feed", {"feed_meta"}},
      {"jekyll-include-cache", {"include_cached"}},
      {"jekyll-gist", {"gist"}},
      {"github-pages", {"gist"}},  // its default plugins: jekyll-gist's tag, the others none
      {"jekyll-avatar", {"avatar"}},
      {"jekyll-toc", {"toc"}},
      {"jekyll-last-modified-at", {"last_modified_at"}},
      {"jekyll-twitter-plugin", {"twitter"}},
      {"jekyll-octicons", {"octicon"}},
      {"jekyll-mermaid", {"mermaid"}},
      {"jekyll-plantuml", {"plantuml"}},
      {"jekyll-sitemap", {}},
      {"jekyll-paginate", {}},
      {"jekyll-paginate-v2", {}},
      {"jekyll-archives", {}},
      {"jekyll-redirect-from", {}},
      {"jekyll-github-metadata", {}},
      {"jemoji", {}},
      {"jekyll-mentions", {}},
      {"jekyll-relative-links", {}},
      {"jekyll-optional-front-matter", {}},
      {"jekyll-readme-index", {}},
      {"jekyll-titles-from-headings", {}},
      {"jekyll-default-layout", {}},
      {"jekyll-coffeescript", {}},
      {"jekyll-sass-converter", {}},
      {"jekyll-commonmark", {}},
      {"jekyll-commonmark-ghpages", {}},
      {"jekyll-remote-theme", {}},
      {"jekyll-target-blank", {}},
      {"jekyll-email-protect", {}},
      {"jekyll-postfiles", {}},
      {"jekyll-tagging", {}},
      {"kramdown-parser-gfm", {}},
  };
  return gems;
}

// The gems a Gemfile puts in the :jekyll_plugins group, which Jekyll requires
// (`group :jekyll_plugins do ... end`, or `gem "x", group: :jekyll_plugins`).
std::vector<std::string> gemfile_plugins(std::string_view gemfile) {
  std::vector<std::string> out;
  bool in_group = false;
  while (!gemfile.empty()) {
    const auto nl = gemfile.find('\n');
    std::string_view line = gemfile.substr(0, nl);
    gemfile.remove_prefix(nl == std::string_view::npos ? gemfile.size() : nl + 1);
    line.remove_prefix(std::min(line.size(), line.find_first_not_of(" \t")));
    if (line.rfind("group", 0) == 0) {
      in_group = line.find(":jekyll_plugins") != std::string_view::npos;
      continue;
    }
    if (line.rfind("end", 0) == 0 && (line.size() == 3 || !is_name_char(line[3]))) {
      in_group = false;
      continue;
    }
    if (line.rfind("gem ", 0) != 0 && line.rfind("gem(", 0) != 0) continue;
    if (!in_group && line.find(":jekyll_plugins") == std::string_view::npos) continue;
    const auto q = line.find_first_of("'\"");
    if (q == std::string_view::npos) continue;
    const auto close = line.find(line[q], q + 1);
    if (close != std::string_view::npos) out.emplace_back(line.substr(q + 1, close - q - 1));
  }
  return out;
}

// The tags of the plugin gems the site loads: the config's `plugins:` and the
// Gemfile's group. Themes (`jekyll-theme-*`, a `theme:`) register no tags.
void read_plugin_gems(const fs::path& root, JekyllSite& site) {
  std::vector<std::string> gems = site.plugins;
  std::string error;
  std::error_code ec;
  const fs::path gemfile = root / "Gemfile";
  if (auto text = fs::is_regular_file(gemfile, ec) && fs::file_size(gemfile, ec) <= kMaxPluginBytes
                      ? read_file(gemfile, error)
                      : std::nullopt) {
    for (auto& g : gemfile_plugins(*text)) gems.push_back(std::move(g));
  }
  for (const auto& gem : gems) {
    const auto& known = known_plugin_gems();
    const auto it = std::find_if(known.begin(), known.end(), [&](const GemTags& g) { return g.gem == gem; });
    if (it == known.end()) {
      if (gem.find("theme") == std::string::npos) site.plugin_tags_unnamed = true;
      continue;
    }
    for (const auto tag : it->tags) {
      if (std::find(site.gem_tags.begin(), site.gem_tags.end(), tag) == site.gem_tags.end())
        site.gem_tags.emplace_back(tag);
    }
  }
  std::sort(site.gem_tags.begin(), site.gem_tags.end());
}

}  // namespace

JekyllSite load_jekyll_site(const fs::path& root) {
  JekyllSite site;
  std::error_code ec;
  const fs::path yml = root / "_config.yml", toml = root / "_config.toml";
  if (fs::is_regular_file(yml, ec)) {
    std::string error;
    if (auto text = read_file(yml, error)) {
      site = parse_jekyll_config(*text, yml);
    } else {
      site.warnings.push_back(fmt::format("{}: cannot read Jekyll's configuration: {}", yml.string(), error));
    }
    site.config_file = yml;
  } else if (fs::is_regular_file(toml, ec)) {
    site.config_file = toml;
    site.warnings.push_back(fmt::format("{}: archive-lint cannot read TOML; it assumes Jekyll's defaults "
                                        "(permalink date, no time zone, no defaults)",
                                        toml.string()));
  }
  if (site.collections.empty()) site.collections = {"posts"};
  site.root = root;
  for (fs::directory_iterator it(root / "_plugins", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ec2;
    if (it->path().extension() != ".rb" || !it->is_regular_file(ec2) || it->file_size(ec2) > kMaxPluginBytes) continue;
    std::string error;
    if (auto text = read_file(it->path(), error)) {
      auto registered = registered_liquid_tags(*text);
      site.plugin_tags_unnamed = site.plugin_tags_unnamed || registered.unresolved;
      for (auto& tag : registered.names) {
        if (std::find(site.plugin_tags.begin(), site.plugin_tags.end(), tag) == site.plugin_tags.end())
          site.plugin_tags.push_back(std::move(tag));
      }
    }
  }
  std::sort(site.plugin_tags.begin(), site.plugin_tags.end());
  read_plugin_gems(root, site);
  site.post_directories_ = find_post_directories(site);
  return site;
}

}  // namespace al
