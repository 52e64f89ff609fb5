// archive-lint-parse-bench: the "limit to compare against".
//
// Reads the same files `archive-lint check` would pick up in the given paths
// (directories walked for *.md, *.markdown, *.html, *.htm, skipping _site,
// .jekyll-cache, node_modules, vendor and .git), and does only the parse work
// on each one: yaml-cpp on the front matter and gumbo on the body (fragment
// context <body>). No checks, no diagnostics, no output formatting.
//
//   archive-lint-parse-bench [--jobs N] [--no-gumbo] [--json] PATHS...
//
// Prints files, MB and wall seconds (collection + read + parse).
#include <gumbo.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

bool wanted_extension(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".md" || ext == ".markdown" || ext == ".html" || ext == ".htm";
}

bool skipped_directory(const fs::path& p) {
  const std::string name = p.filename().string();
  return name == "_site" || name == ".jekyll-cache" || name == "node_modules" || name == "vendor" || name == ".git";
}

std::vector<fs::path> collect(const std::vector<std::string>& args) {
  std::vector<fs::path> files;
  for (const auto& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      files.emplace_back(arg);
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code sec;
      if (it->is_directory(sec)) {
        if (it->is_symlink(sec) || skipped_directory(it->path())) it.disable_recursion_pending();
        continue;
      }
      if (wanted_extension(it->path())) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

bool read_all(const fs::path& path, std::string& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  out.clear();
  char buf[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, got);
  std::fclose(f);
  return true;
}

// A line of `marker` plus optional trailing blanks (and CR), like the linter.
bool is_delimiter(std::string_view line, std::string_view marker) {
  if (line.substr(0, marker.size()) != marker) return false;
  for (char c : line.substr(marker.size())) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Same delimiters as the linter: `---` on the first line, closed by a line of
// `---` or `...`. Returns {yaml, body}; yaml is empty when there is none.
std::pair<std::string_view, std::string_view> split(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::size_t first_eol = text.find('\n');
  if (first_eol == std::string_view::npos || !is_delimiter(text.substr(0, first_eol), "---")) return {{}, text};
  const std::size_t begin = first_eol + 1;
  std::size_t line = begin;
  while (line < text.size()) {
    std::size_t eol = text.find('\n', line);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view l = text.substr(line, eol - line);
    if (is_delimiter(l, "---") || is_delimiter(l, "...")) {
      return {text.substr(begin, line - begin), eol < text.size() ? text.substr(eol + 1) : std::string_view{}};
    }
    line = eol + 1;
  }
  return {{}, text};
}

struct Totals {
  std::atomic<std::size_t> bytes{0};
  std::atomic<std::size_t> yaml_errors{0};
  std::atomic<std::size_t> unreadable{0};
  std::atomic<std::size_t> nodes{0};  // keeps the parse results observable
};

std::size_t count_nodes(const GumboNode* node) {
  std::size_t n = 1;
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) n += count_nodes(static_cast<const GumboNode*>(children.data[i]));
  }
  return n;
}

void parse_one(const fs::path& path, bool use_gumbo, std::string& buffer, Totals& totals) {
  if (!read_all(path, buffer)) {
    ++totals.unreadable;
    return;
  }
  totals.bytes += buffer.size();
  const auto [yaml, body] = split(buffer);
  if (!yaml.empty()) {
    try {
      const YAML::Node root = YAML::Load(std::string(yaml));
      totals.nodes += root.size();
    } catch (const YAML::Exception&) {
      ++totals.yaml_errors;
    }
  }
  if (use_gumbo) {
    GumboOptions options = kGumboDefaultOptions;
    options.fragment_context = GUMBO_TAG_BODY;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    GumboOutput* output = gumbo_parse_with_options(&options, body.data(), body.size());
    totals.nodes += count_nodes(output->root);
    gumbo_destroy_output(&options, output);
  }
}

int usage() {
  std::fprintf(stderr, "usage: archive-lint-parse-bench [--jobs N] [--no-gumbo] [--json] PATHS...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned jobs = 0;
  bool use_gumbo = true;
  bool json = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if ((a == "--jobs" || a == "-j") && i + 1 < argc) {
      jobs = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a.rfind("--jobs=", 0) == 0) {
      jobs = static_cast<unsigned>(std::strtoul(argv[i] + 7, nullptr, 10));
    } else if (a == "--no-gumbo") {
      use_gumbo = false;
    } else if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return usage();
    } else {
      paths.emplace_back(a);
    }
  }
  if (paths.empty()) return usage();

  const auto started = std::chrono::steady_clock::now();
  const std::vector<fs::path> files = collect(paths);
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(1, files.size())));

  Totals totals;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    std::string buffer;
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= files.size()) break;
      parse_one(files[i], use_gumbo, buffer, totals);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < jobs; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double mb = static_cast<double>(totals.bytes.load()) / 1e6;

  if (json) {
    std::printf(
        "{\"files\": %zu, \"mb\": %.3f, \"seconds\": %.4f, \"jobs\": %u, \"gumbo\": %s, \"yaml_errors\": %zu, "
        "\"unreadable\": %zu}\n",
        files.size(), mb, seconds, jobs, use_gumbo ? "true" : "false", totals.yaml_errors.load(),
        totals.unreadable.load());
  } else {
    std::printf("files %zu  MB %.2f  wall %.3f s  (jobs %u, %s; %zu front matters did not parse)\n", files.size(), mb,
                seconds, jobs, use_gumbo ? "yaml-cpp + gumbo" : "yaml-cpp only", totals.yaml_errors.load());
  }
  return totals.unreadable.load() == 0 ? 0 : 1;
}
