// `links:` config keys and the CLI flags that override them.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "archive_lint/links.hpp"
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

double number(const Config& config, const YAML::Node& node, const std::string& key, double low, double high) {
  double v = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, v) || !std::isfinite(v) || v < low || v > high)
    bad(config, node, key, fmt::format("must be a number from {} to {}", low, high));
  return v;
}

long integer(const Config& config, const YAML::Node& node, const std::string& key, long low, long high) {
  long v = 0;
  if (!node.IsScalar() || !YAML::convert<long>::decode(node, v) || v < low || v > high)
    bad(config, node, key, fmt::format("must be an integer from {} to {}", low, high));
  return v;
}

bool boolean(const Config& config, const YAML::Node& node, const std::string& key) {
  bool v = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) bad(config, node, key, "must be true or false");
  return v;
}

std::vector<std::string> strings(const Config& config, const YAML::Node& node, const std::string& key) {
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) bad(config, node, key, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) bad(config, item, key, "must be a list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

// "86400", "1d", "12h", "30m", "45s".
long long duration_seconds(const Config& config, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) bad(config, node, key, "must be a duration such as 3600, 12h or 1d");
  std::string text = node.Scalar();
  long long unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's': unit = 1; text.pop_back(); break;
      case 'm': unit = 60; text.pop_back(); break;
      case 'h': unit = 3600; text.pop_back(); break;
      case 'd': unit = 86400; text.pop_back(); break;
      default: break;
    }
  }
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    bad(config, node, key, "must be a duration such as 3600, 12h or 1d");
  return std::stoll(text) * unit;
}

std::regex compile(const Config& config, const YAML::Node& node, const std::string& key, const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    bad(config, node, key, fmt::format("has an invalid regular expression '{}': {}", pattern, e.what()));
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
      r.high = std::stol(text.substr(dash + 1));
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
      "cache_max_age"};
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
      if (key == "timeout") s.engine.timeout_ms = std::lround(number(config, v, key, 0.01, 3600) * 1000);
      else if (key == "connect_timeout") s.engine.connect_timeout_ms = std::lround(number(config, v, key, 0.01, 3600) * 1000);
      else if (key == "max_concurrency") s.engine.max_concurrency = static_cast<int>(integer(config, v, key, 1, 1024));
      else if (key == "max_per_host") s.engine.max_per_host = static_cast<int>(integer(config, v, key, 1, 256));
      else if (key == "min_interval") s.engine.min_interval_ms = std::lround(number(config, v, key, 0, 3600) * 1000);
      else if (key == "retries") s.engine.retries = static_cast<int>(integer(config, v, key, 0, 10));
      else if (key == "retry_backoff") s.engine.backoff_base_ms = std::lround(number(config, v, key, 0, 600) * 1000);
      else if (key == "retry_after_max") s.engine.retry_after_max_ms = std::lround(number(config, v, key, 0, 3600) * 1000);
      else if (key == "max_redirects") s.engine.max_redirects = static_cast<int>(integer(config, v, key, 0, 50));
      else if (key == "max_body_bytes") s.engine.max_body_bytes = static_cast<std::size_t>(integer(config, v, key, 0, 1L << 30));
      else if (key == "user_agent") user_agent = strings(config, v, key).at(0);
      else if (key == "contact") contact = strings(config, v, key).at(0);
      else if (key == "allow_private") s.engine.allow_private = boolean(config, v, key);
      else if (key == "exclude") {
        for (const auto& p : strings(config, v, key)) {
          s.exclude.push_back(compile(config, v, key, p));
          s.exclude_text.push_back(p);
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
          RemapRule r{compile(config, rule, key, rule["pattern"].Scalar()), rule["pattern"].Scalar(), rule["file"].Scalar()};
          s.remap.push_back(std::move(r));
        }
      } else if (key == "cache") {
        bool enabled = true;
        if (v.IsScalar() && YAML::convert<bool>::decode(v, enabled) && !enabled) s.use_cache = false;
        else if (v.IsScalar()) cache = v.Scalar();
        else bad(config, v, key, "must be a file path or false");
      } else if (key == "cache_max_age") {
        s.cache_max_age_s = duration_seconds(config, v, key);
      }
    }
  }
  // CLI overrides.
  if (overrides.site_url) s.site_url = *overrides.site_url;
  if (overrides.timeout) {
    if (!(*overrides.timeout > 0)) throw ConfigError("--timeout must be a positive number of seconds");
    s.engine.timeout_ms = std::lround(*overrides.timeout * 1000);
    s.engine.connect_timeout_ms = std::min(s.engine.connect_timeout_ms, s.engine.timeout_ms);
  }
  if (overrides.max_concurrency) {
    if (*overrides.max_concurrency < 1) throw ConfigError("--max-concurrency must be at least 1");
    s.engine.max_concurrency = *overrides.max_concurrency;
  }
  if (overrides.max_per_host) {
    if (*overrides.max_per_host < 1) throw ConfigError("--max-per-host must be at least 1");
    s.engine.max_per_host = *overrides.max_per_host;
  }
  if (overrides.retries) {
    if (*overrides.retries < 0) throw ConfigError("--retries must be 0 or more");
    s.engine.retries = *overrides.retries;
  }
  if (overrides.cache) cache = *overrides.cache;
  if (overrides.no_cache) s.use_cache = false;
  if (overrides.allow_private) s.engine.allow_private = true;
  for (const auto& p : overrides.exclude) {
    try {
      s.exclude.emplace_back(p, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw ConfigError(fmt::format("--exclude '{}': invalid regular expression: {}", p, e.what()));
    }
    s.exclude_text.push_back(p);
  }
  // Derived values.
  links::Url site;
  std::string error;
  if (!links::parse_http_url(s.site_url, site, error))
    throw ConfigError(fmt::format("site.url '{}' is not a usable http(s) URL: {}", s.site_url, error));
  s.protocol_relative = protocol_relative.value_or(site.scheme);
  if (cache) s.cache_file = *cache;
  if (s.cache_file.is_relative()) s.cache_file = s.root / s.cache_file;
  s.engine.connect_timeout_ms = std::min(s.engine.connect_timeout_ms, s.engine.timeout_ms);
  s.engine.user_agent = user_agent.empty()
                            ? fmt::format("archive-lint/{} (link checker; +{})", kRelease, contact.empty() ? kHomepage : contact)
                            : user_agent;
  return s;
}

const Severity* LinkRuleSeverities::find(std::string_view id) const {
  for (const auto& [rule, severity] : rules) {
    if (rule == id) return &severity;
  }
  return nullptr;
}

}  // namespace al
