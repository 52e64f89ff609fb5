#include "archive_lint/attribution.hpp"

#include <fmt/format.h>

#include <set>

#include "archive_lint/config.hpp"
#include "archive_lint/text.hpp"
#include "archive_lint/yaml_read.hpp"

namespace al {

namespace {

std::string at(const std::string& file, const YAML::Node& node) { return yaml_location(file, node); }

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& message) {
  throw ConfigError(fmt::format("{}: {}", at(file, node), message));
}

// The shared typed readers; their OptionError gets the file's place in
// compile_attribution. `what` is the setting, quoted in the message.
std::string scalar(const YAML::Node& node, const std::string& what) { return yaml_read::string(node, "'" + what + "'"); }
bool boolean(const YAML::Node& node, const std::string& what) { return yaml_read::boolean(node, "'" + what + "'"); }

bool is_none(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!node.IsScalar()) return false;
  const std::string v = to_lower_ascii(node.Scalar());
  return v == "none" || v == "off" || v == "false";
}

Template compile_template(const std::string& file, const YAML::Node& node, const std::string& what,
                          const std::set<std::string>& allowed, bool need_placeholder) {
  Template t;
  t.text = scalar(node, what);
  std::string re;
  std::size_t i = 0;
  bool in_prefix = true;
  while (i < t.text.size()) {
    const std::size_t open = t.text.find('{', i);
    if (open == std::string::npos) {
      re += quote_pattern(std::string_view(t.text).substr(i));
      if (in_prefix) t.prefix += t.text.substr(i);
      break;
    }
    const std::size_t close = t.text.find('}', open);
    if (close == std::string::npos) fail(file, node, fmt::format("'{}': unclosed '{{' in template '{}'", what, t.text));
    const std::string name = t.text.substr(open + 1, close - open - 1);
    if (!allowed.count(name)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "{" : ", {") + a + "}";
      fail(file, node, fmt::format("'{}': unknown placeholder '{{{}}}' in '{}' (allowed: {})", what, name, t.text, list));
    }
    re += quote_pattern(std::string_view(t.text).substr(i, open - i));
    if (in_prefix) t.prefix += t.text.substr(i, open - i);
    in_prefix = false;
    // A category is one path segment; a source is any non-empty text.
    re += name == "category" ? "([^/?#]+)" : "(.+)";
    t.placeholders.push_back(name);
    i = close + 1;
  }
  if (need_placeholder && t.placeholders.empty())
    fail(file, node, fmt::format("'{}': template '{}' has no placeholder", what, t.text));
  try {
    t.re.emplace(re);
  } catch (const PatternError& e) {
    fail(file, node, fmt::format("'{}': cannot compile template '{}': {}", what, t.text, e.what()));
  }
  return t;
}

MarkerRule compile_marker(const std::string& file, const YAML::Node& node) {
  MarkerRule m;
  const YAML::Node pattern = node["pattern"];
  if (!pattern.IsDefined()) fail(file, node, "'attribution.marker' needs a 'pattern' with a (?<source>...) capture");
  m.pattern = scalar(pattern, "attribution.marker.pattern");
  try {
    m.re.emplace(m.pattern);
  } catch (const PatternError& e) {
    fail(file, pattern, fmt::format("'attribution.marker.pattern' is not a pattern archive-lint can use: {}", e.what()));
  }
  const auto source = m.re->group_number("source");
  if (!source)
    fail(file, pattern, fmt::format("'attribution.marker.pattern' has no named capture (?<source>...): '{}'", m.pattern));
  m.source_group = *source;
  m.literal_prefix = regex_literal_prefix(m.pattern);
  if (const YAML::Node element = node["element"]; element.IsDefined() && !element.IsNull()) {
    m.element = scalar(element, "attribution.marker.element");
    std::size_t dot = m.element.find('.');
    m.element_tag = to_lower_ascii(m.element.substr(0, dot));
    auto valid_name = [](std::string_view s) {
      if (s.empty()) return false;
      for (char c : s) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
      }
      return true;
    };
    if (!valid_name(m.element_tag))
      fail(file, element, fmt::format("'attribution.marker.element' must look like 'tag' or 'tag.class', got '{}'", m.element));
    while (dot != std::string::npos) {
      const std::size_t next = m.element.find('.', dot + 1);
      std::string cls = m.element.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
      if (!valid_name(cls))
        fail(file, element, fmt::format("'attribution.marker.element' must look like 'tag' or 'tag.class', got '{}'", m.element));
      m.element_classes.push_back(std::move(cls));
      dot = next;
    }
  }
  if (const YAML::Node count = node["count"]; count.IsDefined() && !count.IsNull()) {
    long v = 0;
    if (!count.IsScalar() || !YAML::convert<long>::decode(count, v) || v < 1 || v > 100)
      fail(file, count, "'attribution.marker.count' must be an integer from 1 to 100");
    m.count = v;
  }
  if (const YAML::Node position = node["position"]; position.IsDefined() && !position.IsNull()) {
    const std::string v = scalar(position, "attribution.marker.position");
    if (v == "end") m.at_end = true;
    else if (v == "any") m.at_end = false;
    else fail(file, position, fmt::format("'attribution.marker.position' must be end or any, got '{}'", v));
  }
  return m;
}

CategoryRule compile_category(const std::string& file, const std::string& name, const YAML::Node& node) {
  CategoryRule c;
  if (!node.IsMap()) fail(file, node, fmt::format("'attribution.categories.{}' must be a mapping", name));
  yaml_read::known_keys(node, "attribution.categories." + name, {"marker", "require_source_link"});
  if (const YAML::Node marker = node["marker"]; marker.IsDefined()) {
    if (is_none(marker)) c.marker = false;
    else if (marker.IsScalar() && (marker.Scalar() == "required" || marker.Scalar() == "true")) c.marker = true;
    else fail(file, marker, fmt::format("'attribution.categories.{}.marker' must be none or required", name));
  }
  if (const YAML::Node r = node["require_source_link"]; r.IsDefined() && !r.IsNull())
    c.require_source_link = boolean(r, "attribution.categories." + name + ".require_source_link");
  return c;
}

}  // namespace

bool Template::match(std::string_view input, std::map<std::string, std::string>* values) const {
  const auto m = re ? re->full_match(input) : std::nullopt;
  if (!m) return false;
  if (values) {
    for (std::size_t i = 0; i < placeholders.size(); ++i) (*values)[placeholders[i]] = std::string((*m)[i + 1].in(input));
  }
  return true;
}

std::string Template::expand(const std::map<std::string, std::string>& values) const {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find('{', i);
    const std::size_t close = open == std::string::npos ? std::string::npos : text.find('}', open);
    if (close == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    const auto it = values.find(text.substr(open + 1, close - open - 1));
    out += it == values.end() ? text.substr(open, close - open + 1) : it->second;
    i = close + 1;
  }
  return out;
}

std::vector<std::string> front_matter_words(const YAML::Node& value) {
  std::vector<std::string> out;
  auto split = [&](std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
      std::size_t j = i;
      while (j < s.size() && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) ++j;
      if (j > i) out.emplace_back(s.substr(i, j - i));
      i = j;
    }
  };
  if (!value.IsDefined() || value.IsNull()) return out;
  if (value.IsScalar()) {
    split(value.Scalar());
  } else if (value.IsSequence()) {
    for (const auto& item : value) {
      if (item.IsScalar()) {
        const auto t = trim(item.Scalar());
        if (!t.empty()) out.emplace_back(t);
      }
    }
  }
  return out;
}

CategoryRule AttributionRules::for_categories(const std::vector<std::string>& names) const {
  for (const auto& n : names) {
    if (auto it = categories.find(n); it != categories.end()) return it->second;
  }
  return CategoryRule{};
}

void validate_attribution(const YAML::Node& node, const std::string& file) {
  (void)compile_attribution(node, file);
}

namespace {

AttributionRules compile_rules(const YAML::Node& node, const std::string& file) {
  AttributionRules rules;
  if (!node.IsDefined() || node.IsNull()) return rules;
  if (!node.IsMap()) fail(file, node, "'attribution' must be a mapping (marker, agree, require_source_link, categories)");
  yaml_read::known_keys(node, "attribution", {"marker", "agree", "require_source_link", "categories"});
  rules.configured = true;
  {
    YAML::Emitter canonical;
    canonical << YAML::Flow << node;
    rules.identity = canonical.c_str();
  }
  if (const YAML::Node marker = node["marker"]; marker.IsDefined() && !is_none(marker)) {
    if (!marker.IsMap()) fail(file, marker, "'attribution.marker' must be a mapping or none");
    yaml_read::known_keys(marker, "attribution.marker", {"pattern", "element", "count", "position"});
    rules.marker = compile_marker(file, marker);
  }
  if (const YAML::Node agree = node["agree"]; agree.IsDefined() && !agree.IsNull()) {
    if (!agree.IsMap()) fail(file, agree, "'attribution.agree' must be a mapping");
    yaml_read::known_keys(agree, "attribution.agree", {"tags", "backlink_text", "backlink_url"});
    if (const YAML::Node t = agree["tags"]; t.IsDefined() && !t.IsNull())
      rules.tags = compile_template(file, t, "attribution.agree.tags", {"source"}, true);
    if (const YAML::Node t = agree["backlink_text"]; t.IsDefined() && !t.IsNull())
      rules.backlink_text = compile_template(file, t, "attribution.agree.backlink_text", {"source"}, true);
    if (const YAML::Node t = agree["backlink_url"]; t.IsDefined() && !t.IsNull()) {
      if (t.IsScalar()) {
        rules.backlink_url.push_back(compile_template(file, t, "attribution.agree.backlink_url", {"category", "source"}, true));
      } else if (t.IsSequence()) {
        for (const auto& item : t)
          rules.backlink_url.push_back(compile_template(file, item, "attribution.agree.backlink_url", {"category", "source"}, true));
      } else {
        fail(file, t, "'attribution.agree.backlink_url' must be a template or a list of templates");
      }
    }
  }
  if (const YAML::Node r = node["require_source_link"]; r.IsDefined() && !r.IsNull())
    rules.require_source_link = boolean(r, "attribution.require_source_link");
  if (const YAML::Node cats = node["categories"]; cats.IsDefined() && !cats.IsNull()) {
    if (!cats.IsMap()) fail(file, cats, "'attribution.categories' must map category names to rules");
    for (auto it = cats.begin(); it != cats.end(); ++it) {
      const std::string name = scalar(it->first, "attribution.categories key");
      rules.categories[name] = compile_category(file, name, it->second);
    }
  }
  return rules;
}

}  // namespace

AttributionRules compile_attribution(const YAML::Node& node, const std::string& file) {
  try {
    return compile_rules(node, file);
  } catch (const OptionError& e) {
    throw ConfigError(fmt::format("{}: {}", yaml_location(file, e.mark), e.what()));
  }
}

std::string regex_literal_prefix(std::string_view pattern) {
  if (pattern.find('|') != std::string_view::npos) return {};  // a match may start with either branch
  static constexpr std::string_view kMeta = "\\^$.|?*+()[]{}";
  std::size_t n = 0;
  while (n < pattern.size() && kMeta.find(pattern[n]) == std::string_view::npos) ++n;
  // A quantifier after the prefix applies to its last character (RE2 reads
  // UTF-8: all of a multi-byte one), which is then optional.
  if (n > 0 && n < pattern.size() && std::string_view("?*{").find(pattern[n]) != std::string_view::npos) {
    do --n;
    while (n > 0 && (static_cast<unsigned char>(pattern[n]) & 0xC0) == 0x80);
  }
  return std::string(pattern.substr(0, n));
}

}  // namespace al
