// The link cache against hostile files (issue 14): its lock, its numbers and
// shapes, the bounds on an entry, pruning, and loading a large file.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "archive_lint/json.hpp"
#include "links/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using al::test::slurp;
using al::test::spit;
using al::test::TempDir;
using Catch::Contains;

TEST_CASE("link cache lock: no symbolic link, no special file", "[links][cache][hostile]") {
  TempDir tmp;
  const fs::path file = tmp / "c.json";
  fs::create_directory(tmp / "elsewhere");
  fs::create_symlink(tmp / "elsewhere/created", tmp / "c.json.lock");
  al::links::CacheLock lock(tmp / "c.json.lock", std::chrono::milliseconds(100), {});
  CHECK_FALSE(lock.ok());
  CHECK_THAT(lock.error(), Contains("the lock file is a symbolic link"));
  CHECK_FALSE(fs::exists(tmp / "elsewhere/created"));

  al::links::LinkCache cache(file);
  std::vector<std::string> warnings;
  cache.load(warnings);
  al::links::CheckResult ok;
  ok.outcome = al::links::Outcome::ok;
  cache.record("https://a/", ok, 1000);
  cache.save(warnings);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Contains("not saved") && Contains("symbolic link"));
  CHECK_FALSE(fs::exists(tmp / "elsewhere/created"));

  fs::remove(tmp / "c.json.lock");
  REQUIRE(::mkfifo((tmp / "c.json.lock").c_str(), 0600) == 0);
  al::links::CacheLock fifo(tmp / "c.json.lock", std::chrono::milliseconds(100), {});
  CHECK_FALSE(fifo.ok());
  CHECK_THAT(fifo.error(), Contains("not a regular file"));
}

TEST_CASE("link cache lock: the holder's pid is named, the wait is told and bounded", "[links][cache][hostile]") {
  TempDir tmp;
  const fs::path file = tmp / "c.json";
  std::vector<std::string> notices;
  al::links::CacheOptions options;
  options.lock_wait = std::chrono::milliseconds(300);
  options.notice = [&](const std::string& text) { notices.push_back(text); };
  al::links::CheckResult ok;
  ok.outcome = al::links::Outcome::ok;
  {
    al::links::CacheLock held(tmp / "c.json.lock", std::chrono::milliseconds(100), {});
    REQUIRE(held.ok());
    CHECK(slurp(tmp / "c.json.lock") == std::to_string(::getpid()) + "\n");

    al::links::LinkCache cache(file, options);
    std::vector<std::string> warnings;
    const auto started = std::chrono::steady_clock::now();
    cache.load(warnings);  // a reader takes no lock: no wait at all
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(200));
    cache.record("https://a/", ok, 1000);
    cache.save(warnings);
    REQUIRE(notices.size() == 1);
    CHECK_THAT(notices[0], Contains("c.json.lock is locked by another archive-lint run (pid " +
                                    std::to_string(::getpid()) + "); waiting up to 0.3 s"));
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("not saved") && Contains("for more than 0.3 s"));
    CHECK_FALSE(fs::exists(file));
  }
  CHECK(slurp(tmp / "c.json.lock").empty());  // released: nobody named

  // Released while the other run waits: it saves.
  notices.clear();
  options.lock_wait = std::chrono::milliseconds(5000);
  auto held = std::make_unique<al::links::CacheLock>(tmp / "c.json.lock", std::chrono::milliseconds(100),
                                                     al::links::CacheLock::Notice{});
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // past the 250 ms said in silence
    held.reset();
  });
  al::links::LinkCache cache(file, options);
  std::vector<std::string> warnings;
  cache.load(warnings);
  cache.record("https://a/", ok, 1000);
  cache.save(warnings);
  release.join();
  CHECK(warnings.empty());
  CHECK(notices.size() == 1);
  CHECK(fs::exists(file));
}

namespace {

// A cache file with one good entry and one entry made of `bad_fields`.
std::string cache_with(const std::string& bad_url, const std::string& bad_fields) {
  return R"({"version": 1, "entries": {
  "https://good.example/": {"outcome": "ok", "status": 200, "checked_at": 1000, "first_failure": 0, "failures": 0,
                            "final_url": "https://good.example/"},
  )" + al::json_escape(bad_url) + ": {" + bad_fields + "}}}\n";
}

}  // namespace

TEST_CASE("link cache: out-of-range numbers and wrong shapes are corruption, warned once", "[links][cache][hostile]") {
  const std::string ok = R"("outcome": "ok", "status": 200, "final_url": "https://bad.example/", )";
  struct Row {
    std::string fields;
    std::string problem;
  };
  const std::vector<Row> rows = {
      {ok + R"("checked_at": -9223372036854775808, "failures": 0)", "\"checked_at\" that is not a whole number"},
      {ok + R"("checked_at": 9223372036854775808, "failures": 0)", "\"checked_at\" that is not a whole number"},
      {ok + R"("checked_at": 18446744073709551616, "failures": 0)", "\"checked_at\" that is not a whole number"},
      {ok + R"("checked_at": 1e300, "failures": 0)", "\"checked_at\" that is not a whole number"},
      {ok + R"("checked_at": 1.5, "failures": 0)", "\"checked_at\" that is not a whole number"},
      {ok + R"("checked_at": "1000", "failures": 0)", "\"checked_at\" that is not a whole number"},
      {ok + R"("checked_at": 1000, "failures": 2147483647)", "\"failures\" that is not a whole number from 0 to 10000000"},
      {ok + R"("checked_at": 1000, "first_failure": -1)", "\"first_failure\" that is not a whole number"},
      {ok + R"("checked_at": 1000, "used_at": 1e19)", "\"used_at\" that is not a whole number"},
      {R"("outcome": "ok", "status": "200", "checked_at": 1000)", "\"status\" that is not a whole number from 0 to 999"},
      {R"("outcome": "ok", "status": 200, "status": 404, "checked_at": 1000)", "has \"status\" twice"},
      {R"("outcome": 1, "checked_at": 1000)", "has no valid \"outcome\""},
      {R"("outcome": "fine", "checked_at": 1000)", "has no valid \"outcome\""},
      {R"("outcome": "ok")", "has no \"checked_at\""},
      {R"("outcome": "ok", "checked_at": 1000, "final_url": ["x"])", "\"final_url\" that is not a string"},
      {R"("outcome": "ok", "checked_at": 1000, "detail": ")" + std::string(3000, 'd') + "\"",
       "\"detail\" longer than 2048 bytes"},
      {R"("outcome": "ok", "checked_at": 1000, "redirect_to": ")" + std::string(9000, 'r') + "\"",
       "\"redirect_to\" longer than 8192 bytes"},
  };
  TempDir tmp;
  const fs::path file = tmp / "c.json";
  for (const auto& row : rows) {
    INFO(row.fields.substr(0, 200));
    spit(file, cache_with("https://bad.example/", row.fields));
    al::links::LinkCache cache(file);
    std::vector<std::string> warnings;
    cache.load(warnings);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains(file.string()) && Contains("1 problem ignored") &&
                                Contains("the entry for \"https://bad.example/\" ") && Contains(row.problem));
    CHECK(cache.find("https://bad.example/") == nullptr);
    CHECK(cache.find("https://good.example/") != nullptr);
  }
}

TEST_CASE("link cache: duplicate keys, a BOM, long URLs and bad run records are warned about", "[links][cache][hostile]") {
  TempDir tmp;
  const fs::path file = tmp / "c.json";
  auto load = [&](const std::string& text) {
    spit(file, text);
    auto cache = std::make_unique<al::links::LinkCache>(file);
    std::vector<std::string> warnings;
    cache->load(warnings);
    return std::make_pair(std::move(cache), warnings);
  };
  const std::string entry = R"({"outcome": "ok", "status": 200, "checked_at": 1000})";
  {
    auto [cache, warnings] = load(R"({"version": 1, "entries": {"https://a/": )" + entry + R"(, "https://b/": )" + entry +
                                  R"(, "https://a/": )" + entry + "}}");
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("the entry for \"https://a/\" appears twice"));
    CHECK(cache->find("https://a/") == nullptr);  // which copy is right is unknown: checked again
    CHECK(cache->find("https://b/") != nullptr);
  }
  {
    auto [cache, warnings] = load("\xEF\xBB\xBF{\"version\": 1, \"entries\": {\"https://a/\": " + entry + "}}");
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("starts with a byte-order mark"));
    CHECK(cache->find("https://a/") != nullptr);
  }
  {
    const std::string long_url = "https://a/" + std::string(9000, 'x');
    auto [cache, warnings] = load(R"({"version": 1, "entries": {")" + long_url + "\": " + entry +
                                  R"(}, "runs": [{"at": -5}, {"at": 10, "dead": 1e40}, {"at": 20}]})");
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("3 problems ignored") && Contains("a URL that is empty or longer than 8192") &&
                                Contains("no valid \"at\" time") && Contains("\"dead\" that is not a whole number"));
    CHECK_THAT(warnings[0], !Contains(std::string(200, 'x')));  // the URL is cut short in the message
    CHECK(cache->entries().empty());
    REQUIRE(cache->runs().size() == 1);
    CHECK(cache->runs()[0].at == 20);
  }
  {
    auto [cache, warnings] = load(R"({"version": 1, "entries": {}, "entries": {"https://a/": )" + entry + "}}");
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("is corrupt (the top level has \"entries\" twice)"));
  }
  // The next save writes the file without what was wrong.
  auto [cache, warnings] = load("\xEF\xBB\xBF{\"version\": 1, \"entries\": {\"https://a/\": " + entry +
                                ", \"https://b/\": {\"outcome\": \"ok\", \"checked_at\": 1e300}}}");
  REQUIRE(warnings.size() == 1);
  cache->record_run({2000, 1, 0, 0, 0, 0, 0});
  cache->save(warnings);
  REQUIRE(warnings.size() == 1);
  const std::string saved = slurp(file);
  CHECK(saved.substr(0, 3) != "\xEF\xBB\xBF");
  CHECK(saved.find("https://b/") == std::string::npos);
  al::links::LinkCache again(file);
  warnings.clear();
  again.load(warnings);
  CHECK(warnings.empty());
  CHECK(again.find("https://a/") != nullptr);
}

TEST_CASE("link cache: what record() keeps is always readable back", "[links][cache][hostile]") {
  TempDir tmp;
  const fs::path file = tmp / "c.json";
  al::links::LinkCache cache(file);
  std::vector<std::string> warnings;
  cache.load(warnings);
  al::links::CheckResult r;
  r.outcome = al::links::Outcome::redirect_loop;
  r.detail = "redirect loop: " + std::string(5000, 'x') + "\xE4\xB8\xAD";
  cache.record("https://loop/", r, 1000);
  al::links::CheckResult long_final;
  long_final.outcome = al::links::Outcome::ok;
  long_final.final_url = "https://a/" + std::string(9000, 'y');
  cache.record("https://redirects-far/", long_final, 1000);
  CHECK(cache.find("https://redirects-far/") == nullptr);  // not kept, so checked again next run
  cache.record("https://" + std::string(9000, 'z') + "/", long_final, 1000);
  for (int run = 0; run < 3; ++run) cache.record("https://loop/", r, 1000 + run);
  cache.save(warnings);
  CHECK(warnings.empty());
  al::links::LinkCache again(file);
  again.load(warnings);
  CHECK(warnings.empty());
  REQUIRE(again.entries().size() == 1);
  const auto* e = again.find("https://loop/");
  REQUIRE(e);
  CHECK(e->detail.size() <= al::links::kMaxCachedDetailBytes);
  CHECK(e->detail.substr(e->detail.size() - 3) == "...");
  CHECK(e->failures == 4);
}

TEST_CASE("link cache: entries no run used for cache_prune_after are dropped on save", "[links][cache][hostile]") {
  TempDir tmp;
  const fs::path file = tmp / "c.json";
  const std::int64_t now = 1'800'000'000;
  const std::int64_t day = 86400;
  auto entry = [](std::int64_t checked, std::int64_t used) {
    return fmt::format(R"({{"outcome": "ok", "status": 200, "checked_at": {}{}}})", checked,
                       used ? fmt::format(R"(, "used_at": {})", used) : std::string());
  };
  const std::string text = fmt::format(R"({{"version": 1, "entries": {{"https://gone/": {}, "https://used/": {},
     "https://recent/": {}, "https://touched/": {}}}}})",
                                       entry(now - 40 * day, 0), entry(now - 40 * day, now - 2 * day),
                                       entry(now - day, 0), entry(now - 40 * day, 0));
  for (const std::int64_t prune : {std::int64_t{30} * day, std::int64_t{0}}) {
    INFO(prune);
    spit(file, text);
    al::links::CacheOptions options;
    options.prune_after_s = prune;
    al::links::LinkCache cache(file, options);
    std::vector<std::string> warnings;
    cache.load(warnings);
    cache.touch("https://touched/", now);  // answered from the cache this run
    al::links::CheckResult ok;
    ok.outcome = al::links::Outcome::ok;
    cache.record("https://new/", ok, now);
    cache.save(warnings);
    CHECK(warnings.empty());
    al::links::LinkCache again(file);
    again.load(warnings);
    CHECK(warnings.empty());
    CHECK((again.find("https://gone/") == nullptr) == (prune > 0));
    for (const char* kept : {"https://used/", "https://recent/", "https://touched/", "https://new/"}) {
      INFO(kept);
      CHECK(again.find(kept) != nullptr);
    }
    CHECK(again.find("https://touched/")->used_at == now);
  }
}

TEST_CASE("link cache: loading streams the entries and a save reuses them", "[links][cache][hostile]") {
  // The streaming parser sees the same entries as the tree parser did, keys
  // with escapes included; a save after an untouched file keeps everything.
  TempDir tmp;
  const fs::path file = tmp / "c.json";
  spit(file, R"({"runs": [{"at": 5}], "entries": {"https://a/\u4e2d?q=\"x\"": {"outcome": "dead", "status": 404,
     "checked_at": 10, "first_failure": 3, "failures": 2, "final_url": "https://a/", "future_field": {"x": [1]}}},
     "version": 1, "later": true})");
  al::links::LinkCache cache(file);
  std::vector<std::string> warnings;
  cache.load(warnings);
  CHECK(warnings.empty());
  const auto* e = cache.find("https://a/\xE4\xB8\xAD?q=\"x\"");
  REQUIRE(e);
  CHECK(e->failures == 2);
  CHECK(e->first_failure == 3);
  REQUIRE(cache.runs().size() == 1);
  cache.record_run({20, 1, 1, 0, 0, 0, 0});
  cache.save(warnings);
  al::links::LinkCache again(file);
  again.load(warnings);
  CHECK(warnings.empty());
  CHECK(again.find("https://a/\xE4\xB8\xAD?q=\"x\"") != nullptr);
  CHECK(again.runs().size() == 2);
  // Truncated mid-entry: corrupt as a whole, nothing half-read is kept.
  spit(file, R"({"version": 1, "entries": {"https://a/": {"outcome": "ok", "checked_at": 1}, "https://b/": {"out)");
  al::links::LinkCache truncated(file);
  truncated.load(warnings);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Contains("is corrupt"));
  CHECK(truncated.entries().empty());
}
