#include "archive_lint/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "archive_lint/archive.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/text.hpp"

namespace al {

namespace fs = std::filesystem;

namespace {

bool is_family_key(const std::string& key) { return key.size() > 2 && key.substr(key.size() - 2) == "/*"; }

void overlay(const RuleSetting& setting, bool& enabled, Severity& severity, YAML::Node& options) {
  if (setting.enabled) enabled = *setting.enabled;
  if (setting.severity) severity = *setting.severity;
  for (auto it = setting.options.begin(); it != setting.options.end(); ++it)
    options[it->first.Scalar()] = it->second;
}

std::string generic_path(const fs::path& p) {
  std::string s = p.generic_string();
  if (s.rfind("./", 0) == 0) s.erase(0, 2);
  return s;
}

}  // namespace

std::vector<ActiveCheck> instantiate_checks(const Config& config) {
  std::vector<ActiveCheck> active;
  for (const auto& registered : registry()) {
    bool enabled = registered.meta.enabled_by_default;
    Severity severity = registered.meta.default_severity;
    YAML::Node options(YAML::NodeType::Map);
    for (const auto& [key, setting] : config.rules) {
      if (is_family_key(key) && registered.meta.id.rfind(key.substr(0, key.size() - 1), 0) == 0)
        overlay(setting, enabled, severity, options);
    }
    if (auto it = config.rules.find(registered.meta.id); it != config.rules.end())
      overlay(it->second, enabled, severity, options);
    if (!enabled) continue;
    auto check = registered.make();
    check->configure_shared(config);
    try {
      check->configure(options);
    } catch (const OptionError& e) {
      throw ConfigError(fmt::format("{}: rule '{}': {}", config.file.empty() ? "<config>" : config.file.string(),
                                    registered.meta.id, e.what()));
    } catch (const YAML::Exception& e) {
      throw ConfigError(fmt::format("{}: rule '{}': {}", config.file.empty() ? "<config>" : config.file.string(),
                                    registered.meta.id, e.msg));
    }
    active.push_back({std::move(check), severity});
  }
  return active;
}

std::vector<FileEntry> collect_files(const std::vector<std::string>& paths, const Config& config,
                                     std::vector<std::string>& missing) {
  std::vector<FileEntry> files;
  std::set<std::string> seen;
  const fs::path root = fs::absolute(config.root).lexically_normal();
  auto display_of = [&](const fs::path& p) {
    std::error_code ec;
    const fs::path abs = fs::absolute(p, ec).lexically_normal();
    const fs::path rel = abs.lexically_relative(root);
    if (!rel.empty() && *rel.begin() != "..") return generic_path(rel);
    return generic_path(p.lexically_normal());
  };
  auto excluded = [&](const std::string& rel) {
    return std::any_of(config.exclude.begin(), config.exclude.end(),
                       [&](const std::string& g) { return glob_match(g, rel) || glob_match(g, rel + "/"); });
  };
  auto included = [&](const std::string& rel) {
    return std::any_of(config.include.begin(), config.include.end(),
                       [&](const std::string& g) { return glob_match(g, rel); });
  };
  auto add = [&](const fs::path& p) {
    std::string display = display_of(p);
    if (seen.insert(display).second) files.push_back({p, std::move(display)});
  };
  for (const auto& arg : paths) {
    const fs::path p(arg);
    std::error_code ec;
    const auto status = fs::status(p, ec);
    if (ec || !fs::exists(status)) {
      // A dangling name is still reported as unreadable, not silently dropped.
      if (fs::is_symlink(fs::symlink_status(p, ec))) add(p);
      else missing.push_back(arg);
      continue;
    }
    if (!fs::is_directory(status)) {
      if (!excluded(display_of(p))) add(p);
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const auto& entry = *it;
      const std::string display = display_of(entry.path());
      std::error_code sec;
      if (entry.is_directory(sec)) {
        if (entry.is_symlink(sec) || excluded(display)) it.disable_recursion_pending();
        continue;
      }
      if (!included(display) || excluded(display)) continue;
      found.push_back(entry.path());
    }
    if (ec) missing.push_back(fmt::format("{} ({})", arg, ec.message()));
    std::sort(found.begin(), found.end());
    for (const auto& f : found) add(f);
  }
  return files;
}

void check_document(const Document& doc, const std::vector<ActiveCheck>& checks, std::vector<Diagnostic>& out) {
  const std::size_t first = out.size();
  for (const auto& active : checks) {
    const auto& meta = active.check->meta();
    if (!doc.readable && meta.family() != "io") continue;
    Emitter emit(doc, meta.id, active.severity, out);
    active.check->check(doc, emit);
  }
  if (doc.suppressions.lines.empty() && doc.suppressions.file_patterns.empty()) return;
  auto kept = std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [&](const Diagnostic& d) {
    return doc.suppressions.covers(d.rule_id, d.start.line);
  });
  out.erase(kept, out.end());
}

RunResult run_checks(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks, unsigned jobs) {
  const auto started = std::chrono::steady_clock::now();
  RunResult result;
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(1, files.size())));
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> bytes{0};
  std::vector<std::vector<Diagnostic>> per_worker(jobs);
  // Archive checks index every post; the documents parsed here feed that index.
  const bool want_records = has_archive_checks(checks);
  std::vector<std::vector<PostRecord>> records(jobs);
  auto work = [&](unsigned worker) {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= files.size()) break;
      const Document doc = load_document(files[i].filesystem_path.string(), files[i].display_path);
      bytes += doc.bytes.size();
      check_document(doc, checks, per_worker[worker]);
      if (want_records && doc.readable && doc.is_post())
        records[worker].push_back(make_post_record(doc, files[i].filesystem_path));
    }
  };
  if (jobs == 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < jobs; ++w) threads.emplace_back(work, w);
    for (auto& t : threads) t.join();
  }
  for (auto& v : per_worker) {
    std::move(v.begin(), v.end(), std::back_inserter(result.diagnostics));
  }
  for (auto& v : records) std::move(v.begin(), v.end(), std::back_inserter(result.posts));
  std::sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
  assign_fingerprints(result.diagnostics);
  result.stats.files = files.size();
  result.stats.bytes = bytes.load();
  result.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void assign_fingerprints(std::vector<Diagnostic>& diagnostics) {
  std::map<std::uint64_t, unsigned> occurrences;
  for (auto& d : diagnostics) {
    std::string key = d.rule_id;
    key.push_back('\0');
    key += d.path;
    key.push_back('\0');
    key += trim(d.source_line);
    const std::uint64_t h = fnv1a64(key);
    const unsigned n = ++occurrences[h];
    d.fingerprint = fmt::format("{}:{}", hex64(h), n);
  }
}

}  // namespace al
