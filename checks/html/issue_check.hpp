#pragma once
// The html/ checks that report one kind of finding from Document::html_analysis.
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "archive_lint/check.hpp"
#include "archive_lint/html.hpp"

namespace al::checks {

class HtmlIssueCheck : public Check {
 public:
  HtmlIssueCheck(CheckMeta meta, HtmlIssueKind kind) : meta_(std::move(meta)), kind_(kind) {}
  const CheckMeta& meta() const override { return meta_; }
  void check(const Document& doc, Emitter& emit) const override {
    const HtmlAnalysis& html = doc.html_analysis;
    for (const auto& issue : html.issues) {
      if (issue.kind != kind_ || html.ignores(meta_.id, issue.begin)) continue;
      if (issue.line_note_at == std::string_view::npos) {
        emit.report(issue.begin, issue.end, issue.message, issue.fix);
      } else {
        std::string message = issue.message + issue.line_note;
        const std::size_t at = message.find("{}", issue.message.size());
        if (at != std::string::npos) message.replace(at, 2, std::to_string(doc.lines.line_of(issue.line_note_at)));
        emit.report(issue.begin, issue.end, std::move(message), issue.fix);
      }
    }
    // Past kKeptHtmlIssues of a kind only places are kept: they count towards
    // the "... and N more" finding.
    for (const auto& issue : html.omitted) {
      if (issue.kind != kind_ || html.ignores(meta_.id, issue.begin)) continue;
      emit.omit(issue.begin, issue.end);
    }
  }

 private:
  CheckMeta meta_;
  HtmlIssueKind kind_;
};

inline constexpr const char* kHtmlIgnoreHelp =
    " To silence it for one element and its content, give the element the attribute "
    "`data-archive-lint-ignore` (empty for every html rule, or a list of rule ids such as "
    "`data-archive-lint-ignore=\"html/{}\"`), or put `<!-- archive-lint-disable-next-line html/{} -->` on the "
    "line before.";

}  // namespace al::checks
