#pragma once
// The bodies of the fuzz targets. fuzz/main.cpp turns each into a libFuzzer
// binary; tests/fuzz_regression_test.cpp replays the seed corpora and every
// saved crash through the same functions in the normal build.
//
// A target returns 0 for every input the library handles as promised: it
// swallows only the errors the entry point documents (ConfigError, the
// runtime_error of merge and --baseline). Anything else escapes -- an
// unexpected exception, a sanitizer report, or an InvariantError when the
// output breaks a promise (the SARIF is not JSON, a written cache does not
// read back) -- and libFuzzer records the input as a crash.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace al::fuzz {

struct InvariantError : std::logic_error {
  using std::logic_error::logic_error;
};

// One post, checked as `check --offline` does with `extends: news-archive`:
// the per-file checks, the archive stage, the offline link pass, then every
// output format (and the baseline), which must be valid where they are JSON.
int fuzz_check_post(const std::uint8_t* data, std::size_t size);
// `.archive-lint.yml` text: parse, instantiate the checks, read the link
// settings, and run the configured checks on two sample posts.
int fuzz_config(const std::uint8_t* data, std::size_t size);
// The link cache (.archive-lint/links-cache.json): read, write, read back,
// and render the dead-link reports from what it holds.
int fuzz_link_cache(const std::uint8_t* data, std::size_t size);
// The archive index (.archive-lint/index.tsv): read, write, read back, and run
// the archive checks over the posts it describes.
int fuzz_archive_index(const std::uint8_t* data, std::size_t size);
// The JSON readers behind `merge` and `--baseline`. NUL bytes (never valid
// in JSON text) split the input into up to three files to merge.
int fuzz_report_json(const std::uint8_t* data, std::size_t size);
// The URL parser on the input as one URL, and link extraction on the input
// as a post, through the offline link pass.
int fuzz_url_links(const std::uint8_t* data, std::size_t size);

// A Jekyll site's `_config.yml` (parse_jekyll_config: every problem a
// one-line `file:line:col` warning), the same bytes as a zoneinfo file and as
// Ruby plugin source, then Jekyll URLs of posts whose date, permalink, slug,
// categories and path are the input's lines: the URL starts with '/', the
// output file is relative and never climbs out of the destination.
int fuzz_jekyll_site(const std::uint8_t* data, std::size_t size);
using TargetFn = int (*)(const std::uint8_t* data, std::size_t size);
struct Target {
  std::string_view name;  // the directory under fuzz/corpus/ and tests/fuzz-regressions/
  TargetFn run;
};
const std::vector<Target>& targets();

}  // namespace al::fuzz
