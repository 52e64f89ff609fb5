#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

// `key: "..."..."`: a double-quoted value that closes before the line ends
// and is followed by more text; the classic unescaped inner quote.
bool has_unescaped_inner_quote(std::string_view line, std::size_t& quote_column) {
  const auto colon = line.find(": \"");
  if (colon == std::string_view::npos) return false;
  std::size_t i = colon + 3;
  for (; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
      continue;
    }
    if (line[i] == '"') break;
  }
  if (i >= line.size()) return false;
  const auto rest = trim(line.substr(i + 1));
  if (rest.empty() || rest[0] == '#') return false;
  quote_column = i;
  return true;
}

class YamlSyntax final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/yaml-syntax",
        "Front matter is not valid YAML",
        "The block between the `---` lines must parse as a YAML mapping, or `jekyll build` stops with a "
        "YAML exception. The most common cause in scraped content is a double-quoted title that contains "
        "the same quote character: `title: \"他说\"好\"的\"`. Escape the inner quotes (`\\\"`), use "
        "full-width quotes “”, or single-quote the value. Other checks of the front matter are skipped "
        "while it does not parse.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const FrontMatter& fm = doc.front_matter;
    if (fm.state != FrontMatter::State::present) return;
    if (fm.error && fm.error->limit) {
      emit.report(fm.error->offset, line_end_at(doc, fm.error->offset), fm.error->message);
      return;
    }
    if (fm.error) {
      const auto line = doc.lines.line_of(fm.error->offset);
      const auto text = doc.line_text(line);
      std::size_t quote = 0;
      if (has_unescaped_inner_quote(text, quote)) {
        const std::size_t at = doc.lines.line_start(line) + quote;
        emit.report(at, at + 1,
                    "unescaped `\"` inside a double-quoted value ends the string early; escape it as `\\\"` "
                    "or quote the value with single quotes");
        return;
      }
      emit.report(fm.error->offset, fm.error->offset, "invalid YAML: " + fm.error->message);
      return;
    }
    if (!fm.is_mapping) {
      emit.report(fm.content_begin, fm.content_begin, "front matter must be a mapping of keys to values");
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_front_matter_yaml_syntax() { return std::make_unique<YamlSyntax>(); }
}  // namespace al::checks
