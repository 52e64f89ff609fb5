#include "archive_lint/config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <set>

#include "archive_lint/attribution.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/registry.hpp"
#include "presets.hpp"

namespace al {

std::string yaml_location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return file;
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

std::string yaml_location(const std::string& file, const YAML::Node& node) { return yaml_location(file, node.Mark()); }

namespace {

std::string at(const std::string& file, const YAML::Node& node) { return yaml_location(file, node); }

std::vector<std::string> string_list(const std::string& file, const YAML::Node& node, const char* key) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) throw ConfigError(fmt::format("{}: '{}' must be a list of globs", at(file, node), key));
  for (const auto& item : node) {
    if (!item.IsScalar()) throw ConfigError(fmt::format("{}: '{}' must be a list of globs", at(file, item), key));
    out.push_back(item.Scalar());
  }
  return out;
}

// A rule key: an exact id, or `family/*`; both must name something that exists.
void validate_rule_key(const std::string& file, const YAML::Node& key_node, const std::string& key) {
  if (key.size() > 2 && key.substr(key.size() - 2) == "/*") {
    const std::string family = key.substr(0, key.size() - 1);
    for (const auto& c : registry()) {
      if (c.meta.id.rfind(family, 0) == 0) return;
    }
    throw ConfigError(fmt::format("{}: unknown rule family '{}' (see `archive-lint rules`)", at(file, key_node), key));
  }
  if (!find_check(key))
    throw ConfigError(fmt::format("{}: unknown rule '{}' (see `archive-lint rules`)", at(file, key_node), key));
}

void apply_rule(const std::string& file, Config& config, const YAML::Node& key_node, const YAML::Node& value) {
  const std::string& key = key_node.Scalar();
  validate_rule_key(file, key_node, key);
  RuleSetting& setting = config.rules[key];
  const bool is_family = key.size() > 2 && key.substr(key.size() - 2) == "/*";
  if (value.IsScalar()) {
    const std::string& v = value.Scalar();
    if (v == "off" || v == "false") {
      setting.enabled = false;
    } else if (v == "on" || v == "true") {
      setting.enabled = true;
    } else if (auto sev = parse_severity(v)) {
      setting.enabled = true;
      setting.severity = sev;
    } else {
      throw ConfigError(fmt::format("{}: rule '{}': expected off, on, error, warning or note, got '{}'",
                                    at(file, value), key, v));
    }
    return;
  }
  if (value.IsNull()) return;
  if (!value.IsMap())
    throw ConfigError(fmt::format("{}: rule '{}' takes a severity or a mapping of options", at(file, value), key));
  const RegisteredCheck* check = is_family ? nullptr : find_check(key);
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (name == "severity") {
      const auto sev = it->second.IsScalar() ? parse_severity(it->second.Scalar()) : std::nullopt;
      if (!sev) throw ConfigError(fmt::format("{}: severity must be error, warning or note", at(file, it->second)));
      setting.severity = sev;
    } else if (name == "enabled") {
      bool enabled = true;
      if (!it->second.IsScalar() || !YAML::convert<bool>::decode(it->second, enabled))
        throw ConfigError(fmt::format("{}: enabled must be true or false", at(file, it->second)));
      setting.enabled = enabled;
    } else {
      bool known = false;
      if (check) {
        for (const auto& opt : check->meta.options) known |= opt.name == name;
      }
      if (!known) {
        std::string valid;
        if (check) {
          for (const auto& opt : check->meta.options) valid += (valid.empty() ? "" : ", ") + opt.name;
        }
        throw ConfigError(fmt::format("{}: rule '{}' has no option '{}'{}", at(file, it->first), key, name,
                                      valid.empty() ? std::string(" (it takes none besides severity and enabled)")
                                                    : " (options: " + valid + ")"));
      }
      setting.options[name] = it->second;  // not Clone(): a clone loses the marks that option errors cite
    }
  }
}

void apply_document(const std::string& file, Config& config, const YAML::Node& root, int depth);

// Mappings merge key by key (a later config refines a preset); anything else
// replaces. Nodes are shared, not cloned, so they keep their file positions
// for error messages.
YAML::Node merge_nodes(const YAML::Node& base, const YAML::Node& over) {
  if (!base.IsDefined() || !base.IsMap() || !over.IsMap()) return over;
  YAML::Node out(YAML::NodeType::Map);
  for (auto it = base.begin(); it != base.end(); ++it) out[it->first.Scalar()] = it->second;
  for (auto it = over.begin(); it != over.end(); ++it) {
    const std::string key = it->first.Scalar();
    out[key] = merge_nodes(out[key], it->second);
  }
  return out;
}

void apply_preset(const std::string& name, const YAML::Node& where, const std::string& file, Config& config, int depth) {
  const Preset* preset = find_preset(name);
  if (!preset) {
    std::string names;
    for (const auto& p : presets()) names += (names.empty() ? "" : ", ") + p.name;
    throw ConfigError(fmt::format("{}: unknown preset '{}' (presets: {})", at(file, where), name, names));
  }
  if (depth > 8) throw ConfigError(fmt::format("{}: presets extend each other in a loop", at(file, where)));
  apply_document("<preset " + preset->name + ">", config, YAML::Load(preset->yaml), depth + 1);
  config.preset = preset->name;
}

void apply_document(const std::string& file, Config& config, const YAML::Node& root, int depth) {
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError(fmt::format("{}: the config must be a mapping", at(file, root)));
  if (const auto ext = root["extends"]) {
    if (!ext.IsScalar()) throw ConfigError(fmt::format("{}: 'extends' takes a preset name", at(file, ext)));
    apply_preset(ext.Scalar(), ext, file, config, depth);
  }
  static const std::set<std::string> known = {"extends", "include", "exclude", "rules", "site", "links", "attribution"};
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (!known.count(key)) {
      throw ConfigError(fmt::format("{}: unknown key '{}' (known: extends, include, exclude, rules, site, links, attribution)",
                                    at(file, it->first), key));
    }
    const YAML::Node value = it->second;
    if (key == "include") {
      config.include = string_list(file, value, "include");
    } else if (key == "exclude") {
      config.exclude = string_list(file, value, "exclude");
    } else if (key == "rules") {
      if (value.IsNull()) continue;
      if (!value.IsMap()) throw ConfigError(fmt::format("{}: 'rules' must be a mapping of rule ids", at(file, value)));
      for (auto r = value.begin(); r != value.end(); ++r) apply_rule(file, config, r->first, r->second);
    } else if (key == "site") {
      if (!value.IsMap()) throw ConfigError(fmt::format("{}: 'site' must be a mapping", at(file, value)));
      for (auto s = value.begin(); s != value.end(); ++s) {
        const std::string name = s->first.Scalar();
        if (name != "url" && name != "root")
          throw ConfigError(fmt::format("{}: unknown key 'site.{}' (known: url, root)", at(file, s->first), name));
        if (name == "root") {
          // The Jekyll site's directory, relative to this file's.
          if (!s->second.IsScalar() || s->second.Scalar().empty())
            throw ConfigError(fmt::format("{}: site.root must be a directory", at(file, s->second)));
          const std::filesystem::path dir = std::filesystem::path(file).parent_path() / s->second.Scalar();
          config.jekyll_root = std::filesystem::absolute(dir).lexically_normal();
          continue;
        }
        if (!s->second.IsScalar()) throw ConfigError(fmt::format("{}: site.url must be a URL", at(file, s->second)));
        config.site_url = s->second.Scalar();
      }
    } else if (key == "links") {
      if (!value.IsMap() && !value.IsNull())
        throw ConfigError(fmt::format("{}: 'links' must be a mapping", at(file, value)));
      config.links = value;  // not Clone(): a clone loses the marks that `links.*` errors cite
    } else if (key == "attribution") {
      // `attribution: none` switches the rules off; a mapping refines the preset's.
      if (value.IsNull() || (value.IsScalar() && (value.Scalar() == "none" || value.Scalar() == "off"))) {
        config.attribution = YAML::Node();
        continue;
      }
      if (!value.IsMap())
        throw ConfigError(fmt::format("{}: 'attribution' must be a mapping or none", at(file, value)));
      YAML::Node merged = merge_nodes(config.attribution, value);
      validate_attribution(merged, file);
      config.attribution = merged;
    }
  }
}

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& p : presets()) out.push_back(p.name);
  return out;
}

namespace {
bool equals_ignoring_ascii_case(std::string_view a, std::string_view lower) {
  return a.size() == lower.size() &&
         std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) { return (x >= 'A' && x <= 'Z' ? x | 0x20 : x) == y; });
}
}  // namespace

bool is_markdown_extension(std::string_view extension) {
  return std::any_of(std::begin(kMarkdownExtensions), std::end(kMarkdownExtensions),
                     [&](std::string_view known) { return equals_ignoring_ascii_case(extension, known); });
}

bool is_html_extension(std::string_view extension) {
  return std::any_of(std::begin(kHtmlExtensions), std::end(kHtmlExtensions),
                     [&](std::string_view known) { return equals_ignoring_ascii_case(extension, known); });
}

bool is_post_file_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view ext = name.substr(dot + 1);
  return is_markdown_extension(ext) || is_html_extension(ext);
}

Config default_config(const std::filesystem::path& root) {
  Config config;
  config.root = root;
  config.include.clear();
  for (std::string_view ext : kMarkdownExtensions) config.include.push_back("**/*." + std::string(ext));
  for (std::string_view ext : kHtmlExtensions) config.include.push_back("**/*." + std::string(ext));
  config.exclude = {"**/_site/**", "**/.jekyll-cache/**", "**/node_modules/**", "**/vendor/**", "**/.git/**"};
  return config;
}

Config parse_config(const std::string& text, const std::filesystem::path& file) {
  Config config = default_config(file.has_parent_path() ? file.parent_path() : std::filesystem::path("."));
  config.file = file;
  apply_preset("jekyll", YAML::Node(), file.string(), config, 0);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}:{}: invalid YAML: {}", file.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  try {
    apply_document(file.string(), config, root, 0);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", file.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return config;
}

Config load_config(const std::optional<std::filesystem::path>& explicit_file, const std::filesystem::path& start) {
  std::filesystem::path file;
  if (explicit_file) {
    file = *explicit_file;
  } else {
    std::error_code ec;
    auto dir = std::filesystem::absolute(start, ec);
    while (!dir.empty()) {
      if (std::filesystem::is_regular_file(dir / ".archive-lint.yml", ec)) {
        file = dir / ".archive-lint.yml";
        break;
      }
      if (dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
  }
  if (file.empty()) {
    Config config = default_config(std::filesystem::absolute(start));
    apply_preset("jekyll", YAML::Node(), "<default>", config, 0);
    config.site_root = config.root;
    std::error_code ec;
    for (auto dir = config.root; !dir.empty(); dir = dir.parent_path()) {
      if (std::filesystem::is_regular_file(dir / "_config.yml", ec)) {
        config.site_root = dir;
        break;
      }
      if (dir == dir.parent_path()) break;
    }
    return config;
  }
  std::string error;
  auto text = read_file(file, error);
  if (!text) throw ConfigError(fmt::format("{}: cannot read config: {}", file.string(), error));
  Config config = parse_config(*text, file);
  config.root = std::filesystem::absolute(config.root);
  config.site_root = config.root;
  return config;
}

}  // namespace al
