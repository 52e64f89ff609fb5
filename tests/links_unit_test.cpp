// Pure parts of the link checker: URL parsing, the address policy, the JSON
// reader, the cache format and links/malformed. No network.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

#include "support.hpp"
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "archive_lint/config.hpp"
#include "archive_lint/links.hpp"
#include "archive_lint/registry.hpp"
#include "archive_lint/runner.hpp"
#include "links/address_policy.hpp"
#include "links/cache.hpp"
#include "archive_lint/json_value.hpp"
#include "links/url.hpp"

namespace fs = std::filesystem;
using namespace al;
using namespace al::links;

namespace {

std::vector<Diagnostic> run_rule(const Document& doc, const std::string& id) {
  std::vector<Diagnostic> out;
  auto check = find_check(id)->make();
  Emitter emit(doc, id, Severity::error, out);
  check->check(doc, emit);
  return out;
}

}  // namespace

TEST_CASE("URL parser accepts valid http(s) URLs and normalises them", "[links][url]") {
  Url u;
  std::string error;
  REQUIRE(parse_http_url("HTTPS://Example.COM:443/a b?q=1#frag", u, error));
  CHECK(u.scheme == "https");
  CHECK(u.host == "example.com");
  CHECK(u.normalized() == "https://example.com/a%20b?q=1");
  REQUIRE(parse_http_url("http://user:pw@[2001:db8::1]:8080", u, error));
  CHECK(u.ipv6);
  CHECK(u.had_userinfo);
  CHECK(u.normalized() == "http://[2001:db8::1]:8080/");  // no credentials are ever sent
  CHECK(u.host_key() == "[2001:db8::1]:8080");
  REQUIRE(parse_http_url("http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW1", u, error));
  CHECK(u.effective_port() == 80);
  REQUIRE(parse_http_url("https://例子.测试/路径", u, error));
  CHECK(u.normalized().find("%E8") != std::string::npos);
}

TEST_CASE("URL parser rejects malformed URLs with a reason", "[links][url]") {
  const std::map<std::string, std::string> cases = {
      {"http://exa mple.com/a", "contains a space"},
      {"http://", "host is empty"},
      {"https:///path", "host is empty"},
      {"https://[::1/a", "no closing ']'"},
      {"https://[::zz]/a", "not a valid IPv6"},
      {"http://example.com:99999/", "port"},
      {"http://example.com:8a/", "port"},
      {"http://a..b/", "empty label"},
      {"http://999.1.1.1/", "not a valid IPv4"},
      {"http:example.com", "not followed by '//'"},
      {"http://exa<mple.com/", "contains '<'"},
  };
  for (const auto& [text, reason] : cases) {
    Url u;
    std::string error;
    INFO(text);
    CHECK_FALSE(parse_http_url(text, u, error));
    CHECK(error.find(reason) != std::string::npos);
  }
}

TEST_CASE("Links are classified by form", "[links][url]") {
  CHECK(classify_link("https://a/") == LinkForm::http);
  CHECK(classify_link("//finews.withounder.com/") == LinkForm::protocol_relative);
  CHECK(classify_link("/category/x.html") == LinkForm::site_relative);
  CHECK(classify_link("images/a.png") == LinkForm::relative);
  CHECK(classify_link("#top") == LinkForm::fragment);
  CHECK(classify_link("mailto:a@b") == LinkForm::other_scheme);
  CHECK(classify_link("http//www.example.com/a") == LinkForm::missing_colon);
  CHECK(classify_link("HTTPS//www.example.com/a") == LinkForm::missing_colon);
  Url site;
  std::string error;
  REQUIRE(parse_http_url("https://finews.withounder.com/blog/", site, error));
  CHECK(join_site_relative(site, "/a.html") == "https://finews.withounder.com/a.html");
}

TEST_CASE("Address policy blocks internal ranges and allows public ones", "[links][ssrf]") {
  for (const char* blocked : {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                              "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "::1", "::",
                              "fc00::1", "fd12:3456::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
                              "[::1]", "fe80::1%eth0",
                              // IPv4-translated (RFC 2765) and 6to4 carrying a private or loopback IPv4 address
                              "::ffff:0:127.0.0.1", "::ffff:0:10.1.2.3", "[::ffff:0:169.254.169.254]",
                              "2002:7f00:1::1", "2002:c0a8:101::", "2002:0a00:0001:1::5", "2002:a9fe:a9fe::"}) {
    INFO(blocked);
    CHECK(blocked_literal(blocked).has_value());
  }
  for (const char* open : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "example.com",
                           "::ffff:0:8.8.8.8", "2002:0808:0808::1", "2002:5db8:d822:1::"}) {
    INFO(open);
    CHECK_FALSE(blocked_literal(open).has_value());
  }
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  ::inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr);
  const auto why = blocked_reason(reinterpret_cast<const sockaddr*>(&v4));
  REQUIRE(why);
  CHECK(why->find("link-local") != std::string::npos);
  CHECK(address_text(reinterpret_cast<const sockaddr*>(&v4)) == "169.254.169.254");
}

TEST_CASE("JSON reader parses valid input and rejects bad input with a position", "[links][json]") {
  const al::JsonValue v = al::parse_json(R"({"a": [1, 2.5e1, true, false, null], "s": "x\"\\\u00e9\ud83d\ude00"})");
  REQUIRE(v.find("a"));
  CHECK(v.find("a")->as_array().size() == 5);
  CHECK(v.find("a")->as_array()[1].as_double() == 25);
  CHECK(v.find("s")->as_string() == "x\"\\\xc3\xa9\xf0\x9f\x98\x80");
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "01x", "[1] 2", "\"a\nb\"",
                          "{\"version\": 1, \"entries\": {\"http://x\": {\"outcome\": \"ok\""}) {
    INFO(bad);
    CHECK_THROWS_AS(al::parse_json(bad), al::JsonParseError);
  }
  CHECK_THROWS_AS(al::parse_json(std::string(1000, '[')), al::JsonParseError);
}

TEST_CASE("Cache format round-trips and keeps the failure history", "[links][cache]") {
  const fs::path dir = al::test::scratch_dir("cache-unit");
  LinkCache cache(dir / "c.json");
  std::vector<std::string> warnings;
  cache.load(warnings);
  CHECK(warnings.empty());
  CheckResult dead;
  dead.outcome = Outcome::dead;
  dead.status = 404;
  dead.final_url = "https://a/x";
  cache.record("https://a/x", dead, 1000);
  cache.record("https://a/x", dead, 2000);
  cache.record("https://a/x", dead, 3000);
  CheckResult ok;
  ok.outcome = Outcome::ok;
  ok.status = 200;
  ok.final_url = "https://a/y";
  cache.record("https://a/y", ok, 3000);
  cache.save(warnings);
  CHECK(warnings.empty());

  LinkCache again(dir / "c.json");
  again.load(warnings);
  CHECK(warnings.empty());
  const CacheEntry* e = again.find("https://a/x");
  REQUIRE(e);
  CHECK(e->failures == 3);
  CHECK(e->first_failure == 1000);
  CHECK(e->checked_at == 3000);
  CHECK(e->status == 404);
  again.record("https://a/x", ok, 4000);
  CHECK(again.find("https://a/x")->failures == 0);
  CHECK(again.find("https://a/y")->outcome == Outcome::ok);
  fs::remove_all(dir);
}

TEST_CASE("Concurrent cache writers do not lose each other's entries", "[links][cache]") {
  const fs::path dir = al::test::scratch_dir("cache-concurrent");
  const fs::path file = dir / "c.json";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &file] {
      for (int round = 0; round < 5; ++round) {
        LinkCache c(file);
        std::vector<std::string> w;
        c.load(w);
        CheckResult ok;
        ok.outcome = Outcome::ok;
        c.record("https://h/" + std::to_string(t) + "/" + std::to_string(round), ok, 100);
        c.save(w);
      }
    });
  }
  for (auto& th : threads) th.join();
  LinkCache final_cache(file);
  std::vector<std::string> warnings;
  final_cache.load(warnings);
  CHECK(warnings.empty());
  CHECK(final_cache.entries().size() == 20);
  fs::remove_all(dir);
}

TEST_CASE("links/malformed reports broken URLs at their line and nothing on clean links", "[links][malformed]") {
  const std::string text =
      "---\ntitle: x\n---\n"
      "<p>详见<a href=\"http://exa mple.com/a\">原文</a>。</p>\n"
      "<p><a href=\"http//www.example.com/a\">x</a></p>\n"
      "<p><a href=\"https://[::1/a\">x</a></p>\n"
      "<p><a href=\"http://\">x</a></p>\n"
      "<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW1>\n"
      "[返回](//finews.withounder.com/category/a.html)｜[返回首页](//finews.withounder.com/)\n"
      "`http://exa mple.com/in-code`\n"
      "<a href=\"mailto:x@y\">m</a> <a href=\"#top\">t</a> <a href=\"rel/path.html\">r</a>\n";
  const Document doc = parse_document("2022-01-01-x.md", text);
  const auto found = run_rule(doc, "links/malformed");
  std::set<std::uint32_t> lines;
  for (const auto& d : found) lines.insert(d.start.line);
  CHECK(lines == std::set<std::uint32_t>{4, 5, 6, 7});
  REQUIRE(found.size() == 4);
  CHECK(found[0].message.find("space") != std::string::npos);
  CHECK(found[1].message.find("missing the ':'") != std::string::npos);
  REQUIRE(found[1].fix);
  CHECK(found[2].message.find("']'") != std::string::npos);
  CHECK(found[3].message.find("empty") != std::string::npos);
}

TEST_CASE("links/malformed puts the ':' fix between the scheme and '//' as written", "[links][malformed]") {
  // The span of an HTML link is the URL as written in the attribute value (the
  // spaces around it excluded); the fix must land in the file, not at the URL's index.
  const std::string text =
      "---\ntitle: x\n---\n"
      "<p><a href=\" http//www.example.com/a\">x</a></p>\n"
      "[y](  http//www.example.com/b  \"t\")\n";
  const Document doc = parse_document("2022-01-01-x.md", text);
  const auto found = run_rule(doc, "links/malformed");
  REQUIRE(found.size() == 2);
  for (const auto& d : found) {
    INFO(d.message);
    REQUIRE(d.fix);
    CHECK(d.fix->start_offset == d.fix->end_offset);
    CHECK(d.fix->replacement == ":");
    CHECK(text.substr(d.fix->start_offset - 4, 6) == "http//");
  }
}

TEST_CASE("links/malformed finds every URL gen-archive breaks, at its line", "[links][malformed]") {
  const fs::path dir = al::test::scratch_dir("gen-malformed");
  std::map<std::string, std::uint32_t> expected;
  for (const auto& row : al::test::generate_archive(dir, "--posts 400 --seed 11 --defect-rate 0.3"))
    if (row.kind == "malformed-url") expected[row.file] = row.first_line;
  REQUIRE(!expected.empty());
  std::map<std::string, std::uint32_t> found;
  std::size_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir / "_posts")) {
    const std::string rel = "_posts/" + entry.path().filename().string();
    const Document doc = load_document(entry.path().string(), rel);
    for (const auto& d : run_rule(doc, "links/malformed")) {
      found[rel] = d.start.line;
      ++total;
    }
  }
  CHECK(found == expected);
  CHECK(total == expected.size());
  fs::remove_all(dir);
}

TEST_CASE("links settings come from config and CLI overrides win", "[links][config]") {
  Config config = parse_config(R"(site:
  url: http://127.0.0.1:1
links:
  timeout: 3
  max_per_host: 2
  retries: 0
  protocol_relative: both
  exclude: ['^https://skip\.']
  accept: [200-299, 403]
  cache: .cache/links.json
  cache_max_age: 12h
  contact: https://example.org/contact
)",
                               "/tmp/cfg/.archive-lint.yml");
  LinkSettings s = load_link_settings(config);
  CHECK(s.engine.timeout_ms == 3000);
  CHECK(s.engine.max_per_host == 2);
  CHECK(s.engine.retries == 0);
  CHECK(s.protocol_relative == "both");
  CHECK(s.cache_max_age_s == 12 * 3600);
  CHECK(s.cache_file == fs::path("/tmp/cfg/.cache/links.json"));
  CHECK(s.engine.accept.size() == 2);
  CHECK(s.engine.user_agent.find("https://example.org/contact") != std::string::npos);
  CHECK_FALSE(s.engine.allow_private);
  LinkOverrides o;
  o.max_per_host = 7;
  o.allow_private = true;
  o.no_cache = true;
  o.timeout = 1.5;
  s = load_link_settings(config, o);
  CHECK(s.engine.max_per_host == 7);
  CHECK(s.engine.allow_private);
  CHECK_FALSE(s.use_cache);
  CHECK(s.engine.timeout_ms == 1500);
  // Default: protocol-relative links take the scheme of site.url.
  CHECK(load_link_settings(parse_config("site: {url: http://a.example}\n", "/tmp/x.yml")).protocol_relative == "http");
  CHECK(load_link_settings(parse_config("", "/tmp/x.yml")).protocol_relative == "https");
  CHECK_THROWS_AS(load_link_settings(parse_config("links: {bogus: 1}\n", "/tmp/x.yml")), ConfigError);
  CHECK_THROWS_AS(load_link_settings(parse_config("links: {max_per_host: 0}\n", "/tmp/x.yml")), ConfigError);
  CHECK_THROWS_AS(load_link_settings(parse_config("links: {exclude: ['(']}\n", "/tmp/x.yml")), ConfigError);
  CHECK_THROWS_AS(load_link_settings(parse_config("links: {protocol_relative: ftp}\n", "/tmp/x.yml")), ConfigError);
}

TEST_CASE("Every links rule is registered with metadata", "[links][registry]") {
  for (const char* id : {"links/malformed", "links/dead", "links/forbidden", "links/unreachable", "links/server-error",
                         "links/redirect-loop", "links/redirect", "links/blocked-address", "links/protocol-relative"}) {
    INFO(id);
    const RegisteredCheck* c = find_check(id);
    REQUIRE(c);
    CHECK_FALSE(c->meta.summary.empty());
    CHECK(fs::exists(fs::path(ARCHIVE_LINT_SOURCE_DIR) / "docs" / "checks" / (std::string(id) + ".md")));
  }
  CHECK(find_check("links/forbidden")->meta.default_severity == Severity::warning);
  CHECK(find_check("links/blocked-address")->meta.default_severity == Severity::warning);
  CHECK(find_check("links/redirect")->meta.default_severity == Severity::note);
}
