// Liquid 5.4's parser, as Jekyll 4.3 runs it (see liquid.hpp). Each part
// names the Ruby it follows, in /usr/share/rubygems-integration/all/gems/
// liquid-5.4.0/lib/liquid/ and jekyll-4.3.1/lib/jekyll/tags/.
#include "archive_lint/liquid.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

#include "archive_lint/markdown.hpp"

namespace al::liquid {
namespace {

// Ruby's \s and \w are ASCII-only.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_space(c) || c == '\0'; });
}
std::string_view strip(std::string_view s) {  // Ruby's String#strip
  while (!s.empty() && (is_space(s.front()) || s.front() == '\0')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\0')) s.remove_suffix(1);
  return s;
}
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// A name or markup for a message: one line, cut at a character boundary.
std::string quote(std::string_view text) { return one_line_excerpt(text, kMaxNameBytes); }

// --- markup checks: each mirrors one tag's initialize or lax_parse ---------

// Liquid's QuotedFragment: `"[^"]*"|'[^']*'|(?:[^\s,\|'"]|QuotedString)+`.
bool fragment_char(char c) { return !is_space(c) && c != ',' && c != '|' && c != '\'' && c != '"'; }
// Whether the regex finds a QuotedFragment anywhere in s.
bool has_fragment(std::string_view s) {
  if (std::any_of(s.begin(), s.end(), fragment_char)) return true;
  return std::count(s.begin(), s.end(), '"') >= 2 || std::count(s.begin(), s.end(), '\'') >= 2;
}
bool has_quoted_string(std::string_view s) {
  return std::count(s.begin(), s.end(), '"') >= 2 || std::count(s.begin(), s.end(), '\'') >= 2;
}
// Whether a QuotedFragment starts at s[i] (the regex anchored there).
bool fragment_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return false;
  if (s[i] == '"' || s[i] == '\'') return s.find(s[i], i + 1) != std::string_view::npos;
  return fragment_char(s[i]);
}

// VariableSignature = /\(?[\w\-\.\[\]]\)?/
bool signature_char(char c) { return is_word(c) || c == '-' || c == '.' || c == '[' || c == ']'; }

// assign: /(VariableSignature+)\s*=\s*(.*)\s*/ somewhere in the markup.
bool assign_ok(std::string_view s) {
  for (std::size_t k = s.find('='); k != std::string_view::npos; k = s.find('=', k + 1)) {
    std::size_t j = k;
    while (j > 0 && is_space(s[j - 1])) --j;
    if (j == 0) continue;
    if (signature_char(s[j - 1])) return true;
    if (s[j - 1] == ')' && j >= 2 && signature_char(s[j - 2])) return true;
  }
  return false;
}

// for: /\A(VariableSegment+)\s+in\s+(QuotedFragment+)\s*(reversed)?/
bool for_ok(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (is_word(s[i]) || s[i] == '-')) ++i;
  if (i == 0 || i >= s.size() || !is_space(s[i])) return false;
  while (i < s.size() && is_space(s[i])) ++i;
  if (s.substr(i, 2) != "in" || i + 2 >= s.size() || !is_space(s[i + 2])) return false;
  i += 2;
  while (i < s.size() && is_space(s[i])) ++i;
  return fragment_at(s, i);
}

// Liquid::Lexer (the strict parsers' tokens); nullopt where it raises
// "Unexpected character".
enum class Lex : std::uint8_t { comparison, string, number, id, dotdot, pipe, dot, colon, comma, open_square,
                                close_square, open_round, close_round, question, dash, end };
struct Lexeme {
  Lex kind;
  std::string_view text;
};
std::optional<std::vector<Lexeme>> lex(std::string_view s) {
  std::vector<Lexeme> out;
  std::size_t i = 0;
  auto starts = [&](std::string_view w) { return s.substr(i, w.size()) == w; };
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) break;
    const std::size_t b = i;
    Lex kind = Lex::end;
    if (starts("==") || starts("!=") || starts("<>") || starts("<=") || starts(">=")) {
      i += 2, kind = Lex::comparison;
    } else if (s[i] == '<' || s[i] == '>') {
      i += 1, kind = Lex::comparison;
    } else if (starts("contains") && i + 8 < s.size() && is_space(s[i + 8])) {
      i += 8, kind = Lex::comparison;
    } else if ((s[i] == '\'' || s[i] == '"') && s.find(s[i], i + 1) != std::string_view::npos) {
      i = s.find(s[i], i + 1) + 1, kind = Lex::string;
    } else if (is_digit(s[i]) || (s[i] == '-' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      i += s[i] == '-';
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        for (++i; i < s.size() && is_digit(s[i]);) ++i;
      }
      kind = Lex::number;
    } else if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_') {
      while (i < s.size() && (is_word(s[i]) || s[i] == '-')) ++i;
      if (i < s.size() && s[i] == '?') ++i;
      kind = Lex::id;
    } else if (starts("..")) {
      i += 2, kind = Lex::dotdot;
    } else {
      static constexpr std::string_view specials = "|.:,[]()?-";
      const std::size_t k = specials.find(s[i]);
      if (k == std::string_view::npos) return std::nullopt;
      kind = static_cast<Lex>(static_cast<int>(Lex::pipe) + static_cast<int>(k));
      ++i;
    }
    out.push_back(Lexeme{kind, s.substr(b, i - b)});
  }
  out.push_back(Lexeme{Lex::end, {}});
  return out;
}

// Liquid::Parser over the lexemes: each step answers false where it raises.
class StrictParser {
 public:
  explicit StrictParser(std::vector<Lexeme> lexemes) : t_(std::move(lexemes)) {}
  bool look(Lex kind, std::size_t ahead = 0) const { return p_ + ahead < t_.size() && t_[p_ + ahead].kind == kind; }
  bool consume(Lex kind) {
    if (!look(kind)) return false;
    ++p_;
    return true;
  }
  bool id(std::string_view word) {
    if (!look(Lex::id) || t_[p_].text != word) return false;
    ++p_;
    return true;
  }
  // Parser#expression and #variable_lookups; the depth guard stands in for
  // Ruby's stack, which `[[[[...` would also exhaust (an error either way).
  bool expression(std::size_t depth = 0) {
    if (depth > 1000 || p_ >= t_.size()) return false;
    switch (t_[p_].kind) {
      case Lex::id:
        ++p_;
        return lookups(depth);
      case Lex::open_square:
        ++p_;
        return expression(depth + 1) && consume(Lex::close_square) && lookups(depth);
      case Lex::string:
      case Lex::number:
        ++p_;
        return true;
      case Lex::open_round:
        ++p_;
        return expression(depth + 1) && consume(Lex::dotdot) && expression(depth + 1) && consume(Lex::close_round);
      default:
        return false;
    }
  }

 private:
  bool lookups(std::size_t depth) {
    while (true) {
      if (consume(Lex::open_square)) {
        if (!expression(depth + 1) || !consume(Lex::close_square)) return false;
      } else if (consume(Lex::dot)) {
        if (!consume(Lex::id)) return false;
      } else {
        return true;
      }
    }
  }
  std::vector<Lexeme> t_;
  std::size_t p_ = 0;
};

// For#strict_parse. Under error_mode warn a for tag raises only when this and
// lax_parse both do.
bool for_strict_ok(std::string_view s) {
  auto lexemes = lex(s);
  if (!lexemes) return false;
  StrictParser p(std::move(*lexemes));
  if (!p.consume(Lex::id) || !p.id("in") || !p.expression()) return false;
  p.id("reversed");
  while (p.look(Lex::id) && p.look(Lex::colon, 1)) {
    if (!p.id("limit") && !p.id("offset")) return false;
    p.consume(Lex::colon);
    if (!p.expression()) return false;
  }
  return p.consume(Lex::end);
}

// If#strict_parse: comparison ((and|or) comparison)*, a comparison being
// expression (comparison-operator expression)?. Like for, an if raises only
// when this and lax_parse both do.
bool if_strict_ok(std::string_view s) {
  auto lexemes = lex(s);
  if (!lexemes) return false;
  StrictParser p(std::move(*lexemes));
  do {
    if (!p.expression()) return false;
    if (p.consume(Lex::comparison) && !p.expression()) return false;
  } while (p.id("and") || p.id("or"));
  return p.consume(Lex::end);
}

// tablerow: /(\w+)\s+in\s+(QuotedFragment+)/ somewhere.
bool tablerow_ok(std::string_view s) {
  for (std::size_t i = s.find("in"); i != std::string_view::npos; i = s.find("in", i + 1)) {
    if (i == 0 || !is_space(s[i - 1]) || i + 2 >= s.size() || !is_space(s[i + 2])) continue;
    std::size_t j = i - 1;
    while (j > 0 && is_space(s[j - 1])) --j;
    if (j == 0 || !is_word(s[j - 1])) continue;
    std::size_t k = i + 2;
    while (k < s.size() && is_space(s[k])) ++k;
    if (fragment_at(s, k)) return true;
  }
  return false;
}

// The `#` tag: raises when `markup =~ /\n\s*[^#\s]/`.
bool inline_comment_ok(std::string_view s) {
  for (std::size_t i = s.find('\n'); i != std::string_view::npos; i = s.find('\n', i)) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i < s.size() && s[i] != '#') return false;
  }
  return true;
}

// if / elsif / unless, lax_parse: the markup is cut by ExpressionsAndOperators
//   /(?:\b(?:\s?and\s?|\s?or\s?)\b|(?:\s*(?!\b(?:\s?and\s?|\s?or\s?)\b)(?:QuotedFragment|\S+)\s*)+)/
// and read from the end: expression (operator expression)*.
class IfMarkup {
 public:
  explicit IfMarkup(std::string_view s) : s_(s) {}

  bool ok() const {
    std::vector<std::string_view> parts = scan();
    if (parts.empty() || !has_fragment(parts.back())) return false;
    parts.pop_back();
    while (!parts.empty()) {
      const std::string_view op = strip(parts.back());
      parts.pop_back();
      const std::string_view expression = parts.empty() ? std::string_view() : parts.back();
      if (!parts.empty()) parts.pop_back();
      if (!has_fragment(expression)) return false;
      if (op != "and" && op != "or") return false;
    }
    return true;
  }

 private:
  bool boundary(std::size_t i) const {
    const bool before = i > 0 && i - 1 < s_.size() && is_word(s_[i - 1]);
    const bool after = i < s_.size() && is_word(s_[i]);
    return before != after;
  }
  // \b(?:\s?and\s?|\s?or\s?)\b at p: the end of the match, or npos.
  std::size_t operator_at(std::size_t p) const {
    if (!boundary(p)) return std::string_view::npos;
    for (std::size_t sp1 : {std::size_t{1}, std::size_t{0}}) {
      if (sp1 == 1 && (p >= s_.size() || !is_space(s_[p]))) continue;
      for (std::string_view word : {std::string_view("and"), std::string_view("or")}) {
        const std::size_t q = p + sp1;
        if (s_.substr(q, word.size()) != word) continue;
        const std::size_t r = q + word.size();
        for (std::size_t sp2 : {std::size_t{1}, std::size_t{0}}) {
          if (sp2 == 1 && (r >= s_.size() || !is_space(s_[r]))) continue;
          if (boundary(r + sp2)) return r + sp2;
        }
      }
    }
    return std::string_view::npos;
  }
  // QuotedFragment anchored at r (r is not a space), else \S+.
  std::size_t fragment_end(std::size_t r) const {
    const char c = s_[r];
    if (c == '"' || c == '\'') {
      const std::size_t close = s_.find(c, r + 1);
      if (close != std::string_view::npos) return close + 1;
    }
    std::size_t k = r;
    while (k < s_.size()) {
      if (fragment_char(s_[k])) {
        ++k;
      } else if ((s_[k] == '"' || s_[k] == '\'') && s_.find(s_[k], k + 1) != std::string_view::npos) {
        k = s_.find(s_[k], k + 1) + 1;
      } else {
        break;
      }
    }
    if (k > r) return k;
    while (k < s_.size() && !is_space(s_[k])) ++k;
    return k;
  }
  std::vector<std::string_view> scan() const {
    std::vector<std::string_view> parts;
    std::size_t p = 0;
    while (p < s_.size()) {
      if (const std::size_t m = operator_at(p); m != std::string_view::npos) {
        parts.push_back(s_.substr(p, m - p));
        p = m;
        continue;
      }
      std::size_t q = p;
      std::size_t skipped = p;
      while (true) {
        std::size_t r = q;
        while (r < s_.size() && is_space(s_[r])) ++r;
        skipped = r;
        if (r >= s_.size() || operator_at(r) != std::string_view::npos) break;
        r = fragment_end(r);
        while (r < s_.size() && is_space(s_[r])) ++r;
        q = r;
      }
      if (q > p) {
        parts.push_back(s_.substr(p, q - p));
        p = q;
      } else {
        p = std::max(p + 1, skipped);  // no match starts inside a run of spaces
      }
    }
    return parts;
  }
  std::string_view s_;
};

// Jekyll's include, VARIABLE_SYNTAX: a file name with `{{ variable }}` in it,
//   /(?<variable>[^{]*(\{\{\s*[\w\-.]+\s*(\|.*)?\}\}[^\s{}]*)+)(?<params>.*)/m
// Where the parameters start, or npos when it does not match.
std::size_t include_variable_end(std::string_view s) {
  const std::size_t last = s.rfind("}}");  // `(\|.*)?` is greedy: a pipe's group ends at the last `}}`
  auto group_end = [&](std::size_t k) -> std::size_t {  // one `{{ name }}...` group at k
    if (s.substr(k, 2) != "{{") return std::string_view::npos;
    std::size_t i = k + 2;
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t name = i;
    while (i < s.size() && (is_word(s[i]) || s[i] == '-' || s[i] == '.')) ++i;
    if (i == name) return std::string_view::npos;
    while (i < s.size() && is_space(s[i])) ++i;
    if (i < s.size() && s[i] == '|') {
      if (last == std::string_view::npos || last < i) return std::string_view::npos;
      i = last + 2;
    } else if (s.substr(i, 2) == "}}") {
      i += 2;
    } else {
      return std::string_view::npos;
    }
    while (i < s.size() && !is_space(s[i]) && s[i] != '{' && s[i] != '}') ++i;
    return i;
  };
  for (std::size_t k = s.find('{'); k != std::string_view::npos; k = s.find('{', k + 1)) {
    std::size_t end = group_end(k);
    if (end == std::string_view::npos) continue;
    for (std::size_t next; (next = group_end(end)) != std::string_view::npos;) end = next;
    return end;
  }
  return std::string_view::npos;
}

// Jekyll's include: the file name and parameters (VARIABLE_SYNTAX, else
// `split(/\s+/, 2)`); the parameters must match FULL_VALID_SYNTAX,
// /\A\s*(?:([\w-]+)\s*=\s*(?:"..."|'...'|[\w.-]+)(?=\s|\z)\s*)*\z/.
bool include_ok(std::string_view markup) {
  const std::string_view s = strip(markup);
  std::size_t i = include_variable_end(s);
  if (i == std::string_view::npos) {
    i = 0;
    while (i < s.size() && !is_space(s[i])) ++i;
  }
  if (i >= s.size()) return true;
  while (i < s.size() && is_space(s[i])) ++i;
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) return true;
    const std::size_t key = i;
    while (i < s.size() && (is_word(s[i]) || s[i] == '-')) ++i;
    if (i == key) return false;
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size() || s[i] != '=') return false;
    ++i;
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) return false;
    if (s[i] == '"' || s[i] == '\'') {
      const char q = s[i++];
      while (i < s.size() && s[i] != q) {
        if (s[i] == '\\') {
          if (i + 1 >= s.size() || s[i + 1] == '\n') return false;
          ++i;
        }
        ++i;
      }
      if (i >= s.size()) return false;
      ++i;
    } else {
      const std::size_t value = i;
      while (i < s.size() && (is_word(s[i]) || s[i] == '.' || s[i] == '-')) ++i;
      if (i == value) return false;
    }
    if (i < s.size() && !is_space(s[i])) return false;
  }
}

// Jekyll's highlight: markup.strip =~
//   /^([a-zA-Z0-9.+#_-]+)((\s+\w+(=(\w+|"([0-9]+\s)*[0-9]+"))?)*)$/  (^ and $ are line anchors)
bool highlight_from(std::string_view s, std::size_t i) {
  auto lang_char = [](char c) { return is_word(c) || c == '.' || c == '+' || c == '#' || c == '-'; };
  const std::size_t start = i;
  while (i < s.size() && lang_char(s[i])) ++i;
  if (i == start) return false;
  while (true) {
    if (i >= s.size() || s[i] == '\n') return true;
    if (!is_space(s[i])) return false;
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t word = i;
    while (i < s.size() && is_word(s[i])) ++i;
    if (i == word) return false;
    if (i < s.size() && s[i] == '=') {
      ++i;
      if (i < s.size() && s[i] == '"') {
        ++i;
        while (true) {
          const std::size_t digits = i;
          while (i < s.size() && is_digit(s[i])) ++i;
          if (i == digits) return false;
          if (i + 1 < s.size() && is_space(s[i]) && is_digit(s[i + 1])) {
            ++i;
            continue;
          }
          break;
        }
        if (i >= s.size() || s[i] != '"') return false;
        ++i;
      } else {
        const std::size_t value = i;
        while (i < s.size() && is_word(s[i])) ++i;
        if (i == value) return false;
      }
    }
  }
}
bool highlight_ok(std::string_view markup) {
  const std::string_view s = strip(markup);
  std::size_t tries = 0;  // each start can scan to the end: a bounded number of them
  for (std::size_t ls = 0; ls != std::string_view::npos && tries < 64; ++tries) {
    if (highlight_from(s, ls)) return true;
    ls = s.find('\n', ls);
    if (ls != std::string_view::npos) ++ls;
  }
  return false;
}

// Jekyll's post_url: PostComparer's /^(.+\/)*(\d+-\d+-\d+)-(.*)$/ after sub(/^\//, "").
bool post_url_ok(std::string_view markup) {
  std::string s(strip(markup));
  for (std::size_t p = 0; p < s.size(); p = s.find('\n', p) == std::string::npos ? s.size() : s.find('\n', p) + 1) {
    if (s[p] == '/') {
      s.erase(p, 1);
      break;
    }
  }
  auto date_at = [&](std::size_t i) {
    for (int part = 0; part < 3; ++part) {
      const std::size_t d = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i == d || i >= s.size() || s[i] != '-') return false;
      ++i;
    }
    return true;
  };
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      line_start = i + 1;
      continue;
    }
    const bool anchored = i == line_start || (i >= line_start + 2 && s[i - 1] == '/');
    if (anchored && is_digit(s[i]) && date_at(i)) return true;
  }
  return false;
}

// The message Liquid (or Jekyll) raises for a tag's markup, or nullopt.
std::optional<std::string> markup_error(std::string_view name, std::string_view markup) {
  if (name == "if" || name == "unless" || name == "elsif") {
    if (!IfMarkup(markup).ok() && !if_strict_ok(markup)) return "Syntax Error in tag 'if' - Valid syntax: if [expression]";
  } else if (name == "for") {
    if (!for_ok(markup) && !for_strict_ok(markup)) return "Syntax Error in 'for loop' - Valid syntax: for [item] in [collection]";
  } else if (name == "assign") {
    if (!assign_ok(markup)) return "Syntax Error in 'assign' - Valid syntax: assign [var] = [source]";
  } else if (name == "capture") {
    if (!std::any_of(markup.begin(), markup.end(), signature_char))
      return "Syntax Error in 'capture' - Valid syntax: capture [var]";
  } else if (name == "case") {
    if (!has_fragment(markup)) return "Syntax Error in 'case' - Valid syntax: case [condition]";
  } else if (name == "when") {
    if (!has_fragment(markup)) return "Valid when condition: {% when [condition] [or condition2...] %}";
  } else if (name == "cycle") {
    if (!fragment_at(markup, 0)) return "Syntax Error in 'cycle' - Valid syntax: cycle [name :] var [, var2, var3 ...]";
  } else if (name == "tablerow") {
    if (!tablerow_ok(markup)) return "Syntax Error in 'table_row loop' - Valid syntax: table_row [item] in [collection]";
  } else if (name == "render") {
    if (!has_quoted_string(markup)) return "Syntax error in tag 'render' - Template name must be a quoted string";
  } else if (name == "raw") {
    if (!is_blank(markup)) return "Syntax Error in 'raw' - Valid syntax: raw";
  } else if (name == "#") {
    if (!inline_comment_ok(markup)) return "Each line of comments must be prefixed by the '#' character";
  } else if (name == "include" || name == "include_relative") {
    if (!include_ok(markup)) return fmt::format("Valid syntax: {{% {} file.ext param='value' param2='value' %}}", name);
  } else if (name == "highlight") {
    if (!highlight_ok(markup)) return "Valid syntax: highlight <lang> [linenos]";
  } else if (name == "post_url") {
    if (!post_url_ok(markup)) return "the post's name must contain a date and a title, as in 2022-01-20-title";
  }
  return std::nullopt;
}

// --- tokens -----------------------------------------------------------------

enum class TokenKind : std::uint8_t { text, output, tag, bad_tag };

struct Token {
  TokenKind kind = TokenKind::text;
  std::size_t begin = 0, end = 0;  // in the text
  std::string_view name, markup;   // tags only
};

// BlockBody's FullToken: /\A{%-?(\s*)(#|\w+)(\s*)(.*?)-?%}\z/m
Token read_tag(std::string_view text, std::size_t b, std::size_t e) {
  Token t{TokenKind::bad_tag, b, e, {}, {}};
  if (e - b < 4) return t;
  std::size_t i = b + 2;
  const std::size_t close = e - 2;
  if (text[i] == '-') ++i;
  while (i < close && is_space(text[i])) ++i;
  const std::size_t name = i;
  if (i < close && text[i] == '#') {
    ++i;
  } else {
    while (i < close && is_word(text[i])) ++i;
  }
  if (i == name) return t;
  t.name = text.substr(name, i - name);
  while (i < close && is_space(text[i])) ++i;
  std::size_t markup_end = close;
  if (markup_end > i && text[markup_end - 1] == '-') --markup_end;
  t.markup = text.substr(i, markup_end - i);
  t.kind = TokenKind::tag;
  return t;
}

// Where tokens come from: the body (Liquid::Tokenizer) or the lines of a `liquid` tag.
class Source {
 public:
  virtual ~Source() = default;
  virtual bool next(Token& token) = 0;
  virtual std::string_view text() const = 0;
};

// Liquid::Tokenizer: source.split(/({%.*?%}|{{.*?}}?|{%|{{)/m). The searches
// for `%}` and `}` remember their last answer, so a run of unclosed `{%` is
// not rescanned from each one (linear time).
class BodySource final : public Source {
 public:
  BodySource(std::string_view text, std::uint64_t& steps) : text_(text), steps_(steps) {}
  std::string_view text() const override { return text_; }

  bool next(Token& token) override {
    if (pos_ >= text_.size()) return false;
    const std::size_t start = next_start(pos_);
    if (start > pos_) {
      token = Token{TokenKind::text, pos_, start, {}, {}};
      pos_ = start;
      return true;
    }
    std::size_t end = start + 2;
    if (text_[start + 1] == '%') {
      const std::size_t close = find_cached(tag_close_, "%}", start + 2);
      if (close != std::string_view::npos) end = close + 2;
      token = read_tag(text_, start, end);
    } else {
      const std::size_t close = find_cached(brace_, "}", start + 2);
      if (close != std::string_view::npos) end = close + 1 + (close + 1 < text_.size() && text_[close + 1] == '}');
      token = Token{TokenKind::output, start, end, {}, {}};
    }
    pos_ = end;
    return true;
  }

 private:
  struct Cache {
    std::size_t from = 0, found = 0;
    bool valid = false;
  };
  std::size_t next_start(std::size_t from) {
    std::size_t i = from;
    while (true) {
      i = text_.find('{', i);
      if (i == std::string_view::npos || i + 1 >= text_.size()) {
        steps_ += text_.size() - from;
        return text_.size();
      }
      if (text_[i + 1] == '{' || text_[i + 1] == '%') {
        steps_ += i - from;
        return i;
      }
      ++i;
    }
  }
  std::size_t find_cached(Cache& cache, std::string_view what, std::size_t from) {
    if (cache.valid && from >= cache.from && (cache.found == std::string_view::npos || cache.found >= from))
      return cache.found;
    cache.from = from;
    cache.found = text_.find(what, from);
    cache.valid = true;
    steps_ += (cache.found == std::string_view::npos ? text_.size() : cache.found) - from;
    return cache.found;
  }

  std::string_view text_;
  std::uint64_t& steps_;
  std::size_t pos_ = 0;
  Cache tag_close_, brace_;
};

// BlockBody#parse_for_liquid_tag: each line of the markup is a tag,
// /\A\s*(#|\w+)\s*(.*?)\z/; a line that is not is a tag named by the whole line.
class LineSource final : public Source {
 public:
  LineSource(std::string_view text, std::size_t begin, std::size_t end) : text_(text), pos_(begin), end_(end) {}
  std::string_view text() const override { return text_; }

  bool next(Token& token) override {
    while (pos_ < end_) {
      std::size_t eol = text_.find('\n', pos_);
      if (eol == std::string_view::npos || eol > end_) eol = end_;
      const std::size_t b = pos_;
      pos_ = eol + 1;
      const std::string_view line = text_.substr(b, eol - b);
      if (is_blank(line)) continue;
      std::size_t i = 0;
      while (is_space(line[i])) ++i;
      std::size_t n = i;
      if (line[n] == '#') {
        ++n;
      } else {
        while (n < line.size() && is_word(line[n])) ++n;
      }
      token = Token{TokenKind::tag, b, eol, line, line};
      if (n > i) {
        token.name = line.substr(i, n - i);
        while (n < line.size() && is_space(line[n])) ++n;
        token.markup = line.substr(n);
      }
      return true;
    }
    return false;
  }

 private:
  std::string_view text_;
  std::size_t pos_, end_;
};

// Raw's FullTokenPossiblyInvalid, /\A(.*){%\s*(\w+)\s*(.*)?%}\z/m: the word
// after the last `{%` that has one, when the token ends with `%}`.
bool closes_raw(std::string_view token) {
  if (token.size() < 4 || token.substr(token.size() - 2) != "%}") return false;
  const std::string_view body = token.substr(0, token.size() - 2);
  for (std::size_t k = body.rfind("{%"); k != std::string_view::npos; k = k == 0 ? std::string_view::npos : body.rfind("{%", k - 1)) {
    std::size_t i = k + 2;
    while (i < body.size() && is_space(body[i])) ++i;
    const std::size_t w = i;
    while (i < body.size() && is_word(body[i])) ++i;
    if (i > w) return body.substr(w, i - w) == "endraw";
  }
  return false;
}

// --- the block parser -------------------------------------------------------

enum class FrameKind : std::uint8_t { root, liquid_root, block, if_block, for_block, case_block, comment };

struct Frame {
  FrameKind kind;
  std::string_view name;
  std::size_t begin = 0, end = 0;  // the opening tag
  std::size_t span = 0;            // for a comment: its span's index (+1; 0 = none)
  bool seen_else = false;
};

FrameKind kind_of_block(std::string_view name) {
  if (name == "if" || name == "unless") return FrameKind::if_block;
  if (name == "for") return FrameKind::for_block;
  if (name == "case") return FrameKind::case_block;
  if (name == "comment") return FrameKind::comment;
  return FrameKind::block;
}

class Parser {
 public:
  Parser(const KnownTags& known, std::size_t base, ParseResult& out) : known_(known), base_(base), out_(out) {}

  // Parses everything `source` yields; frames below `floor` belong to the caller.
  void run(Source& source, std::vector<Frame>& stack) {
    const std::size_t floor = stack.size();
    Token token;
    while (!stop_ && source.next(token)) {
      switch (token.kind) {
        case TokenKind::text:
          break;
        case TokenKind::output: {
          const std::string_view t = source.text().substr(token.begin, token.end - token.begin);
          if (t.size() >= 4 && t.substr(t.size() - 2) == "}}") {
            span(SpanKind::output, token.begin, token.end);
          } else {
            error(ErrorKind::unterminated_output, token, t, {}, {});
          }
          break;
        }
        case TokenKind::bad_tag:
          error(ErrorKind::unterminated_tag, token, source.text().substr(token.begin, token.end - token.begin), {}, {});
          break;
        case TokenKind::tag:
          tag(source, stack, token);
          break;
      }
    }
    while (!stop_ && stack.size() > floor) {
      const Frame& f = stack.back();
      error(ErrorKind::never_closed, Token{TokenKind::tag, f.begin, f.end, f.name, {}}, f.name, f.name, {});
      if (f.span) out_.spans[f.span - 1].end = static_cast<std::uint32_t>(base_ + source.text().size());
      stack.pop_back();
    }
  }

 private:
  void tag(Source& source, std::vector<Frame>& stack, const Token& token) {
    const std::string_view name = token.name;
    if (name == "liquid" && stack.front().kind == FrameKind::root) {
      span(SpanKind::tag, token.begin, token.end);
      const std::size_t markup = static_cast<std::size_t>(token.markup.data() - source.text().data());
      LineSource lines(source.text(), markup, markup + token.markup.size());
      std::vector<Frame> inner{Frame{FrameKind::liquid_root, "liquid", token.begin, token.end}};
      open_blocks_base_ += open_blocks(stack);
      run(lines, inner);
      open_blocks_base_ -= open_blocks(stack);
      return;
    }
    Frame& top = stack.back();
    if (top.kind != FrameKind::root && top.kind != FrameKind::liquid_root && name.size() == top.name.size() + 3 &&
        starts_with(name, "end") && name.substr(3) == top.name) {
      close(stack, token);
      return;
    }
    if (known_.blocks.count(name)) {
      open(source, stack, token);
    } else if (known_.tags.count(name)) {
      span(SpanKind::tag, token.begin, token.end);
      if (auto why = markup_error(name, token.markup)) error(ErrorKind::malformed_tag, token, name, {}, *why);
    } else {
      unknown(stack, token);
    }
  }

  static std::size_t open_blocks(const std::vector<Frame>& stack) { return stack.size() - 1; }

  void open(Source& source, std::vector<Frame>& stack, const Token& token) {
    if (auto why = markup_error(token.name, token.markup)) error(ErrorKind::malformed_tag, token, token.name, {}, *why);
    if (token.name == "raw") {
      raw(source, token);
      return;
    }
    if (open_blocks_base_ + open_blocks(stack) >= kMaxDepth) {
      error(ErrorKind::nesting_too_deep, token, token.name, {}, {});
      stop_ = true;  // Liquid raises StackLevelError; nothing after it is parsed
      return;
    }
    Frame f{kind_of_block(token.name), token.name, token.begin, token.end};
    if (f.kind == FrameKind::comment) {
      span(SpanKind::comment_block, token.begin, token.end);
      if (!out_.spans.empty() && out_.spans.back().begin == base_ + token.begin) f.span = out_.spans.size();
    } else {
      span(SpanKind::tag, token.begin, token.end);
    }
    stack.push_back(f);
  }

  void close(std::vector<Frame>& stack, const Token& token) {
    const Frame& f = stack.back();
    if (f.span) {
      out_.spans[f.span - 1].end = static_cast<std::uint32_t>(base_ + token.end);
    } else {
      span(SpanKind::tag, token.begin, token.end);
    }
    stack.pop_back();
  }

  // Raw#parse: tokens are text until one closes it; the block is one span.
  void raw(Source& source, const Token& open) {
    Token token;
    while (source.next(token)) {
      if (closes_raw(source.text().substr(token.begin, token.end - token.begin))) {
        span(SpanKind::raw_block, open.begin, token.end);
        return;
      }
    }
    span(SpanKind::raw_block, open.begin, source.text().size());
    error(ErrorKind::never_closed, open, "raw", "raw", {});
  }

  // A tag nobody registered: the enclosing block's unknown_tag decides.
  void unknown(std::vector<Frame>& stack, const Token& token) {
    Frame& top = stack.back();
    const std::string_view name = token.name;
    span(SpanKind::tag, token.begin, token.end);
    if (known_.unnamed_plugins && name != "else" && name != "elsif" && name != "when" && name != "end" &&
        !(starts_with(name, "end") && known_.blocks.count(name.substr(3))))
      return;  // perhaps a plugin's tag (or its end tag)
    switch (top.kind) {
      case FrameKind::comment:
        return;  // Comment#unknown_tag ignores everything
      case FrameKind::if_block:
        if (name == "else") return;
        if (name == "elsif") {
          if (auto why = markup_error(name, token.markup)) error(ErrorKind::malformed_tag, token, name, {}, *why);
          return;
        }
        break;
      case FrameKind::for_block:
        if (name == "else") {
          if (top.seen_else) stack.pop_back();  // For#parse reads one `else` body, then the for tag is done
          else top.seen_else = true;
          return;
        }
        break;
      case FrameKind::case_block:
        if (name == "when") {
          if (auto why = markup_error(name, token.markup)) error(ErrorKind::malformed_tag, token, name, {}, *why);
          return;
        }
        if (name == "else") {
          if (!is_blank(token.markup))
            error(ErrorKind::malformed_tag, token, name, {}, "Valid else condition: {% else %} (no parameters)");
          return;
        }
        break;
      case FrameKind::root:
        if (name == "else" || name == "end") {
          error(ErrorKind::unexpected_else, token, name, {}, {});
          return;
        }
        if (starts_with(name, "end")) {
          error(ErrorKind::wrong_end_tag, token, name, {}, {});
          return;
        }
        error(ErrorKind::unknown_tag, token, name, {}, {});
        return;
      default:
        break;
    }
    // Block.raise_unknown_tag
    if (name == "else") {
      error(ErrorKind::unexpected_else, token, name, top.name, {});
    } else if (starts_with(name, "end")) {
      error(ErrorKind::wrong_end_tag, token, name, top.name, {});
      end_outer_block(stack, token);
    } else {
      error(ErrorKind::unknown_tag, token, name, {}, {});
    }
  }

  // After a wrong end tag: if it ends a block further out, the blocks inside
  // it end too (the author most likely forgot their end tags), else it is dropped.
  void end_outer_block(std::vector<Frame>& stack, const Token& token) {
    const std::string_view closes = token.name.substr(3);
    for (std::size_t i = stack.size(); i-- > 1;) {
      if (stack[i].kind == FrameKind::liquid_root) return;
      if (stack[i].name == closes) {
        while (stack.size() > i + 1) stack.pop_back();
        close(stack, token);
        return;
      }
    }
  }

  void span(SpanKind kind, std::size_t b, std::size_t e) {
    if (out_.spans.size() >= kMaxSpans) {
      ++out_.spans_omitted;
      return;
    }
    out_.spans.push_back(Span{kind, static_cast<std::uint32_t>(base_ + b), static_cast<std::uint32_t>(base_ + e)});
  }

  void error(ErrorKind kind, const Token& token, std::string_view tag, std::string_view block, std::string detail) {
    if (out_.errors.size() >= kMaxErrors) {
      if (out_.errors_omitted++ == 0) out_.first_omitted_error = base_ + token.begin;
      return;
    }
    out_.errors.push_back(Error{kind, base_ + token.begin, base_ + token.end, quote(tag), quote(block), std::move(detail)});
  }

  const KnownTags& known_;
  std::size_t base_;
  ParseResult& out_;
  std::size_t open_blocks_base_ = 0;  // blocks open around the `liquid` tag being parsed
  bool stop_ = false;
};

}  // namespace

KnownTags KnownTags::jekyll() {
  KnownTags k;
  // Liquid 5.4's Template.register_tag calls (liquid/tags/*.rb), then Jekyll 4.3's (jekyll/tags/*.rb).
  k.tags = {"assign", "break", "continue", "cycle", "decrement", "echo", "increment", "render", "#",
            "include", "include_relative", "link", "post_url"};
  k.blocks = {"capture", "case", "comment", "for", "if", "ifchanged", "raw", "tablerow", "unless", "highlight"};
  return k;
}

ParseResult parse(std::string_view text, std::size_t base, const KnownTags& known) {
  ParseResult out;
  BodySource source(text, out.steps);
  std::vector<Frame> stack{Frame{FrameKind::root, {}, 0, 0}};
  Parser(known, base, out).run(source, stack);
  return out;
}

std::string describe(const Error& e) {
  switch (e.kind) {
    case ErrorKind::unterminated_output:
      return fmt::format("`{}` is not closed by `}}}}`: `jekyll build` fails (Variable was not properly terminated)",
                         e.tag);
    case ErrorKind::unterminated_tag:
      return fmt::format("`{}` is not a complete Liquid tag (`{{%` needs a tag name and `%}}`): `jekyll build` fails "
                         "(Tag was not properly terminated)",
                         e.tag);
    case ErrorKind::unknown_tag:
      return fmt::format("unknown Liquid tag '{}': `jekyll build` fails with \"Unknown tag '{}'\"; wrap article text in {{% raw %}}...{{% endraw %}}; if a "
                         "plugin defines the tag, list it in the rule's `tags:` or `blocks:` option",
                         e.tag, e.tag);
    case ErrorKind::never_closed:
      return fmt::format("'{}' tag was never closed: `jekyll build` fails; add {{% end{} %}}", e.block, e.block);
    case ErrorKind::wrong_end_tag:
      if (e.block.empty())
        return fmt::format("{{% {} %}} closes no open block: `jekyll build` fails with \"Unknown tag '{}'\"", e.tag,
                           e.tag);
      if (e.block == "liquid")
        return fmt::format("{{% {} %}} inside a `liquid` tag cannot close a block opened outside it: `jekyll build` fails",
                           e.tag);
      return fmt::format("'{}' is not a valid delimiter for {} tags: `jekyll build` fails; use end{}", e.tag, e.block,
                         e.block);
    case ErrorKind::unexpected_else:
      if (e.block.empty()) return fmt::format("'{}' outside any block: `jekyll build` fails (Unexpected outer '{}' tag)", e.tag, e.tag);
      return fmt::format("{} tag does not expect 'else': `jekyll build` fails", e.block);
    case ErrorKind::malformed_tag:
      return fmt::format("malformed Liquid tag '{}': `jekyll build` fails ({})", e.tag, e.detail);
    case ErrorKind::nesting_too_deep:
      return fmt::format("more than {} nested Liquid blocks at '{}': `jekyll build` fails (Nesting too deep)", kMaxDepth,
                         e.tag);
  }
  return "Liquid syntax error";
}

}  // namespace al::liquid
