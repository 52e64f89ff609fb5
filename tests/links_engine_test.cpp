// The link engine against a server the test starts on 127.0.0.1. Nothing here
// contacts any other address (the `.invalid` host fails in DNS). Every
// request has a short timeout and every loop is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "support.hpp"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "archive_lint/config.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/links.hpp"
#include "http_server.hpp"
#include "links/cache.hpp"
#include "links/engine.hpp"
#include "archive_lint/json_value.hpp"

namespace fs = std::filesystem;
using namespace al;
using namespace al::links;
using al::testing::TestHttpServer;

namespace {

EngineOptions test_options() {
  EngineOptions o;
  o.allow_private = true;  // the test server is on loopback
  o.timeout_ms = 1200;
  o.connect_timeout_ms = 1000;
  o.retries = 1;
  o.backoff_base_ms = 50;
  o.retry_after_max_ms = 3000;
  o.max_body_bytes = 32 * 1024;
  o.user_agent = "archive-lint-tests";
  return o;
}

LinkRuleSeverities all_link_rules() {
  LinkRuleSeverities s;
  for (const char* id : {"links/dead", "links/forbidden", "links/unreachable", "links/server-error",
                         "links/redirect-loop", "links/redirect", "links/blocked-address", "links/protocol-relative"})
    s.rules.emplace_back(id, Severity::error);
  return s;
}

// One document with one link per line.
DocumentLinks doc_with(const std::vector<std::string>& urls, const std::string& path = "posts/a.md") {
  DocumentLinks d;
  d.path = path;
  std::uint32_t line = 1;
  for (const auto& u : urls) {
    LinkOccurrence o;
    o.url = u;
    o.start.line = o.end.line = line++;
    o.start.column = 1;
    o.end.column = static_cast<std::uint32_t>(u.size() + 1);
    d.links.push_back(o);
  }
  return d;
}

// line -> rule ids found there
std::map<std::uint32_t, std::string> by_line(const std::vector<Diagnostic>& diags) {
  std::map<std::uint32_t, std::string> out;
  for (const auto& d : diags) out[d.start.line] += (out[d.start.line].empty() ? "" : ",") + d.rule_id;
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("Each server behaviour is classified right, absolute and protocol-relative", "[links][engine][network]") {
  TestHttpServer server;
  const int refused = al::testing::closed_loopback_port();
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  const std::string dead_host = "127.0.0.1:" + std::to_string(refused);
  // path -> expected rule ("" = alive, no finding)
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"//" + host + "/ok", ""},
      {"//" + host + "/redirect/301", "links/redirect"},
      {"//" + host + "/redirect/302", ""},
      {"//" + host + "/slow/300", ""},
      {"//" + host + "/head405", ""},
      {"//" + host + "/retry-after/a", ""},
      {"//" + host + "/endless", ""},
      {"//" + host + "/status/404/x", "links/dead"},
      {"//" + host + "/status/410/x", "links/dead"},
      {"//" + host + "/status/500/x", "links/server-error"},
      {"//" + host + "/loop/a", "links/redirect-loop"},
      {"//" + host + "/hang", "links/unreachable"},
      {"//" + host + "/close", "links/unreachable"},
      {"//" + host + "/challenge", "links/forbidden"},
      {"//" + dead_host + "/x", "links/unreachable"},
      {"//archive-lint-test.invalid/x", "links/unreachable"},
  };
  std::vector<std::string> urls;
  for (const auto& [u, rule] : cases) urls.push_back(u);  // protocol-relative, lines 1..N
  for (const auto& [u, rule] : cases) {
    std::string absolute = "http:" + u;
    if (u.find("/retry-after/a") != std::string::npos) absolute = "http://" + host + "/retry-after/b";
    urls.push_back(absolute);  // absolute, lines N+1..2N
  }
  LinkSettings settings;
  settings.site_url = server.base();
  settings.protocol_relative = "http";
  settings.use_cache = false;
  settings.engine = test_options();
  std::vector<Diagnostic> out;
  std::vector<std::string> warnings;
  const auto started = std::chrono::steady_clock::now();
  const auto stats = run_link_pass({doc_with(urls)}, settings, all_link_rules(), true, out, warnings);
  const double took = seconds_since(started);
  CHECK(took < 15);
  CHECK(warnings.empty());
  CHECK(stats.occurrences == urls.size());
  const auto found = by_line(out);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const auto line = static_cast<std::uint32_t>(i + 1);
    const std::string& expected = cases[i % cases.size()].second;
    INFO(urls[i]);
    const auto it = found.find(line);
    CHECK((it == found.end() ? std::string() : it->second) == expected);
  }
  // Details that matter to the reader.
  for (const auto& d : out) {
    if (d.message.find("/redirect/301") != std::string::npos) {
      REQUIRE(d.fix);
      CHECK(d.fix->replacement == server.base() + "/ok");
    }
    if (d.message.find("/status/404/") != std::string::npos) CHECK(d.message.find("HTTP 404") != std::string::npos);
    if (d.message.find(dead_host) != std::string::npos) CHECK(d.message.find("refused") != std::string::npos);
    if (d.message.find(".invalid") != std::string::npos) CHECK(d.message.find("DNS") != std::string::npos);
    if (d.message.find("/hang") != std::string::npos) CHECK(d.message.find("timed out") != std::string::npos);
    if (d.message.find("/close") != std::string::npos) CHECK(d.message.find("without a response") != std::string::npos);
    if (d.message.find("/status/500/") != std::string::npos) CHECK(d.message.find("after 1 retries") != std::string::npos);
  }
  // HEAD 405 fell back to GET.
  const auto methods = server.methods_for("/head405");
  CHECK(std::find(methods.begin(), methods.end(), "GET") != methods.end());
  // Retry-After: 1 was honoured: the second request came at least ~1 s after the 429.
  for (const char* path : {"/retry-after/a", "/retry-after/b"}) {
    const auto times = server.times_for(path);
    REQUIRE(times.size() == 2);
    CHECK(std::chrono::duration<double>(times[1] - times[0]).count() >= 0.9);
  }
  // The endless body was cut at the cap: the server could not push it all.
  CHECK(server.endless_bytes_sent() < 64u * 1024 * 1024);
}

TEST_CASE("Retry-After as an HTTP date slows that host", "[links][engine][network]") {
  TestHttpServer server;
  EngineOptions o = test_options();
  const auto started = std::chrono::steady_clock::now();
  const auto results = check_urls({server.base() + "/retry-date/x", server.base() + "/ok/other"}, o);
  REQUIRE(results.size() == 2);
  CHECK(results[0].outcome == Outcome::ok);
  CHECK(results[1].outcome == Outcome::ok);
  const auto times = server.times_for("/retry-date/x");
  REQUIRE(times.size() == 2);
  // The date has one-second resolution: at least ~1 s, at most the cap.
  const double gap = std::chrono::duration<double>(times[1] - times[0]).count();
  CHECK(gap >= 0.9);
  CHECK(gap <= 3.5);
  CHECK(seconds_since(started) < 6);
}

TEST_CASE("An endless body is alive and read no further than the cap", "[links][engine][network]") {
  TestHttpServer server;
  EngineOptions o = test_options();
  o.max_body_bytes = 20000;
  const auto results = check_urls({server.base() + "/endless"}, o);
  REQUIRE(results.size() == 1);
  CHECK(results[0].outcome == Outcome::ok);
  CHECK(results[0].status == 200);
  // One write callback may overshoot the cap by at most one libcurl buffer (16 KiB).
  CHECK(results[0].body_bytes <= o.max_body_bytes + 16384);
  CHECK(results[0].body_bytes > 0);
}

TEST_CASE("The per-host limit holds as seen by the server", "[links][engine][network]") {
  TestHttpServer server;
  EngineOptions o = test_options();
  o.max_per_host = 3;
  o.max_concurrency = 64;
  std::vector<std::string> urls;
  for (int i = 0; i < 24; ++i) urls.push_back(server.base() + "/delay/120/" + std::to_string(i));
  const auto started = std::chrono::steady_clock::now();
  const auto results = check_urls(urls, o);
  const double took = seconds_since(started);
  for (const auto& r : results) CHECK(r.outcome == Outcome::ok);
  CHECK(server.requests() == 24);
  CHECK(server.max_in_flight() <= 3);
  CHECK(server.max_in_flight() >= 2);
  CHECK(took >= 0.12 * 24 / 3 * 0.9);  // it really was limited
  CHECK(took < 10);
}

TEST_CASE("Connections are kept alive and handles reused, one request after another", "[links][engine][network]") {
  TestHttpServer server(/*keep_alive=*/true);
  EngineOptions o = test_options();
  o.max_concurrency = 1;  // one transfer at a time: each one reuses what the one before left
  const std::string refused = "http://127.0.0.1:" + std::to_string(al::testing::closed_loopback_port()) + "/x";
  EngineStats stats;
  const auto results = check_urls({server.base() + "/head405", server.base() + "/ok/after-get", refused,
                                   server.base() + "/status/404", server.base() + "/redirect/301",
                                   server.base() + "/ok/last"},
                                  o, {}, &stats);
  REQUIRE(results.size() == 6);
  CHECK(results[0].outcome == Outcome::ok);
  CHECK(results[1].outcome == Outcome::ok);
  CHECK(results[2].outcome == Outcome::unreachable);
  CHECK(results[2].detail == "connection refused");
  CHECK(results[3].outcome == Outcome::dead);
  CHECK(results[3].status == 404);
  CHECK(results[4].outcome == Outcome::redirect);
  CHECK(results[5].outcome == Outcome::ok);
  // HEAD, the GET fallback, then HEAD again: the method is set for each request.
  CHECK(server.methods_for("/head405") == std::vector<std::string>{"HEAD", "GET"});
  CHECK(server.methods_for("/ok/after-get") == std::vector<std::string>{"HEAD"});
  CHECK(server.methods_for("/status/404") == std::vector<std::string>{"HEAD"});
  CHECK(server.methods_for("/ok/last") == std::vector<std::string>{"HEAD"});
  // Seven requests (the redirect's hop included), one connection. The engine also counts
  // the two attempts on the refused port (one retry), and agrees on the connections.
  CHECK(server.requests() == 7);
  CHECK(server.connections() == 1);
  CHECK(stats.requests == 9);
  CHECK(stats.connections == 1);

  SECTION("after a server hung up without answering, the next request still gets its own answer") {
    const auto after = check_urls({server.base() + "/close", server.base() + "/ok/after-close"}, o);
    REQUIRE(after.size() == 2);
    CHECK(after[0].outcome == Outcome::unreachable);
    CHECK(after[0].detail == "the server closed the connection without a response");
    CHECK(after[1].outcome == Outcome::ok);
    CHECK(server.methods_for("/ok/after-close") == std::vector<std::string>{"HEAD"});
  }
}

TEST_CASE("The global limit holds without busy waiting", "[links][engine][network]") {
  TestHttpServer server;
  EngineOptions o = test_options();
  o.max_per_host = 16;
  o.max_concurrency = 2;
  std::vector<std::string> urls;
  for (int i = 0; i < 10; ++i) urls.push_back(server.base() + "/delay/150/" + std::to_string(i));
  rusage before{};
  ::getrusage(RUSAGE_THREAD, &before);
  const auto started = std::chrono::steady_clock::now();
  const auto results = check_urls(urls, o);
  const double wall = seconds_since(started);
  rusage after{};
  ::getrusage(RUSAGE_THREAD, &after);
  auto cpu = [](const rusage& r) {
    return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  };
  for (const auto& r : results) CHECK(r.outcome == Outcome::ok);
  CHECK(server.max_in_flight() <= 2);
  CHECK(wall >= 0.15 * 5 * 0.9);
  CHECK(cpu(after) - cpu(before) < wall * 0.5);  // waiting, not spinning
}

TEST_CASE("A minimum interval per host spaces requests", "[links][engine][network]") {
  TestHttpServer server;
  EngineOptions o = test_options();
  o.min_interval_ms = 100;
  std::vector<std::string> urls;
  for (int i = 0; i < 5; ++i) urls.push_back(server.base() + "/ok/" + std::to_string(i));
  const auto started = std::chrono::steady_clock::now();
  check_urls(urls, o);
  CHECK(seconds_since(started) >= 0.4 * 0.9);
}

TEST_CASE("Blocked addresses get no request at all", "[links][engine][ssrf][network]") {
  TestHttpServer server;
  LinkSettings settings;
  settings.site_url = "https://127.0.0.1:" + std::to_string(server.port());
  settings.use_cache = false;
  settings.engine = test_options();
  settings.engine.allow_private = false;  // the default
  const std::string port = std::to_string(server.port());
  const std::vector<std::string> urls = {
      "http://127.0.0.1:" + port + "/ok",       // literal IPv4 loopback
      "http://localhost:" + port + "/ok",       // a name that resolves to loopback: caught at connect time
      "http://[::1]:" + port + "/ok",           // literal IPv6 loopback
      "http://169.254.169.254/latest/meta-data/",  // cloud metadata: refused before any packet
      "http://10.0.0.1/", "http://100.64.0.1/", "http://[fe80::1]/", "http://0.0.0.0:" + port + "/ok",
      "http://[::ffff:0:127.0.0.1]:" + port + "/ok",  // IPv4-translated loopback
      "http://[2002:7f00:1::1]:" + port + "/ok",      // 6to4 of 127.0.0.1
      "/ok",  // site-relative against a loopback site.url
  };
  std::vector<Diagnostic> out;
  std::vector<std::string> warnings;
  run_link_pass({doc_with(urls)}, settings, all_link_rules(), true, out, warnings);
  CHECK(server.requests() == 0);
  const auto found = by_line(out);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    INFO(urls[i]);
    const auto it = found.find(static_cast<std::uint32_t>(i + 1));
    REQUIRE(it != found.end());
    CHECK(it->second == "links/blocked-address");
  }
  // Lifting the block reaches the server.
  settings.engine.allow_private = true;
  out.clear();
  run_link_pass({doc_with({"http://localhost:" + port + "/ok"})}, settings, all_link_rules(), true, out, warnings);
  CHECK(out.empty());
  CHECK(server.requests() >= 1);
}

TEST_CASE("A redirect from a public first hop to a private address is refused", "[links][engine][ssrf][network]") {
  // Server `first` stands in for a public host: the policy is told to let
  // 127.0.0.1 on its port through, and nothing else. `inner` is the private
  // target. Both are on loopback; no packet leaves 127.0.0.0/8.
  TestHttpServer first;
  TestHttpServer inner;
  EngineOptions o = test_options();
  o.allow_private = false;
  const int public_port = first.port();
  o.treat_as_public = [public_port](const sockaddr* address) {
    if (address->sa_family != AF_INET) return false;
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return ntohl(v4.sin_addr.s_addr) == INADDR_LOOPBACK && ntohs(v4.sin_port) == public_port;
  };
  const std::string base = "http://localhost:" + std::to_string(public_port);
  const auto results = check_urls({base + "/ok", base + "/to-port/" + std::to_string(inner.port()), base + "/to-private"}, o);
  REQUIRE(results.size() == 3);
  CHECK(results[0].outcome == Outcome::ok);  // the first hop is public: reached
  // A name that resolves to loopback, caught when the second hop connects.
  CHECK(results[1].outcome == Outcome::blocked);
  INFO(results[1].detail);
  CHECK(results[1].detail.find("is a loopback") != std::string::npos);
  // A private literal, caught before the second hop is even queued.
  CHECK(results[2].outcome == Outcome::blocked);
  CHECK(results[2].detail.find("redirects to 10.0.0.1, a private") != std::string::npos);
  CHECK(first.requests_for("/to-port/" + std::to_string(inner.port())) >= 1);
  CHECK(first.requests_for("/to-private") >= 1);
  CHECK(inner.requests() == 0);
}

TEST_CASE("A cache entry with an out-of-range time is checked again, not fresh forever", "[links][cache][network][hostile]") {
  TestHttpServer server;
  al::test::TempDir dir;
  LinkSettings settings;
  settings.site_url = server.base();
  settings.cache_file = dir / "links-cache.json";
  settings.engine = test_options();
  const std::string url = server.base() + "/ok/1";
  for (const char* checked_at : {"-9223372036854775808", "9223372036854775807", "9223372036854775808", "1e30"}) {
    INFO(checked_at);
    al::test::spit(settings.cache_file, std::string(R"({"version": 1, "entries": {")") + url +
                                            R"(": {"outcome": "ok", "status": 200, "checked_at": )" + checked_at +
                                            R"(, "first_failure": 0, "failures": 0, "final_url": "x"}}})");
    std::vector<Diagnostic> out;
    std::vector<std::string> warnings;
    const auto stats = run_link_pass({doc_with({url})}, settings, all_link_rules(), true, out, warnings);
    CHECK(stats.from_cache == 0);
    CHECK(stats.fetched == 1);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("\"checked_at\" that is not a whole number") != std::string::npos);
  }
}

TEST_CASE("The cache is reused while fresh, expires, keeps failure history and survives corruption",
          "[links][cache][network]") {
  TestHttpServer server;
  const fs::path dir = al::test::scratch_dir("cache-engine");
  LinkSettings settings;
  settings.site_url = server.base();
  settings.use_cache = true;
  settings.cache_file = dir / "sub" / "links-cache.json";
  settings.engine = test_options();
  settings.engine.retries = 0;
  const std::vector<std::string> urls = {server.base() + "/ok/1", server.base() + "/ok/2",
                                         server.base() + "/status/404/gone"};
  auto run = [&](std::vector<std::string>& warnings) {
    std::vector<Diagnostic> out;
    const auto stats = run_link_pass({doc_with(urls)}, settings, all_link_rules(), true, out, warnings);
    return std::make_pair(stats, out);
  };
  std::vector<std::string> warnings;
  auto [first, out1] = run(warnings);
  CHECK(warnings.empty());
  CHECK(first.fetched == 3);
  CHECK(first.from_cache == 0);
  REQUIRE(out1.size() == 1);
  CHECK(out1[0].message.find("since") == std::string::npos);
  REQUIRE(fs::exists(settings.cache_file));
  const int after_first = server.requests();

  // Fresh successes are reused; the failure is rechecked and its history grows.
  auto [second, out2] = run(warnings);
  CHECK(second.from_cache == 2);
  CHECK(second.fetched == 1);
  CHECK(server.requests_for("/ok/1") == 1);
  CHECK(server.requests_for("/status/404/gone") == 2);
  CHECK(server.requests() == after_first + 1);
  REQUIRE(out2.size() == 1);
  CHECK(out2[0].message.find("dead since") != std::string::npos);
  CHECK(out2[0].message.find("(2 runs)") != std::string::npos);

  // Expiry: age the entries past cache_max_age and they are fetched again.
  {
    std::string error;
    auto text = read_file(settings.cache_file, error);
    REQUIRE(text);
    std::map<std::string, CacheEntry> entries;
    REQUIRE(LinkCache::deserialize(*text, entries, error));
    for (auto& [url, e] : entries) e.checked_at -= 2 * 86400;
    write_file_atomic(settings.cache_file, LinkCache::serialize(entries));
  }
  auto [third, out3] = run(warnings);
  CHECK(third.from_cache == 0);
  CHECK(third.fetched == 3);
  CHECK(server.requests_for("/ok/1") == 2);

  // A shorter max age expires them too.
  settings.cache_max_age_s = 0;
  auto [fourth, out4] = run(warnings);
  CHECK(fourth.from_cache == 0);
  settings.cache_max_age_s = 86400;

  // Corrupt and truncated caches: a warning, a full recheck, a rebuilt file.
  for (const std::string& garbage : {std::string("{\"version\": 1, \"entries\": {\"http://x\": {\"outc"),
                                    std::string("\x00\xff not json", 11), std::string("[]"),
                                    std::string("{\"version\": 99, \"entries\": {}}")}) {
    { std::ofstream(settings.cache_file, std::ios::binary | std::ios::trunc) << garbage; }
    warnings.clear();
    const int before = server.requests();
    auto [stats, out] = run(warnings);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("corrupt") != std::string::npos);
    CHECK(stats.fetched == 3);
    CHECK(server.requests() > before);
    CHECK(out.size() == 1);
    std::string error;
    std::map<std::string, CacheEntry> entries;
    CHECK(LinkCache::deserialize(*read_file(settings.cache_file, error), entries, error));
    CHECK(entries.size() == 3);
  }
  fs::remove_all(dir);
}

TEST_CASE("protocol_relative modes: both is alive if either works, error reports the style", "[links][network]") {
  TestHttpServer server;
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  LinkSettings settings;
  settings.site_url = server.base();
  settings.use_cache = false;
  settings.engine = test_options();
  settings.engine.retries = 0;
  std::vector<Diagnostic> out;
  std::vector<std::string> warnings;
  // https on a plain-HTTP server fails (TLS error); http works.
  settings.protocol_relative = "https";
  run_link_pass({doc_with({"//" + host + "/ok"})}, settings, all_link_rules(), true, out, warnings);
  REQUIRE(out.size() == 1);
  CHECK(out[0].rule_id == "links/unreachable");
  CHECK(out[0].message.find("checked as https://") != std::string::npos);
  out.clear();
  settings.protocol_relative = "both";
  run_link_pass({doc_with({"//" + host + "/ok"})}, settings, all_link_rules(), true, out, warnings);
  CHECK(out.empty());
  settings.protocol_relative = "error";
  run_link_pass({doc_with({"//" + host + "/ok"})}, settings, all_link_rules(), false, out, warnings);
  REQUIRE(out.size() == 1);
  CHECK(out[0].rule_id == "links/protocol-relative");
  REQUIRE(out[0].fix);
  CHECK(out[0].fix->replacement == "http:");
}

TEST_CASE("The protocol-relative fix goes before the '//', past spaces around the URL", "[links]") {
  const std::string text = "---\ntitle: x\n---\n<p><a href=\"  //finews.withounder.com/a.html \">x</a></p>\n";
  const Document doc = parse_document("2022-01-01-x.md", text);
  REQUIRE(doc.links.size() == 1);
  CHECK(text.substr(doc.links[0].begin, doc.links[0].end - doc.links[0].begin) == "//finews.withounder.com/a.html");
  DocumentLinks links;
  links.path = "x.md";
  for (const auto& l : doc.links) {
    LinkOccurrence o;
    o.url = l.url;
    o.start = doc.position(l.begin);
    o.end = doc.position(l.end);
    links.links.push_back(o);
  }
  LinkSettings settings;
  settings.protocol_relative = "error";
  std::vector<Diagnostic> out;
  std::vector<std::string> warnings;
  run_link_pass({links}, settings, all_link_rules(), false, out, warnings);
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].fix);
  CHECK(text.substr(out[0].fix->start_offset, 2) == "//");
  std::string fixed = text;
  fixed.insert(out[0].fix->start_offset, out[0].fix->replacement);
  CHECK(fixed.find("href=\"  https://finews.withounder.com/a.html \"") != std::string::npos);
}

TEST_CASE("Exclusions and remapped local files need no network", "[links]") {
  const fs::path dir = al::test::scratch_dir("remap");
  fs::create_directories(dir / "_site" / "category");
  { std::ofstream(dir / "_site" / "category" / "a.html") << "x"; }
  Config config = parse_config(R"(site: {url: "https://finews.withounder.com"}
links:
  exclude: ['^https://skip\.example/']
  remap:
    - pattern: '^https://finews\.withounder\.com/'
      file: '_site/'
)",
                               dir / ".archive-lint.yml");
  LinkSettings settings = load_link_settings(config);
  settings.use_cache = false;
  std::vector<Diagnostic> out;
  std::vector<std::string> warnings;
  run_link_pass({doc_with({"//finews.withounder.com/category/a.html", "/category/missing.html",
                           "https://skip.example/x", "https://finews.withounder.com/category/a.html?x=1"})},
                settings, all_link_rules(), true, out, warnings);
  REQUIRE(out.size() == 1);
  CHECK(out[0].start.line == 2);
  CHECK(out[0].rule_id == "links/dead");
  CHECK(out[0].message.find("_site/category/missing.html") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("archive-lint links over a gen-archive archive against a loopback server", "[links][cli][network]") {
  TestHttpServer server;
  const fs::path dir = al::test::scratch_dir("cli-links");
  al::test::generate_archive(dir, "--posts 60 --seed 5 --defect-rate 0 --link-base " + server.base());
  const fs::path report = dir / "report.json";
  // Every host but the loopback server: RE2 has no negative lookahead, so the
  // pattern spells out "not 127.0.0.1 followed by ':' or '/'".
  const std::string not_loopback =
      "^https?://([^1]|1[^2]|12[^7]|127[^.]|127\\.[^0]|127\\.0[^.]|127\\.0\\.[^0]|127\\.0\\.0[^.]|127\\.0\\.0\\.[^1]|"
      "127\\.0\\.0\\.1[^:/])";
  const std::string cmd = "cd " + dir.string() + " && " + ARCHIVE_LINT_BINARY +
                          " links _posts --allow-private --no-cache --timeout 2 --retries 0 --format json -o " +
                          report.string() + " --exclude '" + not_loopback + "' 2>" + (dir / "stderr.txt").string();
  const int rc = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(rc) == 1);
  std::string error;
  const auto text = read_file(report, error);
  REQUIRE(text);
  const al::JsonValue root = al::parse_json(*text);
  // Only the loopback server is contacted: every other host is excluded above.
  // Every source link names the status it gets; check each finding against it.
  std::map<std::string, std::string> expected_rule = {
      {"404", "links/dead"}, {"410", "links/dead"}, {"500", "links/server-error"}, {"301", "links/redirect"}};
  const al::JsonValue* diags = root.find("diagnostics");
  REQUIRE(diags);
  std::size_t checked = 0;
  for (const auto& d : diags->as_array()) {
    const std::string msg = d.get_string("message");
    const std::string rule = d.get_string("rule");
    const auto at = msg.find("/status/");
    REQUIRE(at != std::string::npos);
    const std::string code = msg.substr(at + 8, 3);
    INFO(msg);
    CHECK(expected_rule[code] == rule);
    ++checked;
  }
  // And every non-200 source link produced exactly one finding.
  std::size_t non_ok = 0;
  for (const auto& entry : fs::directory_iterator(dir / "_posts")) {
    const auto body = read_file(entry.path(), error);
    if (body && body->find("/status/200/") == std::string::npos) ++non_ok;
  }
  CHECK(checked == non_ok);
  CHECK(server.requests() >= 60);
  fs::remove_all(dir);
}

// GitHub follows an alert across edits by its primaryLocationLineHash, so
// findings of every stage carry one: per-file, archive (a duplicate pair) and
// network links (a dead link on a loopback server).
TEST_CASE("check --format sarif: every result of every stage has a primaryLocationLineHash", "[links][cli][network][sarif]") {
  TestHttpServer server;
  const fs::path dir = al::test::scratch_dir("line-hash-stages");
  const std::string front = "---\nlayout: post\ntitle: \"Same title\"\ndate: 2022-01-20 09:00:00 +0800\n---\n";
  al::test::spit(dir / ".archive-lint.yml", "");
  al::test::spit(dir / "_posts" / "2022-01-20-a.md", front + "Text with <b>bold\n\n[gone](" + server.base() + "/status/404/a)\n");
  al::test::spit(dir / "_posts" / "2022-01-20-b.md", front + "Other text.\n");
  const fs::path sarif = dir / "out.sarif";
  const std::string cmd = "cd " + dir.string() + " && " + ARCHIVE_LINT_BINARY +
                          " check _posts --allow-private --no-cache --timeout 2 --retries 0 --format sarif -o " +
                          sarif.string() + " 2>" + (dir / "stderr.txt").string();
  const int rc = std::system(cmd.c_str());
  INFO(al::test::slurp(dir / "stderr.txt"));
  CHECK(WEXITSTATUS(rc) == 1);
  const al::JsonValue root = al::parse_json(al::test::slurp(sarif));
  const auto& results = root.find("runs")->as_array().at(0).find("results")->as_array();
  std::set<std::string> rules;
  for (const auto& r : results) {
    const std::string rule = r.get_string("ruleId");
    INFO(rule);
    rules.insert(rule);
    const al::JsonValue* fingerprints = r.find("partialFingerprints");
    REQUIRE(fingerprints);
    CHECK_FALSE(fingerprints->get_string("primaryLocationLineHash").empty());
  }
  CHECK(rules.count("archive/duplicate-post") == 1);
  CHECK(rules.count("links/dead") == 1);
  CHECK(rules.count("html/unclosed-element") == 1);
  fs::remove_all(dir);
}
