#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

#include "archive_lint/archive.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

// The same article under two URLs: scheme and a trailing slash do not count.
std::string normal_url(std::string_view url) {
  if (url.rfind("https:", 0) == 0) url.remove_prefix(6);
  else if (url.rfind("http:", 0) == 0) url.remove_prefix(5);
  while (url.size() > 1 && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

class DuplicatePost final : public ArchiveCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "archive/duplicate-post",
        "Two posts repost the same article",
        "An article fetched twice ends up in the archive twice. Two files are duplicates when they have "
        "the same source URL (the autolink alone on its line; http/https and a trailing slash ignored), "
        "the same infoCode (the `infoCode=` query parameter of the source URL, else a file-name slug of two "
        "letters and ten or more digits), or the same title and date (the calendar day as written). Both "
        "files are reported, each pointing at the other, at the source-link line (or the title line for "
        "a title-and-date match). With only some files given (pre-commit), the rest of the archive is read "
        "from the index cache and only the given files are reported.",
        Severity::error,
        {{"match", "string-list", "[source_url, info_code, title_date]",
          "what makes two posts duplicates: any of source_url, info_code, title_date"}}};
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
    // (post, other) -> reasons
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> reasons;
    std::map<std::pair<std::size_t, std::size_t>, bool> by_source;
    auto group = [&](const char* what, bool source_line, auto key_of, auto shown_of) {
      std::unordered_map<std::string, std::vector<std::size_t>> groups;
      for (std::size_t i = 0; i < index.posts.size(); ++i) {
        std::string key = key_of(index.posts[i]);
        if (!key.empty()) groups[std::move(key)].push_back(i);
      }
      for (const auto& [key, members] : groups) {
        if (members.size() < 2) continue;
        for (std::size_t a : members) {
          if (!index.reported[a]) continue;
          for (std::size_t b : members) {
            if (a == b) continue;
            reasons[{a, b}].push_back(fmt::format("{} '{}'", what, shown_of(index.posts[a], key)));
            by_source[{a, b}] = by_source[{a, b}] || source_line;
          }
        }
      }
    };
    auto as_key = [](const PostRecord&, const std::string& key) { return key; };
    if (source_url_)
      group("source URL", true, [](const PostRecord& p) { return normal_url(p.source_url); },
            [](const PostRecord& p, const std::string&) { return p.source_url; });
    if (info_code_) group("infoCode", true, [](const PostRecord& p) { return p.info_code; }, as_key);
    if (title_date_) {
      group("title and date", false, [](const PostRecord& p) -> std::string {
        if (p.title.empty() || p.date.empty()) return {};
        const auto d = read_post_date(p.date);
        if (!d) return {};
        return fmt::format("{}' on '{:04}-{:02}-{:02}", p.title, d->year, d->month, d->day);
      }, as_key);
    }
    for (const auto& [pair, why] : reasons) {
      const auto [a, b] = pair;
      const PostRecord& post = index.posts[a];
      const PostRecord& other = index.posts[b];
      const bool at_source = by_source[pair] && !post.source_url.empty();
      const std::uint32_t line = at_source ? post.source_line : post.title_line;
      const std::uint32_t other_line = at_source && !other.source_url.empty() ? other.source_line : other.title_line;
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
