#include "support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "archive_lint/io.hpp"

namespace al::test {

fs::path scratch_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("archive-lint-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path candidate = fs::temp_directory_path() / ("archive-lint-test-" + std::to_string(rd()));
    if (fs::create_directory(candidate)) {
      path_ = fs::canonical(candidate);
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string slurp(const fs::path& path) {
  std::string error;
  auto text = read_file(path, error);
  if (!text) throw std::runtime_error(path.string() + ": " + error);
  return *text;
}

void spit(const fs::path& path, const std::string& content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

const std::vector<ActiveCheck>& news_archive_checks() {
  static const std::vector<ActiveCheck> checks = [] {
    const Config config = parse_config("extends: news-archive\n", "/nonexistent/.archive-lint.yml");
    return instantiate_checks(config);
  }();
  return checks;
}

std::vector<Diagnostic> lint(const Document& doc) {
  std::vector<Diagnostic> out;
  check_document(doc, news_archive_checks(), out);
  return out;
}

std::vector<Diagnostic> lint_text(const std::string& display_path, const std::string& bytes) {
  return lint(parse_document(display_path, bytes));
}

std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

RunOutput run(const std::string& command, const fs::path& cwd) {
  static int counter = 0;
  const fs::path err_file = fs::temp_directory_path() /
                            ("archive-lint-test-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  const std::string full = "cd " + sh_quote(cwd.string()) + " && " + command + " 2>" + sh_quote(err_file.string());
  RunOutput result;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::error_code ec;
  if (fs::exists(err_file, ec)) {
    result.err = slurp(err_file);
    fs::remove(err_file, ec);
  }
  return result;
}

std::vector<ManifestRow> read_manifest(const fs::path& file) {
  std::vector<ManifestRow> rows;
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot open the manifest");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    ManifestRow r;
    std::string first, last;
    std::getline(ss, r.file, '\t');
    std::getline(ss, r.family, '\t');
    std::getline(ss, r.kind, '\t');
    std::getline(ss, first, '\t');
    std::getline(ss, last, '\t');
    r.first_line = static_cast<std::uint32_t>(std::stoul(first));
    r.last_line = static_cast<std::uint32_t>(std::stoul(last));
    rows.push_back(r);
  }
  return rows;
}

std::map<std::string, ManifestRow> manifest_by_file(const std::vector<ManifestRow>& rows) {
  std::map<std::string, ManifestRow> out;
  for (const auto& row : rows) out[row.file] = row;
  return out;
}

std::vector<ManifestRow> generate_archive(const fs::path& out, const std::string& arguments) {
  const RunOutput gen = run("python3 " + sh_quote(gen_archive_tool().string()) + " " + sh_quote(out.string()) + " " + arguments,
                            fs::temp_directory_path());
  if (gen.exit_code != 0)
    throw std::runtime_error("bench/gen-archive " + arguments + " failed (exit " + std::to_string(gen.exit_code) + "): " + gen.err);
  return read_manifest(out / "manifest.tsv");
}

std::vector<std::string> gen_archive_kinds(const std::string& family) {
  const RunOutput list = run("python3 " + sh_quote(gen_archive_tool().string()) + " --list-kinds", fs::temp_directory_path());
  if (list.exit_code != 0) throw std::runtime_error("bench/gen-archive --list-kinds failed: " + list.err);
  std::vector<std::string> kinds;
  std::istringstream lines(list.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos && line.substr(0, tab) == family) kinds.push_back(line.substr(tab + 1));
  }
  return kinds;
}

PipelineResult lint_site_offline(const fs::path& root, const std::vector<std::string>& paths,
                                 const std::string& config_text, unsigned jobs) {
  spit(root / ".archive-lint.yml", config_text);
  PipelineOptions options;
  options.paths = paths;
  options.config = (root / ".archive-lint.yml").string();
  options.jobs = jobs;
  options.offline = true;
  return run_pipeline(options);
}

bool is_good_fixture_name(const std::string& name) {
  std::size_t i = 0;
  for (int field = 0; field < 3; ++field) {
    const std::size_t begin = i;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
    if (i == begin || i >= name.size() || name[i] != '-') {
      i = 0;
      break;
    }
    ++i;
  }
  return name.compare(i, 5, "good-") == 0;
}

}  // namespace al::test
