#pragma once
// Regular expressions that meet author text (post bodies, URLs): RE2, which
// matches in time linear in the text, without recursion and in bounded memory,
// so no pattern from the config can be made to hang or crash on a hostile post.
// The syntax is RE2's; `(?<name>...)` is accepted as RE2's `(?P<name>...)`, and
// what RE2 cannot do (lookaround, backreferences, possessive repetition, atomic
// groups) is an error that names the construct.
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace al {

// A pattern that does not compile. what() says why in words.
struct PatternError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where a group matched in the subject; matched is false for a group that took no part.
struct GroupSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool matched = false;
  // The group's text in the subject it matched ("" when it took no part).
  std::string_view in(std::string_view subject) const {
    return matched ? subject.substr(begin, end - begin) : std::string_view();
  }
};
using Groups = std::vector<GroupSpan>;  // [0] is the whole match

class Pattern {
 public:
  // Throws PatternError.
  explicit Pattern(std::string_view text);

  const std::string& text() const { return text_; }
  // Anywhere in subject (ECMAScript's regex_search).
  bool search(std::string_view subject) const;
  // The leftmost match that starts at or after `from`: subject[0, from) is
  // context, so `^` does not match at `from` and `\b` sees the byte before it.
  std::optional<Groups> find(std::string_view subject, std::size_t from = 0) const;
  // The whole subject (ECMAScript's regex_match).
  std::optional<Groups> full_match(std::string_view subject) const;
  // The number of a named group, or nullopt.
  std::optional<std::size_t> group_number(const std::string& name) const;

 private:
  std::optional<Groups> match(std::string_view subject, std::size_t from, bool whole) const;
  std::string text_;
  std::shared_ptr<const re2::RE2> re_;
};

// The replacement of a match, as ECMAScript's match_results::format: `$&` the
// match, `$1`..`$99` a group, `` $` `` and `$'` the text before and after it,
// `$$` a dollar sign.
std::string expand_replacement(std::string_view replacement, std::string_view subject, const Groups& groups);

// `literal` escaped so that a pattern matches exactly that text.
std::string quote_pattern(std::string_view literal);

}  // namespace al
