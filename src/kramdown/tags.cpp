#include "kramdown/tags.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "archive_lint/text.hpp"

namespace al::kramdown {

namespace {

// Ruby's \s: ASCII white space only.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Onigmo's Unicode classes (doc/RE): [[:alpha:]] is Letter | Mark,
// [[:alnum:]] adds Decimal_Number, \p{Word} adds Connector_Punctuation too.
enum CharClass : std::uint8_t { kAlpha = 1, kDigit = 2, kConnector = 4 };

std::uint8_t non_ascii_class(std::string_view text, std::size_t at, std::size_t& length) {
  const DecodedCodePoint cp = decode_utf8_at(text, at);
  length = cp.length;
  if (!cp.valid) return 0;
  static const RE2 alpha(R"([\p{L}\p{M}])");
  static const RE2 digit(R"(\p{Nd})");
  static const RE2 connector(R"(\p{Pc})");
  const re2::StringPiece one(text.data() + at, cp.length);
  if (RE2::FullMatch(one, alpha)) return kAlpha;
  if (RE2::FullMatch(one, digit)) return kDigit;
  if (RE2::FullMatch(one, connector)) return kConnector;
  return 0;
}

// The class of the character at text[at], and its length in bytes.
std::uint8_t class_at(std::string_view text, std::size_t at, std::size_t& length) {
  const char c = text[at];
  length = 1;
  if (static_cast<unsigned char>(c) >= 0x80) return non_ascii_class(text, at, length);
  if (ascii_alpha(c)) return kAlpha;
  if (ascii_digit(c)) return kDigit;
  return c == '_' ? kConnector : 0;
}

// [[:alpha:]_]
std::size_t name_start_length(std::string_view text, std::size_t at) {
  if (at >= text.size()) return 0;
  std::size_t length = 0;
  const std::uint8_t cls = class_at(text, at, length);
  return (cls & kAlpha) || text[at] == '_' ? length : 0;
}

// [-[:alnum:]._]*
std::size_t name_rest_end(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    const char c = text[at];
    if (c == '-' || c == '.' || c == '_') {
      ++at;
      continue;
    }
    std::size_t length = 0;
    const std::uint8_t cls = class_at(text, at, length);
    if (!(cls & (kAlpha | kDigit))) break;
    at += length;
  }
  return at;
}

// \p{Word}+: the end of the run at `at` (== at when there is none).
std::size_t word_run_end(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    std::size_t length = 0;
    if (class_at(text, at, length) == 0) break;
    at += length;
  }
  return at;
}

std::size_t skip_space(std::string_view text, std::size_t at) {
  while (at < text.size() && is_space(text[at])) ++at;
  return at;
}

// `\s*=\s*(?:\p{Word}+|("|').*?\3)` at `at`: its end, or `at` when it does not match.
std::size_t attribute_value_end(std::string_view text, std::size_t at) {
  std::size_t k = skip_space(text, at);
  if (k >= text.size() || text[k] != '=') return at;
  k = skip_space(text, k + 1);
  if (k >= text.size()) return at;
  if (text[k] == '"' || text[k] == '\'') {
    const std::size_t close = text.find(text[k], k + 1);
    return close == std::string_view::npos ? at : close + 1;
  }
  const std::size_t end = word_run_end(text, k);
  return end > k ? end : at;
}

std::string element_name(std::string_view written) {
  std::string lower = to_lower_ascii(written);
  return is_known_element(lower) ? lower : std::string(written);
}

template <std::size_t N>
bool in_set(const std::array<std::string_view, N>& sorted, std::string_view name) {
  return std::binary_search(sorted.begin(), sorted.end(), name);
}

// parser/html.rb's lists, sorted.
constexpr auto kSpanElements = std::to_array<std::string_view>({"a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "del", "dfn", "em", "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp", "rt", "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup", "tt", "u", "var"});
static_assert(std::is_sorted(kSpanElements.begin(), kSpanElements.end()));
constexpr auto kBlockElements = std::to_array<std::string_view>({"address", "applet", "article", "aside", "blockquote", "body", "caption", "col", "colgroup", "dd", "div", "dl", "dt", "fieldset", "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "iframe", "legend", "li", "main", "map", "menu", "nav", "ol", "optgroup", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"});
static_assert(std::is_sorted(kBlockElements.begin(), kBlockElements.end()));
constexpr auto kWithoutBody = std::to_array<std::string_view>({"area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"});
static_assert(std::is_sorted(kWithoutBody.begin(), kWithoutBody.end()));
constexpr auto kBlockModel = std::to_array<std::string_view>({"address", "applet", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "iframe", "li", "main", "map", "menu", "nav", "noscript", "object", "section", "summary", "td"});
static_assert(std::is_sorted(kBlockModel.begin(), kBlockModel.end()));
constexpr auto kSpanModel = std::to_array<std::string_view>({"a", "abbr", "acronym", "b", "bdo", "big", "button", "caption", "cite", "del", "dfn", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins", "label", "legend", "optgroup", "p", "q", "rb", "rbc", "rp", "rt", "rtc", "ruby", "select", "small", "span", "strong", "sub", "sup", "th", "tt"});
static_assert(std::is_sorted(kSpanModel.begin(), kSpanModel.end()));
constexpr auto kRawModel = std::to_array<std::string_view>({"code", "kbd", "math", "option", "pre", "samp", "script", "style", "textarea", "var"});
static_assert(std::is_sorted(kRawModel.begin(), kRawModel.end()));

}  // namespace

std::size_t uname_length(std::string_view text, std::size_t at) {
  const std::size_t first = name_start_length(text, at);
  if (first == 0) return 0;
  std::size_t end = name_rest_end(text, at + first);
  // The optional prefix `NAME:` (the group is atomic, but taking the prefix
  // only when a name follows it reads the same).
  if (end < text.size() && text[end] == ':') {
    if (const std::size_t second = name_start_length(text, end + 1)) end = name_rest_end(text, end + 1 + second);
  }
  return end - at;
}

Tag match_start_tag(std::string_view text, std::size_t at) {
  Tag tag;
  const std::size_t name_length = uname_length(text, at + 1);
  if (name_length == 0) return tag;
  const std::size_t name_end = at + 1 + name_length;
  std::size_t k = name_end;
  // (?>\s+UNAME(?:\s*=\s*(?:\p{Word}+|("|').*?\3))?)*
  while (true) {
    const std::size_t spaced = skip_space(text, k);
    if (spaced == k) break;
    const std::size_t attribute_name = uname_length(text, spaced);
    if (attribute_name == 0) break;
    k = attribute_value_end(text, spaced + attribute_name);
  }
  const std::size_t attributes_end = k;
  k = skip_space(text, k);
  const bool slash = k < text.size() && text[k] == '/';
  if (slash) ++k;
  if (k >= text.size() || text[k] != '>') return tag;
  tag.length = k + 1 - at;
  tag.name = element_name(text.substr(at + 1, name_length));
  tag.attributes_begin = name_end;
  tag.attributes_end = attributes_end;
  tag.self_closed = slash;
  return tag;
}

Tag match_end_tag(std::string_view text, std::size_t at) {
  Tag tag;
  if (at + 1 >= text.size() || text[at + 1] != '/') return tag;
  const std::size_t name_length = uname_length(text, at + 2);
  if (name_length == 0) return tag;
  const std::size_t k = skip_space(text, at + 2 + name_length);
  if (k >= text.size() || text[k] != '>') return tag;
  tag.length = k + 1 - at;
  tag.name = element_name(text.substr(at + 2, name_length));
  return tag;
}

std::size_t match_comment(std::string_view text, std::size_t at) {
  if (text.substr(at, 4) != "<!--") return 0;
  const std::size_t close = text.find("-->", at + 4);
  return close == std::string_view::npos ? 0 : close + 3 - at;
}

bool is_span_element(std::string_view name) { return in_set(kSpanElements, name); }
bool is_block_element(std::string_view name) { return in_set(kBlockElements, name); }
bool is_without_body(std::string_view name) { return in_set(kWithoutBody, name); }

bool is_known_element(std::string_view lower_name) {
  return is_span_element(lower_name) || is_block_element(lower_name) || is_without_body(lower_name) ||
         in_set(kBlockModel, lower_name) || in_set(kSpanModel, lower_name) || in_set(kRawModel, lower_name);
}

ContentModel content_model(std::string_view name) {
  if (in_set(kBlockModel, name)) return ContentModel::block;
  if (in_set(kSpanModel, name)) return ContentModel::span;
  return ContentModel::raw;
}

bool ends_paragraph(std::string_view line) {
  std::size_t k = 1;
  if (line.size() > 1 && line[1] == '/') k = 2;
  const std::size_t length = uname_length(line, k);
  if (length == 0) return false;
  if (k == 2) {  // LAZY_END_HTML_STOP needs the whole end tag
    const std::size_t e = skip_space(line, k + length);
    if (e >= line.size() || line[e] != '>') return false;
  }
  // (?!(?:a|abbr|...|script)\b): a span element's name as a whole word at the start.
  const std::string_view name = line.substr(k);
  auto is_prefix_word = [&](std::string_view span) {
    if (name.substr(0, span.size()) != span) return false;
    if (name.size() == span.size()) return true;
    std::size_t cl = 0;
    return class_at(name, span.size(), cl) == 0;  // \b: a non-word character follows
  };
  if (is_prefix_word("script")) return false;
  return std::none_of(kSpanElements.begin(), kSpanElements.end(), is_prefix_word);
}

MarkdownAttribute markdown_attribute(std::string_view attributes) {
  // HTML_ATTRIBUTE_RE: \s*(UNAME)(?:\s*=\s*(?:(\p{Word}+)|("|')(.*?)\3))?
  MarkdownAttribute out;
  std::size_t k = 0;
  while (k < attributes.size()) {
    const std::size_t start = skip_space(attributes, k);
    const std::size_t name_length = uname_length(attributes, start);
    if (name_length == 0) {
      ++k;
      continue;
    }
    const std::size_t value_end = attribute_value_end(attributes, start + name_length);
    if (to_lower_ascii(attributes.substr(start, name_length)) == "markdown") {
      std::string_view value;
      if (value_end > start + name_length) {
        std::size_t v = skip_space(attributes, skip_space(attributes, start + name_length) + 1);
        value = attributes.substr(v, value_end - v);
        if (!value.empty() && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
      }
      out = {true, std::string(value)};  // the last one wins, as in a Hash
    }
    k = std::max(value_end, start + name_length);
  }
  return out;
}

}  // namespace al::kramdown
