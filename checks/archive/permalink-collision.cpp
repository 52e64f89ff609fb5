#include <fmt/format.h>

#include <unordered_map>
#include <unordered_set>

#include <chrono>

#include "archive_lint/archive.hpp"
#include "archive_lint/permalink.hpp"
#include "archive_lint/site.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {

namespace {

std::optional<int> parse_offset(const std::string& text) {
  // "+0800", "+08:00", "-0530", "Z"
  if (text == "Z" || text == "UTC" || text == "+0000") return 0;
  if (text.size() < 5 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  std::string digits;
  for (char c : text.substr(1)) {
    if (c != ':') digits.push_back(c);
  }
  if (digits.size() != 4 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int minutes = std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2));
  return text[0] == '-' ? -minutes : minutes;
}

// The post's path from the site's collections directory, which is what
// Jekyll derives folder categories and `defaults:` scopes from; a post
// outside the site is read from its own `_posts`.
std::string collection_path(const JekyllSite& site, const ArchiveIndex& index, std::size_t post) {
  const std::string abs = index.filesystem_path(post);
  if (site.found()) {
    std::string base = (site.collections_dir.empty() ? site.root : site.root / site.collections_dir).generic_string();
    if (!base.empty() && base.back() != '/') base.push_back('/');
    if (abs.size() > base.size() && abs.compare(0, base.size(), base) == 0) return abs.substr(base.size());
  }
  return std::string(index.posts[post].rel);
}

// The slug the index falls back to without `slug:` (src/archive.cpp file_slug).
std::string index_file_slug(std::string_view name) {
  const auto dot = name.rfind('.');
  const std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);
  if (stem.size() > 11 && stem[4] == '-' && stem[7] == '-' && stem[10] == '-') return std::string(stem.substr(11));
  return std::string(stem);
}

PostFacts facts_of(const JekyllSite& site, const ArchiveIndex& index, std::size_t post) {
  const PostView& p = index.posts[post];
  PostFacts f;
  f.relative_path = collection_path(site, index, post);
  f.date = std::string(p.date);
  // PostView.slug falls back to the file's slug; only a different one was written.
  f.slug = p.slug == index_file_slug(p.file_name()) ? std::string() : std::string(p.slug);
  f.permalink = std::string(p.permalink);
  p.each_category([&](std::string_view c) { f.categories.emplace_back(c); });
  return f;
}

class PermalinkCollision final : public ArchiveCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "archive/permalink-collision",
        .summary = "Two posts would be written to the same file",
        .help = "Jekyll writes each post to the file its URL gives, and when two posts get the same file one "
            "silently overwrites the other (Jekyll 4 prints only a `Conflict:` warning). The URL is computed as "
            "Jekyll 4.3 does from the site's `_config.yml` (`permalink:` style or pattern, "
            "`collections: posts: permalink:`, `timezone:`, `defaults:`, `future:`), the folder categories "
            "(`en/news/_posts` gives `en` and `news`), the post's `categories`/`category`, `slug:` and "
            "`permalink:`; posts Jekyll does not write (`published: false`, future dates, excluded folders) "
            "are left out. The `permalink` option replaces the site's pattern; `utc_offset` is the build "
            "machine's zone for a site without `timezone:` (without it, dates are read as written). Both posts "
            "are reported, each naming the other, at line 1.",
        .default_severity = Severity::error,
        .options = {{"permalink", "string", "(from _config.yml, else date)",
            "permalink pattern or style (date, pretty, ordinal, weekdate, none)"},
            {"utc_offset", "string", "(as written)",
             "the build machine's UTC offset, for a site without `timezone:`, e.g. +0800"}},
        .stage = Stage::archive,
    };
    return m;
  }
  void configure(const YAML::Node& options) override {
    permalink_ = option_string(options, "permalink", "");
    const std::string offset = option_string(options, "utc_offset", "");
    if (!offset.empty()) {
      utc_offset_ = parse_offset(offset);
      if (!utc_offset_) throw OptionError(fmt::format("option 'utc_offset' must look like +0800 or -05:30, got '{}'", offset));
    }
  }
  void check_archive(const ArchiveIndex& index, ArchiveEmitter& emit) const override {
    JekyllSite site = index.jekyll ? *index.jekyll : index.site_root.empty() ? JekyllSite() : load_jekyll_site(index.site_root);
    if (!permalink_.empty()) {
      site.permalink = permalink_;
      site.posts_permalink.clear();
    }
    // Jekyll reads only the `_posts` it walks into (not `_x`, `.x` or excluded folders).
    std::unordered_set<std::string> read_dirs;
    for (const auto& dir : site.post_directories()) read_dirs.insert(dir.parent_path().generic_string());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    // Only posts Jekyll writes: published, not in the future unless `future: true`.
    auto post_of = [&](std::size_t i) -> std::optional<JekyllPost> {
      const auto& p = index.posts[i];
      if (!p.published || !p.front_matter_ok) return std::nullopt;
      if (site.found() && !read_dirs.count(index.roots[p.root])) return std::nullopt;
      auto post = jekyll_post(site, facts_of(site, index, i), utc_offset_);
      if (post && !site.future && post->epoch_seconds > now) return std::nullopt;
      return post;
    };
    // Destinations of the posts being reported first; another post can only
    // collide with one of them if its slug reduces to the same letters (when
    // every URL uses the slug) or it sets its own permalink.
    const std::string tmpl = site.post_url_template();
    const bool by_slug = site.defaults.empty() && (tmpl.find(":title") != std::string::npos ||
                                                   tmpl.find(":slug") != std::string::npos);
    auto loose = [](std::string_view slug) {
      std::uint64_t h = 14695981039346656037ULL;
      for (unsigned char c : slug) {
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c | 0x20);  // ASCII only: no locale call per byte
        else if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) continue;
        h = (h ^ c) * 1099511628211ULL;
      }
      return h;
    };
    std::unordered_map<std::string, std::vector<std::size_t>> by_destination;
    std::unordered_map<std::size_t, std::string> url_of;
    std::unordered_set<std::uint64_t> reported_slugs;
    for (std::size_t i = 0; i < index.posts.size(); ++i) {
      if (!index.reported[i]) continue;
      const auto post = post_of(i);
      if (!post) continue;
      by_destination[post->destination].push_back(i);
      url_of[i] = post->url;
      reported_slugs.insert(loose(index.posts[i].slug));
    }
    if (by_destination.empty()) return;
    for (std::size_t i = 0; i < index.posts.size(); ++i) {
      const auto& p = index.posts[i];
      if (index.reported[i]) continue;
      if (by_slug && p.permalink.empty() && !reported_slugs.count(loose(p.slug))) continue;
      const auto post = post_of(i);
      if (!post) continue;
      auto it = by_destination.find(post->destination);
      if (it == by_destination.end()) continue;
      it->second.push_back(i);
      url_of[i] = post->url;
    }
    for (const auto& [destination, members] : by_destination) {
      if (members.size() < 2) continue;
      for (std::size_t a : members) {
        if (!emit.reported(a)) continue;
        std::string others;
        std::size_t shown = 0;
        for (std::size_t b : members) {
          if (b == a) continue;
          if (shown++ < 5) others += (others.empty() ? "" : ", ") + fmt::format("{} (URL '{}')", index.display_path(b), url_of[b]);
        }
        if (shown > 5) others += fmt::format(" and {} more", shown - 5);
        emit.report(a, 1, fmt::format("Jekyll would write this post (URL '{}') to '{}', the same file as {}", url_of[a],
                                      destination, others));
      }
    }
  }

 private:
  std::string permalink_;
  std::optional<int> utc_offset_;
};

}  // namespace
std::unique_ptr<Check> make_archive_permalink_collision() { return std::make_unique<PermalinkCollision>(); }
}  // namespace al::checks
