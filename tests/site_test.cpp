// The Jekyll site model (src/site.cpp): finding the root, reading
// `_config.yml` (hostile input included), `_plugins` tags, zoneinfo files, and
// the paths a run shows.
#include <catch2/catch.hpp>

#include "archive_lint/permalink.hpp"
#include "archive_lint/pipeline.hpp"
#include "archive_lint/site.hpp"
#include "support.hpp"

using namespace al;
using namespace al::test;

TEST_CASE("the site root is the nearest directory with _config.yml or _config.toml", "[site]") {
  const fs::path root = scratch_dir("site-root");
  spit(root / "_config.yml", "title: x\n");
  spit(root / "en" / "news" / "_posts" / "2014-10-27-x.md", "---\n---\n");
  const auto found = find_site_root({root / "en" / "news" / "_posts" / "2014-10-27-x.md"}, {});
  REQUIRE(found);
  CHECK(*found == root.lexically_normal());
  // The second path is the one inside a site.
  const fs::path outside = scratch_dir("site-root-outside");
  spit(outside / "a.md", "x");
  CHECK(find_site_root({outside / "a.md", root / "en"}, {}) == root.lexically_normal());
  // site.root wins.
  CHECK(find_site_root({root / "en"}, outside) == fs::weakly_canonical(outside));
  // TOML: found, and said to be unreadable.
  const fs::path toml = scratch_dir("site-root-toml");
  spit(toml / "_config.toml", "permalink = \"pretty\"\n");
  REQUIRE(find_site_root({toml}, {}) == toml.lexically_normal());
  const JekyllSite site = load_jekyll_site(toml);
  REQUIRE(site.warnings.size() == 1);
  CHECK(site.warnings[0].find("cannot read TOML") != std::string::npos);
  CHECK(site.permalink == "date");
}

TEST_CASE("_config.yml: the keys that change the answers are read", "[site]") {
  const JekyllSite site = parse_jekyll_config(
      "permalink: pretty\ntimezone: Asia/Tokyo\nfuture: true\nshow_drafts: yes\ncollections_dir: my/\n"
      "collections:\n  posts: {permalink: /:title/}\n  recipes: {output: true}\n"
      "defaults:\n  - scope: {path: blog, type: post}\n    values: {layout: x}\n"
      "exclude: [vendor]\ninclude: [_pages]\nmarkdown_ext: md,txt\nmarkdown: kramdown\n"
      "kramdown: {input: GFM}\nliquid: {error_mode: strict, strict_filters: true}\nplugins: [jekyll-feed]\n"
      "baseurl: /blog\n",
      "_config.yml");
  CHECK(site.warnings.empty());
  CHECK(site.permalink == "pretty");
  CHECK(site.post_url_template() == "/:title/");
  REQUIRE(site.timezone);
  CHECK(site.timezone->offset_at(0) == 9 * 3600);
  CHECK(site.future);
  CHECK(site.show_drafts);
  CHECK(site.collections_dir == "my");
  CHECK(site.collections == std::vector<std::string>{"posts", "recipes"});
  REQUIRE(site.defaults.size() == 1);
  CHECK(site.defaults[0].type == std::optional<std::string>("posts"));
  // Configuration#add_default_excludes appends Jekyll's own to the site's.
  REQUIRE(site.exclude.size() == 11);
  CHECK(site.exclude[0] == "vendor");
  CHECK(site.exclude[4] == "Gemfile");
  CHECK(site.include == std::vector<std::string>{"_pages"});
  CHECK(site.markdown_ext == std::vector<std::string>{"md", "txt"});
  CHECK(site.kramdown["input"].Scalar() == "GFM");
  CHECK(site.liquid.error_mode == "strict");
  CHECK(site.liquid.strict_filters);
  CHECK_FALSE(site.liquid.strict_variables);
  CHECK(site.plugins == std::vector<std::string>{"jekyll-feed"});
  CHECK(site.baseurl == "/blog");
}

TEST_CASE("_config.yml: hostile input is a file:line:col warning, never a crash", "[site]") {
  for (const char* text : {"permalink: [unclosed\n", "- a\n- b\n", "permalink: {a: 1}\n", "timezone: ../../etc/passwd\n",
                           "timezone: Mars/Olympus\n", "future: maybe\n", "defaults: [1, {values: 2}]\n",
                           "collections: 3\n", "liquid: {error_mode: loud}\n", "exclude: {a: 1}\n",
                           "a: &x [*x]\n", "\t\tpermalink: x\n"}) {
    INFO(text);
    const JekyllSite site = parse_jekyll_config(text, "site/_config.yml");
    if (std::string_view(text) == "a: &x [*x]\n") continue;  // yaml-cpp reads the self-alias; nothing Jekyll uses
    REQUIRE_FALSE(site.warnings.empty());
    CHECK(site.warnings[0].rfind("site/_config.yml:", 0) == 0);
    CHECK(site.warnings[0].find('\n') == std::string::npos);
  }
  CHECK(parse_jekyll_config("permalink: [unclosed\n", "c.yml").warnings[0].rfind("c.yml:2:1:", 0) == 0);
  CHECK(parse_jekyll_config("x: 1\nfuture: maybe\n", "c.yml").warnings[0].rfind("c.yml:2:9:", 0) == 0);
  CHECK(parse_jekyll_config("", "c.yml").warnings.empty());
}

TEST_CASE("_plugins: the tags and blocks registered with Liquid", "[site]") {
  CHECK(registered_liquid_tags("Liquid::Template.register_tag('render_time', RenderTimeTag)\n"
                               "Liquid::Template.register_tag \"note\", Note\n"
                               "Liquid::Template.register_tag(:gist_x, G)\n"
                               "# register_tag(name, klass) in a comment with no quote\n"
                               "Liquid::Template.register_tag('note', Again)\n")
            .names == std::vector<std::string>{"render_time", "note", "gist_x"});
  CHECK(registered_liquid_tags("register_tag(\"unterminated").names.empty());
  CHECK(registered_liquid_tags("register_tag").names.empty());
  // A constant or a variable set in the file; a computed name is unresolved.
  const auto constant = registered_liquid_tags("TAG_NAME = 'githubify'\nLiquid::Template.register_tag(TAG_NAME, G)\n");
  CHECK(constant.names == std::vector<std::string>{"githubify"});
  CHECK_FALSE(constant.unresolved);
  const auto looped = registered_liquid_tags("%w[a b].each { |t| Liquid::Template.register_tag(t, G) }\n");
  CHECK(looped.names.empty());
  CHECK(looped.unresolved);
  CHECK_FALSE(registered_liquid_tags("# register_tag(name, klass)\n").unresolved);
}

TEST_CASE("folder categories are the folders above the first _posts", "[site]") {
  CHECK(folder_categories("en/news/_posts/2014-10-27-x.md") == std::vector<std::string>{"en", "news"});
  CHECK(folder_categories("_posts/2015/2015-01-02-x.md").empty());
  CHECK(folder_categories("a//b/_posts/_posts/x.md") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("zoneinfo files: hostile bytes are refused", "[site]") {
  CHECK_FALSE(parse_tzif("", "x"));
  CHECK_FALSE(parse_tzif("TZif2", "x"));
  std::string header(44, '\0');
  header.replace(0, 4, "TZif");
  CHECK_FALSE(parse_tzif(header, "x"));  // no time types
  header[39] = 1;                        // one type, but no bytes for it
  CHECK_FALSE(parse_tzif(header, "x"));
}

TEST_CASE("paths of several arguments are shown from one base", "[site][cli]") {
  // Two folders and no .archive-lint.yml: before, files under the first were
  // relative and the rest absolute.
  const fs::path root = scratch_dir("site-paths");
  spit(root / "a" / "2020-01-01-x.md", "");
  spit(root / "b" / "2020-01-01-y.md", "");
  const RunOutput out = run(sh_quote(cli_binary().string()) + " check --offline a b", root);
  CHECK(out.out.find("a/2020-01-01-x.md:1:1:") != std::string::npos);
  CHECK(out.out.find("\nb/2020-01-01-y.md:1:1:") != std::string::npos);
  CHECK(out.out.find(root.string()) == std::string::npos);
  // Inside a Jekyll site, from the site's root wherever the paths are.
  spit(root / "_config.yml", "title: x\n");
  const RunOutput in_site =
      run(sh_quote(cli_binary().string()) + " check --offline 2020-01-01-y.md ../a/2020-01-01-x.md", root / "b");
  CHECK(in_site.out.find("a/2020-01-01-x.md:1:1:") != std::string::npos);
  CHECK(in_site.out.find(root.string()) == std::string::npos);
  // A walk lists what Jekyll renders: these two files have no front matter
  // and lie in no _posts folder, so Jekyll copies them as static files.
  const RunOutput walked = run(sh_quote(cli_binary().string()) + " check --offline . ../a", root / "b");
  CHECK(walked.out.find("2020-01-01-") == std::string::npos);
}

TEST_CASE("the pipeline reads the site and passes its warnings on", "[site]") {
  const fs::path root = scratch_dir("site-pipeline");
  spit(root / "_config.yml", "permalink: pretty\nfuture: maybe\n");
  spit(root / "_plugins" / "t.rb", "Liquid::Template.register_tag('youtube', Y)\n");
  spit(root / "en" / "_posts" / "2014-10-27-x.md", "---\ntitle: x\n---\nx\n");
  PipelineOptions options;
  options.paths = {(root / "en" / "_posts").string()};
  options.offline = true;
  const Site site = load_site(options);
  REQUIRE(site.jekyll);
  CHECK(site.jekyll->root == root.lexically_normal());
  CHECK(site.jekyll->plugin_tags == std::vector<std::string>{"youtube"});
  CHECK(site.config.jekyll == site.jekyll);
  REQUIRE(site.warnings.size() == 1);
  CHECK(site.warnings[0].find("_config.yml:2:") != std::string::npos);
  const PipelineResult run = run_pipeline(options);
  CHECK(run.warnings == site.warnings);
}

TEST_CASE("pretty permalinks in two language folders do not collide", "[site][archive]") {
  const fs::path root = scratch_dir("site-languages");
  spit(root / "_config.yml", "permalink: pretty\n");
  for (const char* lang : {"en", "ja"}) spit(root / lang / "news" / "_posts" / "2014-10-27-x.md", "---\ntitle: x\n---\nx\n");
  PipelineOptions options;
  options.paths = {(root / "en").string(), (root / "ja").string()};
  options.offline = true;
  auto collisions = [&] {
    std::size_t n = 0;
    for (const auto& d : run_pipeline(options).result.diagnostics) n += d.rule_id == "archive/permalink-collision";
    return n;
  };
  CHECK(collisions() == 0);
  // A post that says its own categories lands on the same file: a real collision.
  spit(root / "_posts" / "2014-10-27-x.md", "---\ntitle: x\ncategories: [en, news]\n---\nx\n");
  options.paths.push_back((root / "_posts").string());
  CHECK(collisions() == 2);
  // Given alone (pre-commit), the post is still compared with the other folders' posts.
  options.paths = {(root / "_posts" / "2014-10-27-x.md").string()};
  CHECK(collisions() == 1);
}

TEST_CASE("without paths, a run lints every _posts folder of the site", "[site]") {
  const fs::path root = scratch_dir("site-default-paths");
  spit(root / "_config.yml", "exclude: [old]\n");
  spit(root / ".archive-lint.yml", "rules: {}\n");
  spit(root / "index.md", "---\ntitle: home\n---\n");
  for (const char* dir : {"en/news", "ja/news", "old", "_hidden"}) spit(root / dir / "_posts" / "2014-10-27-x.md", "---\n---\n");
  PipelineOptions options;
  options.config = (root / ".archive-lint.yml").string();
  options.offline = true;
  std::vector<std::string> shown;
  for (const auto& f : load_site(options).files) shown.push_back(f.display_path);
  std::sort(shown.begin(), shown.end());
  CHECK(shown == std::vector<std::string>{"en/news/_posts/2014-10-27-x.md", "ja/news/_posts/2014-10-27-x.md"});
}

TEST_CASE("jekyll/liquid-syntax knows the tags the site's _plugins register", "[site][liquid]") {
  const fs::path root = scratch_dir("site-plugin-tags");
  spit(root / "_config.yml", "title: t\n");
  spit(root / "_posts" / "2020-01-01-x.md",
       "---\ntitle: x\n---\n{% youtube abc %}\n\n{% note %}text{% endnote %}\n\n{% vimeo abc %}\n");
  PipelineOptions options;
  options.paths = {(root / "_posts").string()};
  options.offline = true;
  auto liquid_lines = [&] {
    std::vector<std::uint32_t> lines;
    for (const auto& d : run_pipeline(options).result.diagnostics)
      if (d.rule_id == "jekyll/liquid-syntax") lines.push_back(d.start.line);
    return lines;
  };
  // Without plugins every custom tag is unknown, `endnote` too.
  CHECK(liquid_lines() == std::vector<std::uint32_t>{4, 6, 6, 8});
  spit(root / "_plugins" / "tags.rb",
       "Liquid::Template.register_tag('youtube', Y)\nLiquid::Template.register_tag(:note, N)\n");
  CHECK(liquid_lines() == std::vector<std::uint32_t>{8});  // only vimeo, which nothing registers
}
