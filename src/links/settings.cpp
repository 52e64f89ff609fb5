// `links:` config keys and the CLI flags that override them.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "archive_lint/links.hpp"
#include "archive_lint/runner.hpp"
#include "archive_lint/version.hpp"
#include "archive_lint/yaml_read.hpp"
#include "links/url.hpp"

namespace al {

namespace {

// The ranges of the settings that are both a `links:` key and a flag: both
// paths check them with the same function, so neither can slip past.
struct Seconds {
  double low, high;
};
struct Whole {
  long low, high;
};
constexpr Seconds kTimeout{0.01, 3600};
constexpr Whole kMaxConcurrency{1, 1024};
constexpr Whole kMaxPerHost{1, 256};
constexpr Whole kRetries{0, 10};

// Milliseconds, or nothing when seconds is outside the range (or not finite):
// 1e-4 would round to 0, which libcurl reads as no timeout at all.
std::optional<long> milliseconds(double seconds, Seconds range) {
  if (!std::isfinite(seconds) || seconds < range.low || seconds > range.high) return std::nullopt;
  return std::lround(seconds * 1000);
}

bool within(long v, Whole range) { return v >= range.low && v <= range.high; }

long milliseconds(const YAML::Node& node, const std::string& subject, Seconds range) {
  const std::string expected = fmt::format("must be a number of seconds from {} to {}", range.low, range.high);
  const auto ms = milliseconds(yaml_read::number(node, subject, expected), range);
  if (!ms) yaml_read::fail(node, subject, expected);
  return *ms;
}

int whole(const YAML::Node& node, const std::string& subject, Whole range) {
  return static_cast<int>(yaml_read::integer(node, subject, range.low, range.high));
}

constexpr long long kDay = 86400;
constexpr long long kMaxDuration = 36500 * kDay;  // a hundred years: a bound no setting needs to pass

// "86400", "1d", "12h", "30m", "45s", from low to kMaxDuration seconds.
long long duration_seconds(const YAML::Node& node, const std::string& subject, long long low) {
  const std::string expected = fmt::format("must be a duration from {} to 36500d, such as 3600, 12h or 30d",
                                           low >= kDay ? fmt::format("{}d", low / kDay) : std::to_string(low));
  std::string text = node.IsScalar() ? node.Scalar() : std::string();
  long long unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's': unit = 1; text.pop_back(); break;
      case 'm': unit = 60; text.pop_back(); break;
      case 'h': unit = 3600; text.pop_back(); break;
      case 'd': unit = kDay; text.pop_back(); break;
      default: break;
    }
  }
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) yaml_read::fail(node, subject, expected);
  long long seconds = 0;
  for (const char c : text) {
    seconds = seconds * 10 + (c - '0');
    if (seconds * unit > kMaxDuration) yaml_read::fail(node, subject, expected);  // before it can overflow
  }
  if (seconds * unit < low) yaml_read::fail(node, subject, expected);
  return seconds * unit;
}

// `node` is the pattern's scalar, so the message points at it.
Pattern compile(const YAML::Node& node, const std::string& subject) {
  try {
    return Pattern(node.Scalar());
  } catch (const PatternError& e) {
    yaml_read::fail(node, subject, fmt::format("pattern '{}': {}", node.Scalar(), e.what()));
  }
}

StatusRange status_range(const YAML::Node& node, const std::string& subject) {
  if (!node.IsScalar()) yaml_read::fail(node, subject, "takes status codes or ranges like 200-299");
  const std::string& text = node.Scalar();
  StatusRange r;
  const auto dash = text.find('-');
  try {
    std::size_t used = 0;
    if (dash == std::string::npos) {
      r.low = r.high = std::stol(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } else {
      r.low = std::stol(text.substr(0, dash), &used);
      if (used != dash) throw std::invalid_argument(text);
      r.high = std::stol(text.substr(dash + 1), &used);
      if (used != text.size() - dash - 1) throw std::invalid_argument(text);
    }
  } catch (const std::exception&) {
    yaml_read::fail(node, subject, fmt::format("has '{}', not a status code or a range like 200-299", text));
  }
  if (r.low < 100 || r.high > 999 || r.low > r.high)
    yaml_read::fail(node, subject, fmt::format("has '{}', outside 100-999", text));
  return r;
}

// What `links:` sets besides LinkSettings' own fields; resolved once every
// source (keys, flags) has spoken.
struct LinksExtra {
  std::string contact;
  std::string user_agent;
  std::optional<std::string> protocol_relative;
  std::optional<std::string> cache;
};

void read_exclude(const YAML::Node& v, const std::string& k, LinkSettings& s) {
  if (!v.IsScalar() && !v.IsSequence()) yaml_read::fail(v, k, "must be a list of strings");
  if (v.IsScalar()) s.exclude.push_back(compile(v, k));
  for (const auto& item : v) {
    if (!item.IsScalar()) yaml_read::fail(item, k, "must be a list of strings");
    s.exclude.push_back(compile(item, k));
  }
}

void read_remap(const YAML::Node& v, const std::string& k, LinkSettings& s) {
  if (!v.IsSequence()) yaml_read::fail(v, k, "must be a list of {pattern, file} rules");
  for (const auto& rule : v) {
    if (!rule.IsMap() || !rule["pattern"] || !rule["file"] || !rule["pattern"].IsScalar() || !rule["file"].IsScalar())
      yaml_read::fail(rule, k, "rules need a 'pattern' (regex on the resolved URL) and a 'file' (local path)");
    s.remap.push_back(RemapRule{compile(rule["pattern"], k), rule["file"].Scalar()});
  }
}

// One reader per `links:` key; `k` is the subject of messages ("links.timeout").
using KeyReader = void (*)(const YAML::Node& v, const std::string& k, LinkSettings& s, LinksExtra& x);

const std::map<std::string, KeyReader>& key_readers() {
  using N = const YAML::Node&;
  using K = const std::string&;
  static const std::map<std::string, KeyReader> readers = {
      {"timeout", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.timeout_ms = milliseconds(v, k, kTimeout); }},
      {"connect_timeout", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.connect_timeout_ms = milliseconds(v, k, kTimeout); }},
      {"max_concurrency", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.max_concurrency = whole(v, k, kMaxConcurrency); }},
      {"max_per_host", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.max_per_host = whole(v, k, kMaxPerHost); }},
      {"min_interval", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.min_interval_ms = milliseconds(v, k, {0, 3600}); }},
      {"retries", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.retries = whole(v, k, kRetries); }},
      {"retry_backoff", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.backoff_base_ms = milliseconds(v, k, {0, 600}); }},
      {"retry_after_max", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.retry_after_max_ms = milliseconds(v, k, {0, 3600}); }},
      {"max_redirects", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.max_redirects = whole(v, k, {0, 50}); }},
      {"max_body_bytes",
       [](N v, K k, LinkSettings& s, LinksExtra&) {
         s.engine.max_body_bytes = static_cast<std::size_t>(yaml_read::integer(v, k, 0, 1L << 30));
       }},
      {"user_agent", [](N v, K k, LinkSettings&, LinksExtra& x) { x.user_agent = yaml_read::string(v, k); }},
      {"contact", [](N v, K k, LinkSettings&, LinksExtra& x) { x.contact = yaml_read::string(v, k); }},
      {"allow_private", [](N v, K k, LinkSettings& s, LinksExtra&) { s.engine.allow_private = yaml_read::boolean(v, k); }},
      {"exclude", [](N v, K k, LinkSettings& s, LinksExtra&) { read_exclude(v, k, s); }},
      {"accept",
       [](N v, K k, LinkSettings& s, LinksExtra&) {
         s.engine.accept.clear();
         if (!v.IsSequence()) s.engine.accept.push_back(status_range(v, k));
         for (const auto& item : v) s.engine.accept.push_back(status_range(item, k));
       }},
      {"protocol_relative",
       [](N v, K k, LinkSettings&, LinksExtra& x) {
         const std::string mode = v.IsScalar() ? v.Scalar() : "";
         if (mode != "https" && mode != "http" && mode != "both" && mode != "error")
           yaml_read::fail(v, k, "must be https, http, both or error");
         x.protocol_relative = mode;
       }},
      {"remap", [](N v, K k, LinkSettings& s, LinksExtra&) { read_remap(v, k, s); }},
      {"cache",
       [](N v, K k, LinkSettings& s, LinksExtra& x) {
         bool enabled = true;
         if (v.IsScalar() && YAML::convert<bool>::decode(v, enabled) && !enabled) s.use_cache = false;
         else if (v.IsScalar()) x.cache = v.Scalar();
         else yaml_read::fail(v, k, "must be a file path or false");
       }},
      {"cache_max_age", [](N v, K k, LinkSettings& s, LinksExtra&) { s.cache_max_age_s = duration_seconds(v, k, 0); }},
      {"cache_prune_after", [](N v, K k, LinkSettings& s, LinksExtra&) { s.cache_prune_after_s = duration_seconds(v, k, kDay); }},
  };
  return readers;
}

// Reads the `links:` mapping of the config; throws OptionError at the bad value.
void read_links_section(const YAML::Node& links, LinkSettings& s, LinksExtra& x) {
  if (!links || !links.IsMap()) return;
  std::set<std::string> known;
  for (const auto& [key, reader] : key_readers()) known.insert(key);
  yaml_read::known_keys(links, "links", known);
  for (auto it = links.begin(); it != links.end(); ++it) {
    const std::string key = it->first.Scalar();
    key_readers().at(key)(it->second, "links." + key, s, x);
  }
}

// The flags given on the command line win over the `links:` keys.
void apply_overrides(const LinkOverrides& overrides, LinkSettings& s, LinksExtra& x) {
  if (overrides.site_url) s.site_url = *overrides.site_url;
  if (overrides.timeout) {
    const auto ms = milliseconds(*overrides.timeout, kTimeout);
    if (!ms)
      throw ConfigError(fmt::format("--timeout: must be a number of seconds from {} to {} (links.timeout), got {}",
                                    kTimeout.low, kTimeout.high, *overrides.timeout));
    s.engine.timeout_ms = *ms;
  }
  auto whole_flag = [](const std::optional<int>& value, Whole range, const char* flag, const char* key, int& out) {
    if (!value) return;
    if (!within(*value, range))
      throw ConfigError(fmt::format("{}: must be an integer from {} to {} (links.{}), got {}", flag, range.low,
                                    range.high, key, *value));
    out = *value;
  };
  whole_flag(overrides.max_concurrency, kMaxConcurrency, "--max-concurrency", "max_concurrency", s.engine.max_concurrency);
  whole_flag(overrides.max_per_host, kMaxPerHost, "--max-per-host", "max_per_host", s.engine.max_per_host);
  whole_flag(overrides.retries, kRetries, "--retries", "retries", s.engine.retries);
  if (overrides.cache) x.cache = *overrides.cache;
  if (overrides.no_cache) s.use_cache = false;
  if (overrides.allow_private) s.engine.allow_private = true;
  for (const auto& p : overrides.exclude) {
    try {
      s.exclude.emplace_back(p);
    } catch (const PatternError& e) {
      throw ConfigError(fmt::format("--exclude '{}': {}", p, e.what()));
    }
  }
}

}  // namespace

LinkSettings load_link_settings(const Config& config, const LinkOverrides& overrides) {
  LinkSettings s;
  s.root = config.root.empty() ? std::filesystem::path(".") : config.root;
  s.site_url = config.site_url;
  LinksExtra x;
  try {
    read_links_section(config.links, s, x);
  } catch (const OptionError& e) {
    throw ConfigError(fmt::format("{}: {}", yaml_location(config.file.empty() ? "<config>" : config.file.string(), e.mark),
                                  e.what()));
  }
  apply_overrides(overrides, s, x);
  // Derived values.
  links::Url site;
  std::string error;
  if (!links::parse_http_url(s.site_url, site, error))
    throw ConfigError(fmt::format("site.url '{}' is not a usable http(s) URL: {}", s.site_url, error));
  s.protocol_relative = x.protocol_relative.value_or(site.scheme);
  if (x.cache) s.cache_file = *x.cache;
  if (s.cache_file.is_relative()) s.cache_file = (config.site_root.empty() ? s.root : config.site_root) / s.cache_file;
  s.engine.connect_timeout_ms = std::min(s.engine.connect_timeout_ms, s.engine.timeout_ms);
  s.engine.user_agent = x.user_agent.empty() ? fmt::format("archive-lint/{} (link checker; +{})", kRelease,
                                                           x.contact.empty() ? kHomepage : x.contact)
                                              : x.user_agent;
  return s;
}

LinkRuleSeverities link_rule_severities(const std::vector<ActiveCheck>& checks) {
  LinkRuleSeverities out;
  for (const auto& c : checks) {
    if (c.check->meta().stage == Stage::links)
      out.rules.emplace_back(c.check->meta().id, c.severity);
  }
  if (const ActiveCheck* failed = find_active(checks, kCheckFailedRule); failed && !out.rules.empty())
    out.rules.emplace_back(std::string(kCheckFailedRule), failed->severity);
  return out;
}

const Severity* LinkRuleSeverities::find(std::string_view id) const {
  for (const auto& [rule, severity] : rules) {
    if (rule == id) return &severity;
  }
  return nullptr;
}

}  // namespace al
