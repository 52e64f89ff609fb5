#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

#include "archive_lint/archive.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

// The same article under two URLs: scheme and a trailing slash do not count.
std::string_view normal_url(std::string_view url) {
  if (url.rfind("https:", 0) == 0) url.remove_prefix(6);
  else if (url.rfind("http:", 0) == 0) url.remove_prefix(5);
  while (url.size() > 1 && url.back() == '/') url.remove_suffix(1);
  return url;
}

// The instant a date names (its own offset; none means UTC).
std::optional<long long> instant(std::string_view date) {
  const auto d = read_post_date(date);
  if (!d || !calendar_problem(*d).empty()) return std::nullopt;
  return epoch_seconds(*d);
}

class DuplicatePost final : public ArchiveCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "archive/duplicate-post",
        .summary = "Two posts repost the same article",
        .help = "An article fetched twice ends up in the archive twice. Two files are duplicates when they have "
            "the same source URL (the autolink alone on its line; http/https and a trailing slash ignored), "
            "the same infoCode (the `infoCode=` query parameter of the source URL, else a file-name slug of two "
            "letters and ten or more digits), or the same title and the same date (the same instant). Both "
            "files are reported, each pointing at the other, at the source-link line (or the title line for "
            "a title-and-date match). With only some files given (pre-commit), the rest of the archive is read "
            "from the index cache and only the given files are reported.",
        .default_severity = Severity::error,
        .options = {{"match", "string-list", "[source_url, info_code, title_date]",
            "what makes two posts duplicates: any of source_url, info_code, title_date"}},
        .stage = Stage::archive,
    };
    return m;
  }
  void configure(const YAML::Node& options) override {
    const auto match = option_string_list(options, "match", {"source_url", "info_code", "title_date"});
    source_url_ = info_code_ = title_date_ = false;
    for (const auto& m : match) {
      if (m == "source_url") source_url_ = true;
      else if (m == "info_code") info_code_ = true;
      else if (m == "title_date") title_date_ = true;
      else throw OptionError(fmt::format("option 'match': unknown key '{}' (use source_url, info_code, title_date)", m));
    }
  }
  void check_archive(const ArchiveIndex& index, ArchiveEmitter& emit) const override {
    // Keys of the posts being reported, then one pass over the archive that
    // compares views: a pre-commit run on a large archive allocates nothing per post.
    std::unordered_map<std::string_view, std::vector<std::size_t>> by_url, by_code, by_title;
    for (std::size_t i = 0; i < index.posts.size(); ++i) {
      if (!index.reported[i]) continue;
      const PostView& p = index.posts[i];
      if (source_url_ && !p.source_url.empty()) by_url[normal_url(p.source_url)].push_back(i);
      if (info_code_ && !p.info_code.empty()) by_code[p.info_code].push_back(i);
      if (title_date_ && !p.title.empty() && !p.date.empty()) by_title[p.title].push_back(i);
    }
    if (by_url.empty() && by_code.empty() && by_title.empty()) return;
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> reasons;  // (reported, other)
    std::map<std::pair<std::size_t, std::size_t>, bool> at_source;
    auto add = [&](std::size_t a, std::size_t b, std::string why, bool source) {
      reasons[{a, b}].push_back(std::move(why));
      auto& s = at_source[{a, b}];
      s = s || source;
    };
    for (std::size_t b = 0; b < index.posts.size(); ++b) {
      const PostView& other = index.posts[b];
      if (!by_url.empty() && !other.source_url.empty()) {
        if (auto it = by_url.find(normal_url(other.source_url)); it != by_url.end()) {
          for (std::size_t a : it->second) {
            if (a != b) add(a, b, fmt::format("source URL '{}'", index.posts[a].source_url), true);
          }
        }
      }
      if (!by_code.empty() && !other.info_code.empty()) {
        if (auto it = by_code.find(other.info_code); it != by_code.end()) {
          for (std::size_t a : it->second) {
            if (a != b) add(a, b, fmt::format("infoCode '{}'", other.info_code), true);
          }
        }
      }
      if (!by_title.empty() && !other.title.empty() && !other.date.empty()) {
        if (auto it = by_title.find(other.title); it != by_title.end()) {
          const auto when = instant(other.date);
          for (std::size_t a : it->second) {
            if (a == b || !when || instant(index.posts[a].date) != when) continue;
            add(a, b, fmt::format("title '{}' and date '{}'", other.title, index.posts[a].date), false);
          }
        }
      }
    }
    for (const auto& [pair, why] : reasons) {
      const auto [a, b] = pair;
      const PostView& post = index.posts[a];
      const PostView& other = index.posts[b];
      const bool source = at_source[pair] && !post.source_url.empty();
      const std::uint32_t line = source ? post.source_line : post.title_line;
      const std::uint32_t other_line = source && !other.source_url.empty() ? other.source_line : other.title_line;
      std::string list;
      for (const auto& w : why) list += (list.empty() ? "" : ", ") + w;
      emit.report(a, line, fmt::format("duplicate of {} (same {})", emit.where(b, other_line), list));
    }
  }

 private:
  bool source_url_ = true, info_code_ = true, title_date_ = true;
};

}  // namespace
std::unique_ptr<Check> make_archive_duplicate_post() { return std::make_unique<DuplicatePost>(); }
}  // namespace al::checks
