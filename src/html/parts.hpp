#pragma once
// What the two halves of the HTML analysis share (src/html/tokenizer.cpp and
// src/html/tree.cpp, driven by analyse_html in src/html.cpp): character
// classes, character references, and the log both add issues to. Private to
// the core library.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "archive_lint/html.hpp"

namespace al::html_detail {

inline constexpr std::size_t npos = std::string_view::npos;

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

struct CharRef {
  std::size_t length = 1;  // bytes consumed, including '&'
  std::string error;       // empty when fine
  bool is_reference = false;
};

// s[i] == '&': the character reference there, as the spec's tokenizer reads
// it. Appends the decoded text (or the literal) to out when out != nullptr.
CharRef read_char_ref(std::string_view s, std::size_t i, bool in_attribute, std::string* out);
// An attribute value with its character references decoded.
std::string decode_attribute(std::string_view raw);
// The rule ids or families in a data-archive-lint-ignore value.
std::vector<std::string> split_patterns(std::string_view text);

// The analysis under construction. Both halves add issues here; offsets
// given to issue() and limit_issue() are view offsets, issue_at() takes file
// offsets.
class AnalysisLog {
 public:
  explicit AnalysisLog(std::size_t base) : base_(base) {}
  AnalysisLog(const AnalysisLog&) = delete;
  AnalysisLog& operator=(const AnalysisLog&) = delete;

  std::size_t base() const { return base_; }
  HtmlAnalysis& out() { return out_; }

  void issue(HtmlIssueKind kind, std::size_t b, std::size_t e, std::string message) {
    issue_at(kind, base_ + b, base_ + e, std::move(message));
  }
  // Past kKeptHtmlIssues of a kind only the place is kept: a post of
  // 4 million stray `</p>` would otherwise hold 4 million messages.
  // Returns the issue, or nullptr when only its place was kept.
  HtmlIssue* issue_at(HtmlIssueKind kind, std::size_t b, std::size_t e, std::string message);
  // One html/tokenizer-error issue per limit the post goes past; always
  // kept. Returns its index in out().issues.
  std::size_t limit_issue(std::size_t b, std::size_t e, std::string message);

  // The analysis, its issues in file order.
  HtmlAnalysis take();

 private:
  std::size_t base_;
  std::array<std::size_t, 16> kept_{};  // issues kept, per kind
  HtmlAnalysis out_;
};

}  // namespace al::html_detail
