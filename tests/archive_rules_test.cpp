// archive/duplicate-post and archive/singleton-category on blogs (the
// `jekyll` preset): bodies, translations, copied front matter, and
// category suggestions that are typos for the length of the name; and the
// report assembled from such a run (baseline, fail level, quiet).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "archive_lint/baseline.hpp"
#include "archive_lint/body_fingerprint.hpp"
#include "archive_lint/pipeline.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

namespace {

// A body of `words` words of letters, the same for the same seed.
std::string body_of(int seed, int words) {
  std::uint64_t state = static_cast<std::uint64_t>(seed) * 0x9e3779b97f4a7c15ULL;
  std::string out;
  for (int i = 0; i < words; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const int length = 3 + static_cast<int>((state >> 33) % 6);
    for (int k = 0; k < length; ++k) out += static_cast<char>('a' + (state >> (5 * k + 2)) % 26);
    out += i % 12 == 11 ? '\n' : ' ';
  }
  return out + "\n";
}

// The body with its `n`-th word replaced.
std::string with_word(const std::string& body, int n, const std::string& word) {
  std::size_t at = 0;
  for (int i = 0; i < n; ++i) at = body.find_first_of(" \n", at) + 1;
  return body.substr(0, at) + word + body.substr(body.find_first_of(" \n", at));
}

std::string post(const std::string& title, const std::string& date, const std::string& body,
                 const std::string& extra = "") {
  return fmt::format("---\ntitle: {}\ndate: {}\n{}---\n{}", title, date, extra, body);
}

std::vector<Diagnostic> findings_of(const fs::path& root, const std::string& rule,
                                    const std::vector<std::string>& paths = {"."}) {
  std::vector<std::string> absolute;
  for (const auto& p : paths) absolute.push_back((root / p).lexically_normal().string());
  std::vector<Diagnostic> out;
  for (auto& d : lint_site_offline(root, absolute, "extends: jekyll\n").result.diagnostics) {
    if (d.rule_id == rule) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

TEST_CASE("body fingerprints: whitespace aside, near copies near, other bodies far", "[archive][duplicate]") {
  const std::string text = body_of(1, 200);
  std::string reflowed = text;
  for (char& c : reflowed) c = c == '\n' ? ' ' : c;
  CHECK(fingerprint_body(text).exact == fingerprint_body("  " + reflowed + "\n\n").exact);
  CHECK(fingerprint_body(text).tokens == 200);
  // A link and markup added: another exact hash, the same loose one.
  const std::string linked = with_word(text, 50, "[Link](https://example.org/a/1),") + " <b>";
  CHECK(fingerprint_body(linked).exact != fingerprint_body(text).exact);
  CHECK(fingerprint_body(linked).loose == fingerprint_body(with_word(text, 50, "link")).loose);
  // One word changed in a long post: a near simhash; another post: far.
  const std::string long_text = body_of(7, 2000);
  const auto a = fingerprint_body(long_text), b = fingerprint_body(with_word(long_text, 1000, "changed"));
  const auto c = fingerprint_body(body_of(8, 2000));
  CHECK(a.loose != b.loose);
  CHECK(simhash_distance(a.simhash, b.simhash) <= 3);
  CHECK(simhash_distance(a.simhash, c.simhash) > 10);
  // Numbers count: release notes that differ in their versions only differ.
  CHECK(fingerprint_body("Version 0.20.0 is out. " + text).loose != fingerprint_body("Version 0.20.1 is out. " + text).loose);
  // Each CJK character is a word: a Chinese sentence is not one token.
  CHECK(fingerprint_body("今天天气很好。").tokens == 7);
  CHECK(fingerprint_body("abc def").simhash == 0);  // fewer than 4 words: no shingle
  CHECK(fingerprint_body("\xff\xfe ab\xe4").tokens == 2);  // stray bytes are no crash
}

TEST_CASE("duplicate-post on a blog: the same body, nearly the same, and copied front matter", "[archive][duplicate]") {
  const fs::path root = scratch_dir("dup-blog");
  spit(root / "_config.yml", "title: blog\n");
  const std::string text = body_of(1, 120);
  const std::string edited = "2021-03-06: <https://example.org/new-link>\n\n" + text;
  spit(root / "_posts" / "2021-03-02-release.md", post("Release", "2021-03-02", text));
  spit(root / "_posts" / "2021-03-05-release-again.md", post("Release again", "2021-03-05", text));
  spit(root / "_posts" / "2021-03-06-release-edited.md", post("Release, edited", "2021-03-06", edited));
  spit(root / "_posts" / "2021-04-01-a.md", post("Same title", "2021-04-01 10:00:00 +0800", body_of(3, 80)));
  spit(root / "_posts" / "2021-04-01-b.md", post("Same title", "2021-04-01 02:00:00 +0000", body_of(4, 80)));
  spit(root / "_posts" / "2021-05-01-c.md", post("Other", "2021-05-01", body_of(5, 80)));
  const auto found = findings_of(root, "archive/duplicate-post");
  std::map<std::string, std::vector<std::string>> by_file;
  for (const auto& d : found) by_file[d.path].push_back(d.message);
  REQUIRE(found.size() == 8);
  CHECK(by_file["_posts/2021-03-02-release.md"].size() == 2);
  CHECK(by_file["_posts/2021-03-05-release-again.md"] ==
        std::vector<std::string>{"duplicate of _posts/2021-03-02-release.md:2 (same body)",
                                 "duplicate of _posts/2021-03-06-release-edited.md:2 (nearly the same body)"});
  CHECK(by_file["_posts/2021-04-01-a.md"] ==
        std::vector<std::string>{"the same title 'Same title' and date '2021-04-01 10:00:00 +0800' as "
                                 "_posts/2021-04-01-b.md:2, but a different body: one of the two has front matter "
                                 "copied from the other"});
  CHECK(by_file["_posts/2021-04-01-b.md"].size() == 1);
  CHECK(by_file.count("_posts/2021-05-01-c.md") == 0);
  for (const auto& d : found) CHECK(d.start.line == 2);  // the title line

  // Given alone (pre-commit), the post is compared with the others through the index cache.
  const auto alone = findings_of(root, "archive/duplicate-post", {"_posts/2021-03-06-release-edited.md"});
  REQUIRE(alone.size() == 2);
  CHECK(alone[0].message.find("nearly the same body") != std::string::npos);
}

TEST_CASE("duplicate-post on a blog: translations, shared links and short bodies are not duplicates",
          "[archive][duplicate]") {
  const fs::path root = scratch_dir("dup-translations");
  spit(root / "_config.yml", "permalink: pretty\n");
  // A translation keeps the title and date; a copy not yet translated keeps the body too.
  for (const char* lang : {"en", "ja"})
    spit(root / lang / "news" / "_posts" / "2014-10-27-x.md", post("Ruby 2.2.0-preview1", "2014-10-27", body_of(1, 60)));
  spit(root / "_posts" / "2020-01-01-en.md", post("Hello", "2020-01-01", body_of(2, 60), "lang: en\n"));
  spit(root / "_posts" / "2020-01-01-fr.md", post("Hello", "2020-01-01", body_of(2, 60), "lang: fr\n"));
  // Release notes that all link one wiki page, each with its own text.
  for (int i = 0; i < 3; ++i) {
    spit(root / "_posts" / fmt::format("2020-02-0{}-release-{}.md", i + 1, i),
         post(fmt::format("Release {}", i), fmt::format("2020-02-0{}", i + 1),
              "<https://example.org/wiki/Releases>\n\n" + body_of(10 + i, 60)));
  }
  // Two stubs that only include a layout part.
  for (const char* name : {"2020-03-01-a.md", "2020-03-02-b.md"})
    spit(root / "_posts" / name, post(name, "2020-03-01", "{% include gallery.html %}\n"));
  CHECK(findings_of(root, "archive/duplicate-post").empty());

  // The same two stubs with one title and date are one post committed twice.
  spit(root / "_posts" / "2020-03-02-b.md", post("2020-03-01-a.md", "2020-03-01", "{% include gallery.html %}\n"));
  const auto stubs = findings_of(root, "archive/duplicate-post");
  REQUIRE(stubs.size() == 2);
  CHECK(stubs[0].message == "duplicate of _posts/2020-03-02-b.md:2 (same title '2020-03-01-a.md' and date "
                            "'2020-03-01', body)");
}

TEST_CASE("duplicate-post options: match keys and min_tokens are checked", "[archive][duplicate]") {
  const fs::path root = scratch_dir("dup-options");
  spit(root / "_posts" / "2020-01-01-a.md", post("A", "2020-01-01", body_of(1, 40)));
  spit(root / "_posts" / "2020-01-02-b.md", post("B", "2020-01-02", body_of(1, 40)));
  auto count = [&](const std::string& config) {
    std::size_t n = 0;
    for (const auto& d : lint_site_offline(root, {root.string()}, config).result.diagnostics) n += d.rule_id == "archive/duplicate-post";
    return n;
  };
  CHECK(count("extends: jekyll\n") == 2);
  CHECK(count("extends: jekyll\nrules:\n  archive/duplicate-post:\n    min_tokens: 41\n") == 0);
  CHECK(count("extends: jekyll\nrules:\n  archive/duplicate-post:\n    match: [title_date]\n") == 0);
  CHECK(count("extends: news-archive\nrules:\n  archive/duplicate-post:\n    match: [body]\n") == 2);
  CHECK_THROWS_AS(instantiate_checks(parse_config("rules:\n  archive/duplicate-post:\n    min_tokens: 0\n", "c.yml")),
                  ConfigError);
}

TEST_CASE("singleton-category suggests only names a typo away for their length", "[archive][singleton]") {
  const fs::path root = scratch_dir("singleton-blog");
  const std::vector<std::string> used = {"IO", "RPC", "Vim", "Mybatis", "iOS", "日志系统", "Kubernetes"};
  int n = 0;
  for (const auto& c : used) {
    for (int k = 0; k < 4; ++k, ++n)
      spit(root / "_posts" / fmt::format("2020-01-{:02}-p{}.md", k + 1, n), post("p", "2020-01-01", "x\n", "categories: [" + c + "]\n"));
  }
  const std::vector<std::pair<std::string, std::string>> lone = {
      {"IM", ""}, {"IOC", ""}, {"SVN", ""}, {"Mybaits", "Mybatis"}, {"ios", "iOS"},
      {"日志系統", "日志系统"}, {"Kubrenetse", "Kubernetes"}, {"Photography", ""}};
  for (std::size_t i = 0; i < lone.size(); ++i)
    spit(root / "_posts" / fmt::format("2020-02-{:02}-lone{}.md", i + 1, i),
         post("lone", "2020-02-01", "x\n", "categories: [\"" + lone[i].first + "\"]\n"));
  std::map<std::string, std::string> suggested;
  for (const auto& d : findings_of(root, "archive/singleton-category")) {
    const auto from = d.message.find("did you mean '");
    REQUIRE(from != std::string::npos);
    const auto name = d.message.substr(d.message.find('\'') + 1);
    suggested[name.substr(0, name.find('\''))] = d.message.substr(from + 14, d.message.find('\'', from + 14) - from - 14);
  }
  std::map<std::string, std::string> expected;
  for (const auto& [name, suggestion] : lone) {
    if (!suggestion.empty()) expected[name] = suggestion;
  }
  CHECK(suggested == expected);
  // Where every category collects many posts (news-archive), a lone one is reported anyway.
  std::size_t all = 0;
  for (const auto& d : lint_site_offline(root, {root.string()}, "extends: jekyll\nrules:\n  archive/singleton-category:\n"
                                                      "    only_with_suggestion: false\n").result.diagnostics)
    all += d.rule_id == "archive/singleton-category";
  CHECK(all == lone.size());
}

TEST_CASE("assemble_report: the baseline, the fail level, quiet and the rules, from a run", "[report][pipeline]") {
  const fs::path root = scratch_dir("assemble-report");
  spit(root / "_posts" / "2020-01-01-a.md", post("A", "2020-01-01", body_of(1, 40)));
  spit(root / "_posts" / "2020-01-02-b.md", post("B", "2020-01-02", body_of(1, 40)));
  const std::string config = "extends: jekyll\n";
  PipelineResult run = lint_site_offline(root, {root.string()}, config);
  const std::size_t all = run.result.diagnostics.size();
  REQUIRE(all >= 2);  // the two duplicates, errors
  spit(root / "baseline.json", Baseline::from(run.result.diagnostics).serialise());

  ReportRequest request;
  request.working_directory = root;
  AssembledReport plain = assemble_report(run, request);
  CHECK(plain.failed);
  CHECK(plain.report.diagnostics.size() == all);
  CHECK(plain.report.display_prefix.empty());  // the config root is the working directory
  CHECK(std::is_sorted(plain.report.rules.begin(), plain.report.rules.end(),
                       [](auto* a, auto* b) { return a->id < b->id; }));

  PipelineResult again = lint_site_offline(root, {root.string()}, config);
  request.baseline = (root / "baseline.json").string();
  const AssembledReport accepted = assemble_report(again, request);
  CHECK(accepted.baselined == all);
  CHECK(accepted.report.diagnostics.empty());
  CHECK_FALSE(accepted.failed);

  PipelineResult quiet_run = lint_site_offline(root, {root.string()}, config);
  ReportRequest quiet;
  quiet.quiet = true;
  quiet.fail_level = Severity::error;
  const AssembledReport kept = assemble_report(quiet_run, quiet);
  CHECK(std::all_of(kept.report.diagnostics.begin(), kept.report.diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity >= Severity::error; }));

  spit(root / "bad.json", "{");
  PipelineResult bad = lint_site_offline(root, {root.string()}, config);
  ReportRequest bad_request;
  bad_request.baseline = (root / "bad.json").string();
  CHECK_THROWS_AS(assemble_report(bad, bad_request), RunError);
}
