#include "archive_lint/pattern.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <set>

namespace al {

namespace {

// RE2 gives up (and the pattern is an error) rather than use more than this
// per pattern; its DFA cache lives within it too.
constexpr std::int64_t kMaxMemory = 8 << 20;

[[noreturn]] void unsupported(std::string_view what, std::string_view construct) {
  throw PatternError(
      fmt::format("{} `{}` is not supported: archive-lint uses RE2, which runs in linear time", what, construct));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `\1`, `\k<name>`: backreferences (outside a character class).
void check_escape(std::string_view at) {
  if (at.size() < 2) return;  // RE2 reports the trailing backslash
  if (at[1] >= '1' && at[1] <= '9') unsupported("backreference", at.substr(0, 2));
  if (at[1] == 'k' && at.size() > 2 && (at[2] == '<' || at[2] == '{' || at[2] == '\''))
    unsupported("backreference", at.substr(0, 3));
}

// The end of the `{n}`, `{n,}` or `{n,m}` repetition at p[i] ('{'), or npos
// when the brace is a literal one.
std::size_t repetition_end(std::string_view p, std::size_t i) {
  std::size_t k = i + 1;
  const std::size_t digits = k;
  while (k < p.size() && is_digit(p[k])) ++k;
  if (k == digits) return std::string_view::npos;
  if (k < p.size() && p[k] == ',') {
    ++k;
    while (k < p.size() && is_digit(p[k])) ++k;
  }
  return k < p.size() && p[k] == '}' ? k : std::string_view::npos;
}

// Debian 12's RE2 takes a name twice; the first group of that name would win unseen.
void check_group_name(std::string_view p, std::size_t name_begin, std::set<std::string, std::less<>>& names) {
  const std::size_t close = p.find('>', name_begin);
  if (close == std::string_view::npos) return;  // RE2 reports it
  const std::string_view name = p.substr(name_begin, close - name_begin);
  if (!names.emplace(name).second) throw PatternError(fmt::format("the group name `{}` is used twice", name));
}

// `(?` at p[i]: throws for the groups RE2 lacks; returns how many bytes of p
// were consumed and appends their RE2 spelling to out.
std::size_t translate_group(std::string_view p, std::size_t i, std::string& out, std::set<std::string, std::less<>>& names) {
  const std::string_view rest = p.substr(i + 2);
  auto starts = [&](std::string_view s) { return rest.substr(0, s.size()) == s; };
  if (starts("<=")) unsupported("lookbehind", "(?<=");
  if (starts("<!")) unsupported("negative lookbehind", "(?<!");
  if (starts("=")) unsupported("lookahead", "(?=");
  if (starts("!")) unsupported("negative lookahead", "(?!");
  if (starts(">")) unsupported("atomic group", "(?>");
  if (starts("P=")) unsupported("backreference", "(?P=");
  if (starts("P>") || starts("R") || starts("&") || (!rest.empty() && is_digit(rest[0])) ||
      (rest.size() > 1 && (rest[0] == '+' || rest[0] == '-') && is_digit(rest[1])))
    unsupported("recursion", p.substr(i, rest[0] == '+' || rest[0] == '-' ? 4 : 3));
  if (starts("(")) unsupported("conditional group", "(?(");
  if (starts("P<")) check_group_name(p, i + 4, names);
  if (starts("<")) {
    check_group_name(p, i + 3, names);
    out += "(?P<";  // Debian 12's RE2 knows only the Python spelling of a named group
    return 3;
  }
  out += "(?";
  return 2;
}

// The pattern in the syntax of Debian 12's RE2. Character classes and escapes
// are copied as they are: `(?<` or `*+` inside them is no group or repetition.
std::string to_re2_syntax(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 8);
  std::set<std::string, std::less<>> names;
  bool in_class = false;
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\\') {
      if (!in_class) check_escape(p.substr(i));
      std::size_t n = std::min<std::size_t>(2, p.size() - i);
      if (!in_class && p.substr(i, 2) == "\\Q") {  // \Q...\E is literal text, to \E or the end
        const std::size_t end = p.find("\\E", i + 2);
        n = (end == std::string_view::npos ? p.size() : end + 2) - i;
      }
      out.append(p.substr(i, n));
      i += n;
      continue;
    }
    if (in_class) {
      std::size_t n = 1;
      if (c == '[' && p.substr(i + 1, 1) == ":") {  // [:alpha:] inside a class
        const std::size_t close = p.find(":]", i + 2);
        if (close != std::string_view::npos) n = close + 2 - i;
      } else if (c == ']') {
        in_class = false;
      }
      out.append(p.substr(i, n));
      i += n;
      continue;
    }
    if (c == '[') {
      in_class = true;
      std::size_t n = 1;
      if (p.substr(i + n, 1) == "^") ++n;
      if (p.substr(i + n, 1) == "]") ++n;  // a `]` first in the class is literal
      out.append(p.substr(i, n));
      i += n;
      continue;
    }
    if (c == '(' && p.substr(i + 1, 1) == "?") {
      i += translate_group(p, i, out, names);
      continue;
    }
    std::size_t quantifier_end = std::string_view::npos;
    if (c == '*' || c == '+' || c == '?') quantifier_end = i;
    else if (c == '{') quantifier_end = repetition_end(p, i);
    if (quantifier_end != std::string_view::npos && p.substr(quantifier_end + 1, 1) == "+")
      unsupported("possessive repetition", p.substr(i, quantifier_end + 2 - i));
    out.push_back(c);
    ++i;
  }
  return out;
}

// RE2's reason, in words.
std::string explain(const re2::RE2& re) {
  const std::string& arg = re.error_arg();
  switch (re.error_code()) {
    case re2::RE2::ErrorBadEscape:
      if (arg.rfind("\\u", 0) == 0) return fmt::format("invalid escape `{}` (RE2 writes a code point as `\\x{{4E2D}}`)", arg);
      return fmt::format("invalid escape `{}`", arg);
    case re2::RE2::ErrorBadCharClass: return fmt::format("invalid character class `{}`", arg);
    case re2::RE2::ErrorBadCharRange: return fmt::format("invalid range `{}` in a character class", arg);
    case re2::RE2::ErrorMissingBracket: return fmt::format("the character class `{}` has no closing `]`", arg);
    case re2::RE2::ErrorMissingParen: return fmt::format("a `(` in `{}` has no closing `)`", arg);
    case re2::RE2::ErrorUnexpectedParen: return fmt::format("a `)` in `{}` closes no group", arg);
    case re2::RE2::ErrorTrailingBackslash: return "the pattern ends in a lone `\\`";
    case re2::RE2::ErrorRepeatArgument: return fmt::format("`{}` repeats nothing", arg);
    case re2::RE2::ErrorRepeatSize: return fmt::format("the repetition `{}` is out of range (RE2 counts up to 1000, nested counts multiplied)", arg);
    case re2::RE2::ErrorRepeatOp: return fmt::format("`{}` repeats a repetition", arg);
    case re2::RE2::ErrorBadPerlOp: return fmt::format("`{}` is no group syntax RE2 knows", arg);
    case re2::RE2::ErrorBadUTF8: return "the pattern is not valid UTF-8";
    case re2::RE2::ErrorBadNamedCapture: return fmt::format("the group name in `{}` is invalid or used twice", arg);
    case re2::RE2::ErrorPatternTooLarge:
      return fmt::format("the pattern is too large: RE2 would need more than {} MiB for it", kMaxMemory >> 20);
    default: return "RE2 cannot compile it";
  }
}

}  // namespace

Pattern::Pattern(std::string_view text) : text_(text) {
  const std::string translated = to_re2_syntax(text);
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxMemory);
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(translated.data(), translated.size()), options);
  if (!re->ok()) throw PatternError(explain(*re));
  re_ = std::move(re);
}

std::optional<Groups> Pattern::match(std::string_view subject, std::size_t from, bool whole) const {
  // RE2 cannot tell an empty match from none in a null StringPiece.
  const re2::StringPiece text(subject.data() ? subject.data() : "", subject.size());
  const int n = 1 + re_->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> pieces(static_cast<std::size_t>(n));
  if (!re_->Match(text, from, text.size(), whole ? re2::RE2::ANCHOR_BOTH : re2::RE2::UNANCHORED, pieces.data(), n))
    return std::nullopt;
  Groups groups(pieces.size());
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    if (!pieces[k].data()) continue;
    groups[k].begin = static_cast<std::size_t>(pieces[k].data() - text.data());
    groups[k].end = groups[k].begin + pieces[k].size();
    groups[k].matched = true;
  }
  return groups;
}

bool Pattern::search(std::string_view subject) const {
  const re2::StringPiece text(subject.data() ? subject.data() : "", subject.size());
  return re_->Match(text, 0, text.size(), re2::RE2::UNANCHORED, nullptr, 0);
}

std::optional<Groups> Pattern::find(std::string_view subject, std::size_t from) const {
  if (from > subject.size()) return std::nullopt;
  return match(subject, from, false);
}

std::optional<Groups> Pattern::full_match(std::string_view subject) const { return match(subject, 0, true); }

std::optional<std::size_t> Pattern::group_number(const std::string& name) const {
  const auto& named = re_->NamedCapturingGroups();
  const auto it = named.find(name);
  if (it == named.end()) return std::nullopt;
  return static_cast<std::size_t>(it->second);
}

std::string expand_replacement(std::string_view replacement, std::string_view subject, const Groups& groups) {
  auto group = [&](std::size_t k) { return k < groups.size() ? groups[k].in(subject) : std::string_view(); };
  std::string out;
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    const char next = i + 1 < replacement.size() ? replacement[i + 1] : '\0';
    if (c != '$' || next == '\0') {
      out.push_back(c);
      continue;
    }
    ++i;
    if (next == '$') out.push_back('$');
    else if (next == '&') out += group(0);
    else if (next == '`') out += subject.substr(0, groups.empty() ? 0 : groups[0].begin);
    else if (next == '\'') out += subject.substr(groups.empty() ? subject.size() : groups[0].end);
    else if (is_digit(next)) {
      auto k = static_cast<std::size_t>(next - '0');
      if (i + 1 < replacement.size() && is_digit(replacement[i + 1])) k = k * 10 + static_cast<std::size_t>(replacement[++i] - '0');
      out += group(k);
    } else {
      out.push_back('$');
      out.push_back(next);
    }
  }
  return out;
}

std::string quote_pattern(std::string_view literal) {
  return re2::RE2::QuoteMeta(re2::StringPiece(literal.data() ? literal.data() : "", literal.size()));
}

}  // namespace al
