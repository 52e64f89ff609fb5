#include <fmt/format.h>

#include <map>
#include <unordered_map>

#include "archive_lint/archive.hpp"

namespace al::checks {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

class SingletonCategory final : public ArchiveCheck {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        .id = "archive/singleton-category",
        .summary = "A category is used by only one post in the archive (a likely typo)",
        .help = "In an archive where every category collects many posts, a category that appears exactly once is "
            "usually a misspelt slug (`kejirbao` for `kejiribao`), and its post lands on a page of its own. "
            "Reported at note level on the `categories` line, with the closest existing category as a "
            "suggestion. Archives smaller than `min_posts` are not checked: there a single use says nothing.",
        .default_severity = Severity::note,
        .options = {{"min_posts", "integer", "20", "check only archives with at least this many posts"}},
        .stage = Stage::archive,
    };
    return m;
  }
  void configure(const YAML::Node& options) override {
    min_posts_ = option_int(options, "min_posts", 20);
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
        std::string_view best;
        std::size_t best_distance = 3, best_count = 0;
        for (const auto& [name, n] : counts) {
          if (n < 2) continue;
          const std::size_t d = edit_distance(c, name);
          if (d < best_distance || (d == best_distance && (n > best_count || (n == best_count && name < best)))) {
            best = name;
            best_distance = d;
            best_count = n;
          }
        }
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
  long min_posts_ = 20;
};

}  // namespace
std::unique_ptr<Check> make_archive_singleton_category() { return std::make_unique<SingletonCategory>(); }
}  // namespace al::checks
