#include <fmt/format.h>

#include <map>

#include "../common.hpp"

namespace al::checks {
namespace {

class DuplicateKey final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/duplicate-key",
        "A key appears twice in the same mapping",
        "YAML forbids duplicate keys, but parsers disagree on what to do: Ruby's (Jekyll's) keeps the last "
        "value, others keep the first or fail. A second `title:` or `date:` usually means a script appended "
        "fields instead of replacing them. Reported at the later key, naming the line of the first. Nested "
        "mappings are checked too.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const FrontMatter& fm = doc.front_matter;
    if (!fm.ok()) return;
    std::map<std::string, std::size_t> first;
    std::set<std::pair<int, int>> seen;
    for (const auto& key : fm.keys) {
      auto [it, inserted] = first.emplace(key.name, key.key_offset);
      if (!inserted) report(doc, emit, key.name, it->second, key.key_offset);
      nested(doc, emit, key.value, fm.content_begin, seen);
    }
  }

 private:
  static void report(const Document& doc, Emitter& emit, const std::string& name, std::size_t first, std::size_t again) {
    emit.report(again, again + name.size(),
                fmt::format("duplicate key '{}' (first on line {}); Jekyll keeps only the last value", name,
                            doc.lines.line_of(first)));
  }
  static void nested(const Document& doc, Emitter& emit, const YAML::Node& node, std::size_t base,
                     std::set<std::pair<int, int>>& visited) {
    if (!first_visit(visited, node)) return;
    if (node.IsSequence()) {
      for (const auto& item : node) nested(doc, emit, item, base, visited);
      return;
    }
    if (!node.IsMap()) return;
    const std::uint32_t first_line = doc.lines.line_of(base);
    auto offset_of = [&](const YAML::Mark& mark) {
      return doc.lines.line_start(first_line + static_cast<std::uint32_t>(std::max(0, mark.line))) +
             static_cast<std::size_t>(std::max(0, mark.column));
    };
    std::map<std::string, std::size_t> first;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::size_t at = offset_of(it->first.Mark());
      auto [seen, inserted] = first.emplace(it->first.Scalar(), at);
      if (!inserted) report(doc, emit, it->first.Scalar(), seen->second, at);
      nested(doc, emit, it->second, base, visited);
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_duplicate_key() { return std::make_unique<DuplicateKey>(); }
}  // namespace al::checks
