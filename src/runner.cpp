#include "archive_lint/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "archive_lint/archive.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/line_hash.hpp"
#include "archive_lint/links.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/site.hpp"
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

// Orders paths found under one walked directory exactly as fs::path's
// operator< does (component by component, each component compared bytewise
// as unsigned), without splitting them into components: they share the walk
// root as a prefix and the rest are plain names joined by single '/', so a
// byte comparison in which '/' sorts below every other byte is equivalent.
bool walk_order_less(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x == '/') return true;
    if (y == '/') return false;
    return x < y;
  }
  return a.size() < b.size();
}

// internal/check-failed at the top of the file, for the exception being
// handled; nothing when that rule is off.
void report_failure(const Document& doc, const std::vector<ActiveCheck>& checks, std::string_view what_failed,
                    std::string_view consequence, std::vector<Diagnostic>& out) {
  const ActiveCheck* rule = find_active(checks, kCheckFailedRule);
  if (!rule) return;
  Emitter emit(doc, kCheckFailedRule, rule->severity, out);
  emit.report(0, 0, check_failure_message(what_failed, consequence));
}

}  // namespace

const ActiveCheck* find_active(const std::vector<ActiveCheck>& checks, std::string_view id) {
  for (const auto& c : checks) {
    if (c.check->meta().id == id) return &c;
  }
  return nullptr;
}

namespace {
std::string option_location(const Config& config, const YAML::Mark& mark) {
  return yaml_location(config.file.empty() ? "<config>" : config.file.string(), mark);
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
      throw ConfigError(fmt::format("{}: rule '{}': {}", option_location(config, e.mark), registered.meta.id, e.what()));
    } catch (const YAML::Exception& e) {
      throw ConfigError(fmt::format("{}: rule '{}': {}", option_location(config, e.mark), registered.meta.id, e.msg));
    }
    active.push_back({std::move(check), severity});
  }
  return active;
}

namespace {

// The files of a run's path arguments, each with its display path (relative
// to the config root when inside it, absolute otherwise), excluded and
// included as the config says, each file once.
class FileCollector {
 public:
  explicit FileCollector(const Config& config)
      : config_(config), root_(fs::absolute(config.root).lexically_normal()), cwd_(fs::current_path(cwd_ec_)) {}

  void add_argument(const std::string& arg) {
    const fs::path p(arg);
    std::error_code ec;
    const auto status = fs::status(p, ec);
    if (ec || !fs::exists(status)) {
      // A dangling name is still reported as unreadable, not silently dropped.
      if (fs::is_symlink(fs::symlink_status(p, ec))) add(p, display_of(p));
      else missing_.push_back(arg);
      return;
    }
    if (!fs::is_directory(status)) {
      std::string display = display_of(p);
      if (!excluded(display)) add(p, std::move(display));
      return;
    }
    walk(p, arg);
  }

  std::vector<FileEntry> files() && { return std::move(files_); }
  std::vector<std::string>& missing() { return missing_; }

 private:
  // fs::absolute(p) is current_path() / p for a relative p; the working
  // directory is asked once instead of once per file.
  fs::path absolute_of(const fs::path& p, std::error_code& ec) const {
    if (cwd_ec_ || p.empty() || p.is_absolute()) return fs::absolute(p, ec);
    return cwd_ / p;
  }
  // The display path, and whether it lies inside the root (relative to it).
  std::string display_inside(const fs::path& p, bool& inside) const {
    std::error_code ec;
    const fs::path abs = absolute_of(p, ec).lexically_normal();
    const fs::path rel = abs.lexically_relative(root_);
    inside = !rel.empty() && *rel.begin() != "..";
    if (inside) return generic_path(rel);
    return generic_path(abs);  // outside the archive: absolute, never relative to another base
  }
  std::string display_of(const fs::path& p) const {
    bool inside = false;
    return display_inside(p, inside);
  }
  bool excluded(const std::string& rel) const {
    if (config_.exclude.empty()) return false;
    const std::string as_dir = rel + "/";
    return std::any_of(config_.exclude.begin(), config_.exclude.end(),
                       [&](const std::string& g) { return glob_match(g, rel) || glob_match(g, as_dir); });
  }
  bool included(const std::string& rel) const {
    return std::any_of(config_.include.begin(), config_.include.end(), [&](const std::string& g) { return glob_match(g, rel); });
  }
  void add(fs::path p, std::string display) {
    if (seen_.insert(display).second) files_.push_back({std::move(p), std::move(display), {}});
  }

  // Entries of a walked directory are `p/name/...`, plain names only. When p
  // itself lies inside the root, an entry's display path is p's display path
  // joined with that suffix -- the same string display_of() would compute
  // through absolute/lexically_normal/lexically_relative, without the cost.
  std::string entry_display(const fs::path& entry, const fs::path& base, bool base_inside, const std::string& base_display) const {
    const std::string& native = entry.native();
    const std::string& base_native = base.native();
    if (!base_inside || native.size() <= base_native.size() || native.compare(0, base_native.size(), base_native) != 0)
      return display_of(entry);
    std::size_t from = base_native.size();
    if (native[from] == '/') ++from;
    else if (base_native.back() != '/') return display_of(entry);
    const std::string_view suffix = std::string_view(native).substr(from);
    if (base_display == ".") return std::string(suffix);
    std::string out;
    out.reserve(base_display.size() + 1 + suffix.size());
    out += base_display;
    if (out.back() != '/') out.push_back('/');
    out += suffix;
    return out;
  }

  // The walked directory relative to the Jekyll site's root, when it lies in one.
  std::optional<std::string> site_relative(const fs::path& p) const {
    if (!config_.jekyll || !config_.jekyll->found()) return std::nullopt;
    std::error_code ec;
    const fs::path rel = absolute_of(p, ec).lexically_normal().lexically_relative(config_.jekyll->root);
    if (ec || rel.empty() || *rel.begin() == "..") return std::nullopt;
    std::string out = generic_path(rel);
    if (out == ".") out.clear();
    while (!out.empty() && out.back() == '/') out.pop_back();
    return out;
  }

  // In a Jekyll site, a walk lists only what Jekyll's Reader renders (JekyllSite::renders_file).
  void walk(const fs::path& p, const std::string& arg) {
    bool base_inside = false;
    const std::string base_display = display_inside(p, base_inside);
    const std::optional<std::string> site_base = site_relative(p);
    const std::string& base_native = p.native();
    auto in_site = [&](const fs::path& entry) {
      std::string_view suffix = std::string_view(entry.native()).substr(std::min(base_native.size(), entry.native().size()));
      while (!suffix.empty() && suffix.front() == '/') suffix.remove_prefix(1);
      return site_base->empty() ? std::string(suffix) : *site_base + "/" + std::string(suffix);
    };
    std::vector<std::pair<fs::path, std::string>> found;
    std::error_code ec;
    fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const auto& entry = *it;
      std::string display = entry_display(entry.path(), p, base_inside, base_display);
      std::error_code sec;
      if (entry.is_directory(sec)) {
        if (entry.is_symlink(sec) || excluded(display) ||
            (site_base && !config_.jekyll->reads_directory(in_site(entry.path()))))
          it.disable_recursion_pending();
        continue;
      }
      if (!included(display) || excluded(display)) continue;
      if (site_base && !config_.jekyll->renders_file(in_site(entry.path()), entry.path())) continue;
      found.emplace_back(entry.path(), std::move(display));
    }
    if (ec) missing_.push_back(fmt::format("{} ({})", arg, ec.message()));
    // Same order as sorting the paths, cheaper: see walk_order_less.
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return walk_order_less(a.first.native(), b.first.native()); });
    for (auto& [f, display] : found) add(std::move(f), std::move(display));
  }

  const Config& config_;
  const fs::path root_;
  std::error_code cwd_ec_;
  const fs::path cwd_;
  std::vector<FileEntry> files_;
  std::unordered_set<std::string> seen_;
  std::vector<std::string> missing_;
};

}  // namespace

std::vector<FileEntry> collect_files(const std::vector<std::string>& paths, const Config& config,
                                     std::vector<std::string>& missing) {
  FileCollector collector(config);
  for (const auto& arg : paths) collector.add_argument(arg);
  for (auto& m : collector.missing()) missing.push_back(std::move(m));
  return std::move(collector).files();
}

void keep_shard(std::vector<FileEntry>& files, unsigned index, unsigned count) {
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const FileEntry& f) { return fnv1a64(f.display_path) % count != index - 1; }),
              files.end());
}

namespace {

// Suppressions and line hashes for the findings out[first..] on doc.
void finish_findings(const Document& doc, std::size_t first, std::vector<Diagnostic>& out) {
  if (!doc.suppressions.lines.empty() || !doc.suppressions.file_patterns.empty()) {
    auto kept = std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [&](const Diagnostic& d) {
      return doc.suppressions.covers(d.rule_id, d.start.line);
    });
    out.erase(kept, out.end());
  }
  if (out.size() == first || !doc.readable) return;
  set_line_hashes(doc.bytes, std::span<Diagnostic>(out).subspan(first));
}

}  // namespace

void check_document(const Document& doc, const std::vector<ActiveCheck>& checks, std::vector<Diagnostic>& out) {
  const std::size_t first = out.size();
  for (const auto& active : checks) {
    const auto& meta = active.check->meta();
    if (!doc.readable && !meta.checks_unreadable) continue;
    Emitter emit(doc, meta.id, active.severity, out);
    try {
      active.check->check(doc, emit);
    } catch (...) {
      report_failure(doc, checks, fmt::format("check {} failed on this file", meta.id),
                     "its findings on this file may be incomplete, the other checks ran", out);
    }
  }
  finish_findings(doc, first, out);
}

namespace {

// --changed-since: only the links on the lines the change added (all of them
// when the file has no such list).
void keep_links_on_added_lines(std::vector<LinkOccurrence>& links, const FileEntry& file) {
  const auto& added = file.added_lines;
  if (added.empty()) return;
  std::erase_if(links, [&](const LinkOccurrence& l) {
    return std::none_of(added.begin(), added.end(),
                        [&](const auto& r) { return l.start.line >= r.first && l.start.line <= r.second; });
  });
}

}  // namespace

RunResult run_checks(const std::vector<FileEntry>& files, const std::vector<ActiveCheck>& checks, unsigned jobs,
                     bool collect_links) {
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
  std::vector<DocumentLinks> collected(collect_links ? files.size() : 0);
  auto work = [&](unsigned worker) {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= files.size()) break;
      std::optional<Document> loaded;
      try {
        loaded.emplace(load_document(files[i].filesystem_path.string(), files[i].display_path));
      } catch (...) {
        report_failure(parse_document(files[i].display_path, ""), checks, "archive-lint could not parse this file",
                       "no check ran on it", per_worker[worker]);
        continue;
      }
      const Document& doc = *loaded;
      bytes += doc.bytes.size();
      check_document(doc, checks, per_worker[worker]);
      try {
        if (want_records && doc.readable && doc.is_post())
          records[worker].push_back(make_post_record(doc, files[i].filesystem_path));
        if (collect_links) collect_document_links(doc, files[i].filesystem_path.string(), collected[i]);
      } catch (...) {
        if (collect_links) collected[i] = {};  // a partial list would skip the --changed-since filter below
        const std::size_t first = per_worker[worker].size();
        report_failure(doc, checks, "indexing this file for the archive and link checks failed",
                       "those checks may miss it", per_worker[worker]);
        finish_findings(doc, first, per_worker[worker]);  // like every other finding on this file
        continue;
      }
      if (collect_links) keep_links_on_added_lines(collected[i].links, files[i]);
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
  for (auto& d : collected) {
    if (!d.links.empty()) result.links.push_back(std::move(d));
  }
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
