#include <fmt/format.h>

#include <vector>

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

// The `[` or `{` that yaml-cpp's "end of sequence/map flow not found" is
// about: the innermost flow collection still open at `until`. A linear scan
// that skips quoted scalars, comments and block scalars (`|`, `>`), whose
// brackets are text. Returns npos when it finds none.
std::size_t unclosed_flow_opener(std::string_view yaml, std::size_t until) {
  std::vector<std::size_t> open;
  char prev = '\n';                  // the last character outside scalars and comments
  std::size_t block_indent = std::string_view::npos;  // inside a block scalar: its parent's indentation
  std::size_t i = 0;
  while (i < std::min(until, yaml.size())) {
    const std::size_t line_end = std::min(yaml.find('\n', i), yaml.size());
    const std::size_t indent = yaml.find_first_not_of(' ', i) - i;
    if (block_indent != std::string_view::npos) {
      const bool blank = i + indent >= line_end;
      if (blank || indent > block_indent) {
        i = line_end + 1;
        continue;
      }
      block_indent = std::string_view::npos;
    }
    for (std::size_t k = i; k < line_end && k < until; ++k) {
      const char c = yaml[k];
      const bool value_start = prev == '\n' || prev == ' ' || prev == '[' || prev == '{' || prev == ',' || prev == ':' ||
                               prev == '-';
      if (c == '#' && (k == i || yaml[k - 1] == ' ' || yaml[k - 1] == '\t')) break;  // a comment
      if ((c == '"' || c == '\'') && value_start) {
        std::size_t q = k + 1;
        while (q < line_end && yaml[q] != c) q += (c == '"' && yaml[q] == '\\') ? 2 : 1;
        if (q >= line_end) return open.empty() ? std::string_view::npos : open.back();  // a multi-line string: unsure
        k = q;
        prev = c;
        continue;
      }
      if ((c == '|' || c == '>') && open.empty() && (prev == ' ' || prev == ':')) {
        block_indent = indent;
        break;
      }
      if (c == '[' || c == '{') open.push_back(k);
      if ((c == ']' || c == '}') && !open.empty()) open.pop_back();
      if (c != ' ' && c != '\t') prev = c;
    }
    prev = '\n';
    i = line_end + 1;
  }
  return open.empty() ? std::string_view::npos : open.back();
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
      if (fm.error->message.find("flow not found") != std::string::npos) {
        const std::string_view yaml = std::string_view(doc.bytes).substr(fm.content_begin, fm.content_end - fm.content_begin);
        const std::size_t opener = unclosed_flow_opener(yaml, fm.error->offset - fm.content_begin);
        if (opener != std::string_view::npos) {
          const bool list = yaml[opener] == '[';
          const std::size_t at = fm.content_begin + opener;
          emit.report(at, at + 1,
                      fmt::format("invalid YAML: this `{}` is never closed with `{}`, so Jekyll cannot read the front "
                                  "matter; close the {}, or quote the value if the bracket is text",
                                  list ? '[' : '{', list ? ']' : '}', list ? "list" : "mapping"));
          return;
        }
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
