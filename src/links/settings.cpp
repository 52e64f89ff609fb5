// `links:` config keys and the CLI flags that override them.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "archive_lint/links.hpp"
#include "archive_lint/runner.hpp"
#include "archive_lint/version.hpp"
#include "links/url.hpp"

namespace al {

namespace {

std::string where(const Config& config, const YAML::Node& node) {
  const std::string file = config.file.empty() ? "<config>" : config.file.string();
  const auto mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return file;
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

[[noreturn]] void bad(const Config& config, const YAML::Node& node, const std::string& key, const std::string& what) {
  throw ConfigError(fmt::format("{}: links.{} {}", where(config, node), key, what));
}

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

long milliseconds(const Config& config, const YAML::Node& node, const std::string& key, Seconds range) {
  double v = 0;
  const auto ms = node.IsScalar() && YAML::convert<double>::decode(node, v) ? milliseconds(v, range) : std::nullopt;
  if (!ms) bad(config, node, key, fmt::format("must be a number of seconds from {} to {}", range.low, range.high));
  return *ms;
}

long integer(const Config& config, const YAML::Node& node, const std::string& key, Whole range) {
  long v = 0;
  if (!node.IsScalar() || !YAML::convert<long>::decode(node, v) || !within(v, range))
    bad(config, node, key, fmt::format("must be an integer from {} to {}", range.low, range.high));
  return v;
}

bool boolean(const Config& config, const YAML::Node& node, const std::string& key) {
  bool v = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) bad(config, node, key, "must be true or false");
  return v;
}

std::string text(const Config& config, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) bad(config, node, key, "must be a string");
  return node.Scalar();
}

constexpr long long kDay = 86400;
constexpr long long kMaxDuration = 36500 * kDay;  // a hundred years: a bound no setting needs to pass

// "86400", "1d", "12h", "30m", "45s", from low to kMaxDuration seconds.
long long duration_seconds(const Config& config, const YAML::Node& node, const std::string& key, long long low) {
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
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) bad(config, node, key, expected);
  long long seconds = 0;
  for (const char c : text) {
    seconds = seconds * 10 + (c - '0');
    if (seconds * unit > kMaxDuration) bad(config, node, key, expected);  // before it can overflow
  }
  if (seconds * unit < low) bad(config, node, key, expected);
  return seconds * unit;
}

// `node` is the pattern's scalar, so the message points at it.
Pattern compile(const Config& config, const YAML::Node& node, const std::string& key) {
  try {
    return Pattern(node.Scalar());
  } catch (const PatternError& e) {
    bad(config, node, key, fmt::format("pattern '{}': {}", node.Scalar(), e.what()));
  }
}

StatusRange status_range(const Config& config, const YAML::Node& node) {
  if (!node.IsScalar()) bad(config, node, "accept", "takes status codes or ranges like 200-299");
  const std::string text = node.Scalar();
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
    bad(config, node, "accept", fmt::format("has '{}', not a status code or a range like 200-299", text));
  }
  if (r.low < 100 || r.high > 999 || r.low > r.high)
    bad(config, node, "accept", fmt::format("has '{}', outside 100-999", text));
  return r;
}

}  // namespace

LinkSettings load_link_settings(const Config& config, const LinkOverrides& overrides) {
  LinkSettings s;
  s.root = config.root.empty() ? std::filesystem::path(".") : config.root;
  s.site_url = config.site_url;
  std::string contact;
  std::string user_agent;
  std::optional<std::string> protocol_relative;
  std::optional<std::string> cache;
  static const std::set<std::string> kKeys = {
      "timeout",     "connect_timeout", "max_concurrency", "max_per_host", "min_interval",  "retries",
      "retry_backoff", "retry_after_max", "max_redirects", "max_body_bytes", "user_agent", "contact",
      "allow_private", "exclude",       "accept",          "protocol_relative", "remap",   "cache",
      "cache_max_age", "cache_prune_after"};
  const YAML::Node& links = config.links;
  if (links && links.IsMap()) {
    for (auto it = links.begin(); it != links.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;
      if (!kKeys.count(key)) {
        std::string known;
        for (const auto& k : kKeys) known += (known.empty() ? "" : ", ") + k;
        throw ConfigError(fmt::format("{}: unknown key 'links.{}' (known: {})", where(config, it->first), key, known));
      }
      if (key == "timeout") s.engine.timeout_ms = milliseconds(config, v, key, kTimeout);
      else if (key == "connect_timeout") s.engine.connect_timeout_ms = milliseconds(config, v, key, kTimeout);
      else if (key == "max_concurrency") s.engine.max_concurrency = static_cast<int>(integer(config, v, key, kMaxConcurrency));
      else if (key == "max_per_host") s.engine.max_per_host = static_cast<int>(integer(config, v, key, kMaxPerHost));
      else if (key == "min_interval") s.engine.min_interval_ms = milliseconds(config, v, key, {0, 3600});
      else if (key == "retries") s.engine.retries = static_cast<int>(integer(config, v, key, kRetries));
      else if (key == "retry_backoff") s.engine.backoff_base_ms = milliseconds(config, v, key, {0, 600});
      else if (key == "retry_after_max") s.engine.retry_after_max_ms = milliseconds(config, v, key, {0, 3600});
      else if (key == "max_redirects") s.engine.max_redirects = static_cast<int>(integer(config, v, key, {0, 50}));
      else if (key == "max_body_bytes") s.engine.max_body_bytes = static_cast<std::size_t>(integer(config, v, key, {0, 1L << 30}));
      else if (key == "user_agent") user_agent = text(config, v, key);
      else if (key == "contact") contact = text(config, v, key);
      else if (key == "allow_private") s.engine.allow_private = boolean(config, v, key);
      else if (key == "exclude") {
        if (v.IsScalar()) s.exclude.push_back(compile(config, v, key));
        else if (!v.IsSequence()) bad(config, v, key, "must be a list of strings");
        for (const auto& item : v) {
          if (!item.IsScalar()) bad(config, item, key, "must be a list of strings");
          s.exclude.push_back(compile(config, item, key));
        }
      } else if (key == "accept") {
        s.engine.accept.clear();
        if (v.IsSequence()) {
          for (const auto& item : v) s.engine.accept.push_back(status_range(config, item));
        } else {
          s.engine.accept.push_back(status_range(config, v));
        }
      } else if (key == "protocol_relative") {
        const std::string mode = v.IsScalar() ? v.Scalar() : "";
        if (mode != "https" && mode != "http" && mode != "both" && mode != "error")
          bad(config, v, key, "must be https, http, both or error");
        protocol_relative = mode;
      } else if (key == "remap") {
        if (!v.IsSequence()) bad(config, v, key, "must be a list of {pattern, file} rules");
        for (const auto& rule : v) {
          if (!rule.IsMap() || !rule["pattern"] || !rule["file"] || !rule["pattern"].IsScalar() || !rule["file"].IsScalar())
            bad(config, rule, key, "rules need a 'pattern' (regex on the resolved URL) and a 'file' (local path)");
          s.remap.push_back(RemapRule{compile(config, rule["pattern"], key), rule["file"].Scalar()});
        }
      } else if (key == "cache") {
        bool enabled = true;
        if (v.IsScalar() && YAML::convert<bool>::decode(v, enabled) && !enabled) s.use_cache = false;
        else if (v.IsScalar()) cache = v.Scalar();
        else bad(config, v, key, "must be a file path or false");
      } else if (key == "cache_max_age") {
        s.cache_max_age_s = duration_seconds(config, v, key, 0);
      } else if (key == "cache_prune_after") {
        s.cache_prune_after_s = duration_seconds(config, v, key, kDay);
      }
    }
  }
  // CLI overrides.
  if (overrides.site_url) s.site_url = *overrides.site_url;
  if (overrides.timeout) {
    const auto ms = milliseconds(*overrides.timeout, kTimeout);
    if (!ms)
      throw ConfigError(fmt::format("--timeout: must be a number of seconds from {} to {} (links.timeout), got {}",
                                    kTimeout.low, kTimeout.high, *overrides.timeout));
    s.engine.timeout_ms = *ms;
  }
  auto whole = [](const std::optional<int>& value, Whole range, const char* flag, const char* key, int& out) {
    if (!value) return;
    if (!within(*value, range))
      throw ConfigError(fmt::format("{}: must be an integer from {} to {} (links.{}), got {}", flag, range.low,
                                    range.high, key, *value));
    out = *value;
  };
  whole(overrides.max_concurrency, kMaxConcurrency, "--max-concurrency", "max_concurrency", s.engine.max_concurrency);
  whole(overrides.max_per_host, kMaxPerHost, "--max-per-host", "max_per_host", s.engine.max_per_host);
  whole(overrides.retries, kRetries, "--retries", "retries", s.engine.retries);
  if (overrides.cache) cache = *overrides.cache;
  if (overrides.no_cache) s.use_cache = false;
  if (overrides.allow_private) s.engine.allow_private = true;
  for (const auto& p : overrides.exclude) {
    try {
      s.exclude.emplace_back(p);
    } catch (const PatternError& e) {
      throw ConfigError(fmt::format("--exclude '{}': {}", p, e.what()));
    }
  }
  // Derived values.
  links::Url site;
  std::string error;
  if (!links::parse_http_url(s.site_url, site, error))
    throw ConfigError(fmt::format("site.url '{}' is not a usable http(s) URL: {}", s.site_url, error));
  s.protocol_relative = protocol_relative.value_or(site.scheme);
  if (cache) s.cache_file = *cache;
  if (s.cache_file.is_relative()) s.cache_file = (config.site_root.empty() ? s.root : config.site_root) / s.cache_file;
  s.engine.connect_timeout_ms = std::min(s.engine.connect_timeout_ms, s.engine.timeout_ms);
  s.engine.user_agent = user_agent.empty()
                            ? fmt::format("archive-lint/{} (link checker; +{})", kRelease, contact.empty() ? kHomepage : contact)
                            : user_agent;
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
