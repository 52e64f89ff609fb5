#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>
#include <map>
#include <unordered_map>

#include "archive_lint/archive.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

// Code points, ASCII letters lower-cased: `Java` and `java`, or `日志` and
// `日誌`, are compared as the reader sees them, not byte by byte.
std::u32string folded(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const DecodedCodePoint d = decode_utf8_at(s, i);
    out.push_back(d.code_point >= 'A' && d.code_point <= 'Z' ? d.code_point + 32 : d.code_point);
    i += d.length;
  }
  return out;
}

// Optimal string alignment distance: a swapped pair of letters (Mybaits,
// Mybatis) is one edit, as a typist makes it.
std::size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// How many edits still read as a typo of a name this long: none for short
// names (IO and IM, SVN and Vim are different words), then one, then two.
std::size_t typo_budget(std::size_t length) { return length <= 3 ? 0 : length <= 7 ? 1 : 2; }

class SingletonCategory final : public ArchiveCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "archive/singleton-category",
        .summary = "A category is used by only one post in the archive (a likely typo)",
        .help = "A category that appears exactly once is often a misspelt name (`kejirbao` for `kejiribao`, "
            "`Mybaits` for `Mybatis`), and its post lands on a page of its own. Reported at note level on the "
            "`categories` line when another category, used by at least two posts, is a typo away: no edit for "
            "names of up to 3 characters (only letter case may differ), one for up to 7, two beyond (a swap of "
            "two neighbours is one edit; characters, not bytes, are counted). A blog's one-off categories "
            "without such a neighbour are not reported, unless `only_with_suggestion` is false, as in the "
            "news-archive preset, where every category collects many posts. Archives smaller than `min_posts` "
            "are not checked: there a single use says nothing.",
        .default_severity = Severity::note,
        .options = {{"min_posts", "integer", "20", "check only archives with at least this many posts"},
                    {"only_with_suggestion", "bool", "true",
                     "report a lone category only when an existing one is a typo away (news-archive: false)"}},
        .stage = Stage::archive,
    };
    return m;
  }
  void configure(const YAML::Node& options) override {
    min_posts_ = option_int(options, "min_posts", 20);
    only_with_suggestion_ = option_bool(options, "only_with_suggestion", true);
    if (min_posts_ < 0) throw OptionError("option 'min_posts' must not be negative");
  }
  void check_archive(const ArchiveIndex& index, ArchiveEmitter& emit) const override {
    if (static_cast<long>(index.posts.size()) < min_posts_) return;
    std::unordered_map<std::string_view, std::size_t> counts;
    for (const auto& p : index.posts) p.each_category([&](std::string_view c) { ++counts[c]; });
    for (std::size_t i = 0; i < index.posts.size(); ++i) {
      if (!emit.reported(i)) continue;
      index.posts[i].each_category([&](std::string_view c) {
        if (counts[c] != 1) return;
        const auto [best, best_count] = closest(c, counts);
        if (best.empty() && only_with_suggestion_) return;
        emit.report(i, index.posts[i].categories_line,
                    best.empty() ? fmt::format("category '{}' is used by no other post of the {} in the archive", c,
                                               index.posts.size())
                                 : fmt::format("category '{}' is used by no other post of the {} in the archive; did "
                                               "you mean '{}' ({} posts)?",
                                               c, index.posts.size(), best, best_count));
      });
    }
  }

 private:
  // The used category a typo of `c` would most likely be: within the typo
  // budget of its length, then the fewest edits, then the most posts.
  static std::pair<std::string_view, std::size_t> closest(
      std::string_view c, const std::unordered_map<std::string_view, std::size_t>& counts) {
    const std::u32string name = folded(c);
    const std::size_t budget = typo_budget(name.size());
    std::string_view best;
    std::size_t best_distance = budget + 1, best_count = 0;
    for (const auto& [other, n] : counts) {
      if (n < 2) continue;
      const std::u32string candidate = folded(other);
      const std::size_t gap = name.size() > candidate.size() ? name.size() - candidate.size() : candidate.size() - name.size();
      if (gap > budget) continue;
      const std::size_t d = edit_distance(name, candidate);
      if (d > budget) continue;
      if (d < best_distance || (d == best_distance && (n > best_count || (n == best_count && other < best)))) {
        best = other;
        best_distance = d;
        best_count = n;
      }
    }
    return {best, best_count};
  }

 private:
  long min_posts_ = 20;
  bool only_with_suggestion_ = true;
};

}  // namespace
std::unique_ptr<Check> make_archive_singleton_category() { return std::make_unique<SingletonCategory>(); }
}  // namespace al::checks
