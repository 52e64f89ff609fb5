// Config keys and flags with hostile values (issue 14): every mistake is a
// `file:line:col:` or `--flag:` message in words, in the same ranges.
#include <catch2/catch.hpp>

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/links.hpp"
#include "http_server.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using al::test::spit;
using al::test::TempDir;
using Catch::Contains;

TEST_CASE("config and flag mistakes are file:line:col or --flag messages in words", "[config][hostile]") {
  struct Row {
    std::string yaml;
    std::string where;  // line:col
    std::string words;
  };
  const std::vector<Row> rows = {
      {"links:\n  timeout: fast\n", "2:12", "links.timeout must be a number of seconds from 0.01 to 3600"},
      {"links:\n  timeout: 0.0001\n", "2:12", "links.timeout must be a number of seconds from 0.01 to 3600"},
      {"links:\n  timeout: 1e20\n", "2:12", "links.timeout must be a number of seconds"},
      {"links:\n  timeout: .inf\n", "2:12", "links.timeout must be a number of seconds"},
      {"links:\n  connect_timeout: [1]\n", "2:20", "links.connect_timeout must be a number of seconds"},
      {"links:\n  max_concurrency: {a: 1}\n", "2:20", "links.max_concurrency must be an integer from 1 to 1024"},
      {"links:\n  retries: 99999999999999999999\n", "2:12", "links.retries must be an integer from 0 to 10"},
      {"links:\n  allow_private: maybe\n", "2:18", "links.allow_private must be true or false"},
      {"links:\n  exclude: {a: 1}\n", "2:12", "links.exclude must be a list of strings"},
      {"links:\n  exclude:\n    - ok\n    - [nested]\n", "4:7", "links.exclude must be a list of strings"},
      {"links:\n  cache_max_age: 99999999999999999999d\n", "2:18",
       "links.cache_max_age must be a duration from 0 to 36500d"},
      {"links:\n  cache_max_age: -1\n", "2:18", "links.cache_max_age must be a duration"},
      {"links:\n  cache_max_age: [1d]\n", "2:18", "links.cache_max_age must be a duration"},
      {"links:\n  cache_prune_after: 12h\n", "2:22", "links.cache_prune_after must be a duration from 1d to 36500d"},
      {"links:\n  cache_prune_after: 30x\n", "2:22", "links.cache_prune_after must be a duration"},
      {"links:\n  cache_prune_after: 36501d\n", "2:22", "links.cache_prune_after must be a duration"},
      {"links:\n  user_agent: []\n", "2:15", "links.user_agent must be a string"},
      {"links:\n  contact: {a: b}\n", "2:12", "links.contact must be a string"},
      {"links:\n  accept: 200-300x\n", "2:11", "links.accept has '200-300x', not a status code"},
      {"links:\n  accept: [200, 99999999999999999999]\n", "2:17", "links.accept has '99999999999999999999'"},
      {"links:\n  protocol_relative: [https]\n", "2:22", "links.protocol_relative must be https, http, both or error"},
      {"links:\n  remap:\n    - {pattern: x}\n", "3:7", "links.remap rules need a 'pattern'"},
      {"links:\n  cache: [a]\n", "2:10", "links.cache must be a file path or false"},
      {"links:\n  nope: 1\n", "2:3", "unknown key 'links.nope'"},
  };
  const std::string file = "/project/.archive-lint.yml";
  for (const auto& row : rows) {
    INFO(row.yaml);
    try {
      (void)al::load_link_settings(al::parse_config(row.yaml, file));
      FAIL("accepted");
    } catch (const al::ConfigError& e) {
      const std::string what = e.what();
      CHECK_THAT(what, Catch::StartsWith(file + ":" + row.where + ": ") && Contains(row.words));
      for (const char* raw : {"stoll", "stol", "_M_range_check", "vector", "basic_string", "bad_"})
        CHECK_THAT(what, !Contains(raw));
    }
  }

  struct FlagRow {
    std::string args;
    std::string message;  // after "archive-lint: "
  };
  const std::vector<FlagRow> flags = {
      {"--shard 1/2abc", "--shard: takes I/N, two whole numbers with 1 <= I <= N <= 100000, got '1/2abc'"},
      {"--shard 2/2/2", "--shard: takes I/N"},
      {"--shard 0/2", "--shard: takes I/N"},
      {"--shard 3/2", "--shard: takes I/N"},
      {"--shard /2", "--shard: takes I/N"},
      {"--shard ' 1/2'", "--shard: takes I/N"},
      {"--shard 1/+2", "--shard: takes I/N"},
      {"--shard 1/99999999999", "--shard: takes I/N"},
      {"--timeout 0.0001", "--timeout: must be a number of seconds from 0.01 to 3600 (links.timeout), got 0.0001"},
      {"--timeout 1e20", "--timeout: must be a number of seconds from 0.01 to 3600"},
      {"--timeout 0", "--timeout: must be a number of seconds"},
      {"--timeout -3", "--timeout: must be a number of seconds"},
      {"--max-concurrency 5000", "--max-concurrency: must be an integer from 1 to 1024 (links.max_concurrency)"},
      {"--max-per-host 0", "--max-per-host: must be an integer from 1 to 256"},
      {"--retries 11", "--retries: must be an integer from 0 to 10"},
  };
  TempDir tmp;
  spit(tmp / "_posts/2022-01-20-a.md", "---\ntitle: a\n---\n<p>x</p>\n");
  for (const auto& row : flags) {
    INFO(row.args);
    const auto r = al::test::run(al::test::sh_quote(al::test::cli_binary().string()) + " check --offline " + row.args,
                                 tmp.path());
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("archive-lint: " + row.message));
  }
}

TEST_CASE("config: cache_prune_after is read; the CLI and the config share one timeout range", "[config][hostile]") {
  const auto s = al::load_link_settings(al::parse_config("links:\n  cache_prune_after: 45d\n", "/p/.archive-lint.yml"));
  CHECK(s.cache_prune_after_s == 45 * 86400);
  CHECK(al::load_link_settings(al::parse_config("", "/p/x.yml")).cache_prune_after_s == 30 * 86400);
  al::LinkOverrides o;
  for (const double bad : {0.0001, 1e20, 3600.5, -1.0, std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()}) {
    INFO(bad);
    o.timeout = bad;
    CHECK_THROWS_WITH(al::load_link_settings(al::parse_config("", "/p/x.yml"), o), Contains("--timeout: must be"));
  }
  o.timeout = 0.01;
  CHECK(al::load_link_settings(al::parse_config("", "/p/x.yml"), o).engine.timeout_ms == 10);
  o.timeout = 3600;
  CHECK(al::load_link_settings(al::parse_config("", "/p/x.yml"), o).engine.timeout_ms == 3'600'000);
}

TEST_CASE("the link cache lives in the site root's .archive-lint/", "[config][links][hostile]") {
  TempDir tmp;
  // A Jekyll site without an .archive-lint.yml: the directory of _config.yml.
  spit(tmp / "site/_config.yml", "title: x\n");
  spit(tmp / "site/_posts/2022-01-20-a.md", "---\ntitle: a\n---\n");
  auto cache_for = [](const fs::path& start) {
    return al::load_link_settings(al::load_config(std::nullopt, start)).cache_file;
  };
  CHECK(cache_for(tmp / "site/_posts") == tmp / "site/.archive-lint/links-cache.json");
  CHECK(cache_for(tmp / "site") == tmp / "site/.archive-lint/links-cache.json");
  // Neither config nor _config.yml: the PATH argument.
  spit(tmp / "plain/posts/2022-01-20-a.md", "---\ntitle: a\n---\n");
  CHECK(cache_for(tmp / "plain/posts") == tmp / "plain/posts/.archive-lint/links-cache.json");
  // A config file: its directory, wherever _config.yml is.
  spit(tmp / "site/_posts/.archive-lint.yml", "links:\n  cache_max_age: 1d\n");
  CHECK(cache_for(tmp / "site/_posts") == tmp / "site/_posts/.archive-lint/links-cache.json");

  // The CLI, run from elsewhere, writes it there.
  fs::remove(tmp / "site/_posts/.archive-lint.yml");
  spit(tmp / "site/_posts/2022-01-20-a.md", "---\ntitle: a\n---\n<a href=\"http://127.0.0.1:" +
                                               std::to_string(al::testing::closed_loopback_port()) + "/x\">x</a>\n");
  const auto r = al::test::run(al::test::sh_quote(al::test::cli_binary().string()) +
                                   " links --allow-private --timeout 1 --retries 0 site/_posts",
                               tmp.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code != 2);
  CHECK(fs::exists(tmp / "site/.archive-lint/links-cache.json"));
  CHECK_FALSE(fs::exists(tmp / "site/_posts/.archive-lint"));
  CHECK_FALSE(fs::exists(tmp / ".archive-lint"));
}

TEST_CASE("one typed reader: a wrong type reads the same in rule options, links and attribution", "[config][hostile]") {
  const std::string file = "/project/.archive-lint.yml";
  auto message = [&](const std::string& yaml) -> std::string {
    try {
      const al::Config config = al::parse_config(yaml, file);
      (void)al::instantiate_checks(config);
      (void)al::load_link_settings(config);
    } catch (const al::ConfigError& e) {
      return e.what();
    }
    return "accepted";
  };
  CHECK(message("rules:\n  jekyll/future-date:\n    future: maybe\n") ==
        file + ":3:13: rule 'jekyll/future-date': option 'future' must be true or false");
  CHECK(message("links:\n  allow_private: maybe\n") == file + ":2:18: links.allow_private must be true or false");
  CHECK(message("attribution:\n  require_source_link: maybe\n") ==
        file + ":2:24: 'attribution.require_source_link' must be true or false");
  CHECK(message("rules:\n  archive/singleton-category:\n    min_posts: [1]\n") ==
        file + ":3:16: rule 'archive/singleton-category': option 'min_posts' must be an integer");
  CHECK(message("attribution:\n  marker:\n    pattern: '(?<source>x)'\n    nope: 1\n") ==
        file + ":4:5: unknown key 'attribution.marker.nope' (known: count, element, pattern, position)");
}
