#include <fmt/format.h>

#include <unordered_map>
#include <unordered_set>

#include "archive_lint/archive.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {

namespace {

// Jekyll 4 (lib/jekyll/utils.rb slugify): `pretty` keeps ._~!$&'()+,;=@ and
// alphanumerics (Unicode ones too), `default` keeps alphanumerics; runs of
// anything else become one '-', leading/trailing '-' go; lower-cased unless cased.
std::string slugify(std::string_view s, bool pretty, bool cased) {
  std::string out;
  bool dash = false;
  for (unsigned char c : s) {
    const bool keep = c >= 0x80 || std::isalnum(c) || (pretty && std::string_view("._~!$&'()+,;=@").find(static_cast<char>(c)) != std::string_view::npos);
    if (keep) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(cased ? static_cast<char>(c) : static_cast<char>(std::tolower(c)));
    } else {
      dash = true;
    }
  }
  return out;
}

std::string expand_style(const std::string& pattern) {
  if (pattern == "date") return "/:categories/:year/:month/:day/:title:output_ext";
  if (pattern == "pretty") return "/:categories/:year/:month/:day/:title/";
  if (pattern == "ordinal") return "/:categories/:year/:y_day/:title:output_ext";
  if (pattern == "weekdate") return "/:categories/:year/W:week/:short_day/:title:output_ext";
  if (pattern == "none") return "/:categories/:title:output_ext";
  return pattern;
}

int day_of_year(int y, int m, int d) {
  int n = d;
  for (int k = 1; k < m; ++k) n += days_in_month(y, k);
  return n;
}

// Shifts a date to another UTC offset (minutes east).
PostDate shift(PostDate d, int to_offset) {
  if (!d.has_offset) return d;
  long minutes = d.hour * 60L + d.minute - d.offset_minutes + to_offset;
  while (minutes < 0) {
    minutes += 1440;
    if (--d.day < 1) {
      if (--d.month < 1) {
        d.month = 12;
        --d.year;
      }
      d.day = days_in_month(d.year, d.month);
    }
  }
  while (minutes >= 1440) {
    minutes -= 1440;
    if (++d.day > days_in_month(d.year, d.month)) {
      d.day = 1;
      if (++d.month > 12) {
        d.month = 1;
        ++d.year;
      }
    }
  }
  d.hour = static_cast<int>(minutes / 60);
  d.minute = static_cast<int>(minutes % 60);
  d.offset_minutes = to_offset;
  return d;
}

}  // namespace

// Jekyll 4's URL for a post (lib/jekyll/drops/url_drop.rb, lib/jekyll/url.rb).
std::string jekyll_post_url(const PostView& post, const std::string& pattern, std::optional<int> utc_offset) {
  std::string tmpl = expand_style(post.permalink.empty() ? pattern : std::string(post.permalink));
  auto date = post.post_date();
  if (date && utc_offset) date = shift(*date, *utc_offset);
  std::string categories;
  std::vector<std::string> seen;
  post.each_category([&](std::string_view c) {
    const std::string lc = to_lower_ascii(c);
    if (std::find(seen.begin(), seen.end(), lc) != seen.end()) return;
    seen.push_back(lc);
    categories += (categories.empty() ? "" : "/") + lc;
  });
  const std::string ext = [&] {
    const std::string e = to_lower_ascii(post.extension());
    return (e.size() > 1 && is_markdown_extension(std::string_view(e).substr(1))) || e == ".htm" ? std::string(".html") : e;
  }();
  auto two = [](int v) { return fmt::format("{:02}", v); };
  std::vector<std::pair<std::string, std::string>> values = {
      {"categories", categories},
      {"output_ext", ext},
      {"title", slugify(post.slug, true, true)},
      {"slug", slugify(post.slug, false, false)},
      {"name", slugify(post.slug, false, false)},
      {"path", std::string(post.rel)},
  };
  if (date) {
    values.insert(values.end(), {{"year", fmt::format("{:04}", date->year)},
                                 {"short_year", two(date->year % 100)},
                                 {"month", two(date->month)},
                                 {"i_month", std::to_string(date->month)},
                                 {"day", two(date->day)},
                                 {"i_day", std::to_string(date->day)},
                                 {"y_day", fmt::format("{:03}", day_of_year(date->year, date->month, date->day))},
                                 {"hour", two(date->hour)},
                                 {"minute", two(date->minute)},
                                 {"second", two(date->second)}});
  }
  // Longest names first so `:short_year` is not read as `:short` + ...
  std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string url;
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] == ':') {
      bool done = false;
      for (const auto& [name, value] : values) {
        if (tmpl.compare(i + 1, name.size(), name) == 0) {
          url += value;
          i += 1 + name.size();
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    url.push_back(tmpl[i++]);
  }
  // Jekyll::URL#sanitize_url: collapse repeated slashes, one leading slash.
  std::string clean = "/";
  for (char c : url) {
    if (c == '/' && clean.back() == '/') continue;
    clean.push_back(c);
  }
  if (clean.back() == '/') clean += "index.html";
  else if (clean.rfind('.') == std::string::npos || clean.rfind('.') < clean.rfind('/')) clean += ".html";
  return clean;
}

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

class PermalinkCollision final : public ArchiveCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "archive/permalink-collision",
        .summary = "Two posts would be written to the same URL",
        .help = "Jekyll writes each post to the URL its permalink pattern gives, and when two posts get the same "
            "URL one silently overwrites the other (Jekyll 4 prints only a `Conflict:` warning). The pattern "
            "is the `permalink` option, else `permalink:` in the site's `_config.yml`, else Jekyll's default "
            "`date` style `/:categories/:year/:month/:day/:title:output_ext`; a post's own `permalink:` wins. "
            "`:title` is the file name's slug (or `slug:`), categories are lower-cased, and the date is the "
            "front-matter date as written unless `utc_offset` names the site's time zone (Jekyll uses the "
            "build machine's zone or `timezone:`). Both posts are reported, each naming the other, at line 1.",
        .default_severity = Severity::error,
        .options = {{"permalink", "string", "(from _config.yml, else date)",
            "permalink pattern or style (date, pretty, ordinal, weekdate, none)"},
            {"utc_offset", "string", "(as written)", "the site's UTC offset for :year/:month/:day, e.g. +0800"}},
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
    std::string pattern = permalink_;
    if (pattern.empty() && !index.site_root.empty()) {
      std::string error;
      if (auto text = read_file(index.site_root / "_config.yml", error)) {
        try {
          const YAML::Node site = YAML::Load(*text);
          if (site.IsMap() && site["permalink"] && site["permalink"].IsScalar()) pattern = site["permalink"].Scalar();
        } catch (const YAML::Exception&) {
        }
      }
    }
    if (pattern.empty()) pattern = "date";
    // URLs of the posts being reported first; another post can only collide
    // with one of them if its slug reduces to the same letters (when the
    // pattern uses the slug) or it sets its own permalink.
    const std::string expanded = expand_style(pattern);
    const bool by_slug = expanded.find(":title") != std::string::npos || expanded.find(":slug") != std::string::npos ||
                         expanded.find(":name") != std::string::npos;
    auto loose = [](std::string_view slug) {
      std::uint64_t h = 14695981039346656037ULL;
      for (unsigned char c : slug) {
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c | 0x20);  // ASCII only: no locale call per byte
        else if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) continue;
        h = (h ^ c) * 1099511628211ULL;
      }
      return h;
    };
    std::unordered_map<std::string, std::vector<std::size_t>> by_url;
    std::unordered_set<std::uint64_t> reported_slugs;
    for (std::size_t i = 0; i < index.posts.size(); ++i) {
      const auto& p = index.posts[i];
      if (!index.reported[i] || !p.published || !p.front_matter_ok) continue;
      by_url[jekyll_post_url(p, pattern, utc_offset_)].push_back(i);
      reported_slugs.insert(loose(p.slug));
    }
    if (by_url.empty()) return;
    for (std::size_t i = 0; i < index.posts.size(); ++i) {
      const auto& p = index.posts[i];
      if (index.reported[i] || !p.published || !p.front_matter_ok) continue;
      if (by_slug && p.permalink.empty() && !reported_slugs.count(loose(p.slug))) continue;
      auto it = by_url.find(jekyll_post_url(p, pattern, utc_offset_));
      if (it != by_url.end()) it->second.push_back(i);
    }
    for (const auto& [url, members] : by_url) {
      if (members.size() < 2) continue;
      for (std::size_t a : members) {
        if (!emit.reported(a)) continue;
        std::string others;
        std::size_t shown = 0;
        for (std::size_t b : members) {
          if (b == a) continue;
          if (shown++ < 5) others += (others.empty() ? "" : ", ") + index.display_path(b);
        }
        if (shown > 5) others += fmt::format(" and {} more", shown - 5);
        emit.report(a, 1, fmt::format("Jekyll would write this post to '{}', the same URL as {}", url, others));
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
