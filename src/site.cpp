#include "archive_lint/site.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cstring>
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
    const std::string v = *text;
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

// Jekyll's EntryFilter, for the directories it descends into: not `_x`, `.x`
// or `#x`/`x~`, and not excluded (exact names or `*` globs, from the site root).
bool skipped_directory(const JekyllSite& site, const std::string& name, const std::string& rel) {
  if (std::find(site.include.begin(), site.include.end(), name) != site.include.end()) return false;
  if (name.empty() || name[0] == '_' || name[0] == '.' || name[0] == '#' || name.back() == '~') return true;
  for (const auto& pattern : site.exclude) {
    std::string p = pattern;
    while (!p.empty() && p.back() == '/') p.pop_back();
    if (p == rel || rel.rfind(p + "/", 0) == 0 || ::fnmatch(p.c_str(), rel.c_str(), 0) == 0) return true;
  }
  return false;
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

std::vector<std::string> registered_liquid_tags(std::string_view src) {
  // Liquid::Template.register_tag(name, klass); name is a string or a symbol
  // (Liquid 5 stores name.to_s). Block tags are registered the same way.
  std::vector<std::string> out;
  constexpr std::string_view kCall = "register_tag";
  for (std::size_t at = src.find(kCall); at != std::string_view::npos; at = src.find(kCall, at + kCall.size())) {
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
    }
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

std::optional<fs::path> find_site_root(const std::vector<fs::path>& paths, const fs::path& explicit_root) {
  std::error_code ec;
  if (!explicit_root.empty()) return fs::weakly_canonical(fs::absolute(explicit_root, ec), ec);
  for (const auto& p : paths) {
    fs::path dir = fs::absolute(p, ec).lexically_normal();
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
      for (auto& tag : registered_liquid_tags(*text)) {
        if (std::find(site.plugin_tags.begin(), site.plugin_tags.end(), tag) == site.plugin_tags.end())
          site.plugin_tags.push_back(std::move(tag));
      }
    }
  }
  std::sort(site.plugin_tags.begin(), site.plugin_tags.end());
  site.post_directories_ = find_post_directories(site);
  return site;
}

}  // namespace al
