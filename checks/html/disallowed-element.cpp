#include <fmt/format.h>

#include <algorithm>

#include "archive_lint/io.hpp"
#include "archive_lint/text.hpp"
#include "issue_check.hpp"

namespace al::checks {
namespace {

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return glob_match(p, name); });
}

std::vector<std::string> lowered(std::vector<std::string> list) {
  for (auto& s : list) s = to_lower_ascii(s);
  return list;
}

class DisallowedElement final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "html/disallowed-element",
        "An HTML element that the archive does not allow",
        "Scraped or reposted content must not carry active or embedding markup such as `<script>`, "
        "`<iframe>`, `<object>` or `<form>`: it runs code from, or frames, a site the archive does not "
        "control. `allow` lists the elements a post may use (empty: every element); `deny` lists elements "
        "that are always reported. Both take element names or `*` patterns. Nothing is reported with the "
        "default options; the `news-archive` preset sets an allowlist of text, list, table and image elements."
        + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "disallowed-element", "disallowed-element"),
        Severity::warning,
        {{"allow", "string-list", "[]", "elements a post may contain; empty allows every element"},
         {"deny", "string-list", "[]", "elements that are always reported"}}};
    return m;
  }
  void configure(const YAML::Node& options) override {
    allow_ = lowered(option_string_list(options, "allow", {}));
    deny_ = lowered(option_string_list(options, "deny", {}));
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (allow_.empty() && deny_.empty()) return;
    const HtmlAnalysis& html = doc.html_analysis;
    for (const auto& tag : html.tags) {
      if (tag.foreign) continue;  // SVG and MathML children are judged by their <svg>/<math>
      const bool denied = matches_any(deny_, tag.name);
      if (!denied && (allow_.empty() || matches_any(allow_, tag.name))) continue;
      if (html.ignores(meta().id, tag.begin)) continue;
      emit.report(tag.begin, tag.end,
                  denied ? fmt::format("<{}> is not allowed in posts (option 'deny')", tag.name)
                         : fmt::format("<{}> is not among the allowed elements (option 'allow')", tag.name));
    }
  }

 private:
  std::vector<std::string> allow_, deny_;
};

class DisallowedAttribute final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "html/disallowed-attribute",
        "An HTML attribute that the archive does not allow",
        "Inline event handlers (`onclick=`, `onload=`, `onerror=` ...) run script from scraped content; "
        "other attributes such as `srcdoc` or `formaction` can too. `allow` lists the attributes a post may "
        "use (empty: every attribute); `deny` lists attributes that are always reported. Both take names or "
        "`*` patterns (`on*`, `data-*`). Nothing is reported with the default options; the `news-archive` "
        "preset denies `on*`, `srcdoc` and `formaction`. The ignore attribute itself is always allowed."
        + fmt::format(fmt::runtime(kHtmlIgnoreHelp), "disallowed-attribute", "disallowed-attribute"),
        Severity::warning,
        {{"allow", "string-list", "[]", "attributes a post may use (names or `*` patterns); empty allows every attribute"},
         {"deny", "string-list", "[]", "attributes that are always reported (names or `*` patterns)"}}};
    return m;
  }
  void configure(const YAML::Node& options) override {
    allow_ = lowered(option_string_list(options, "allow", {}));
    deny_ = lowered(option_string_list(options, "deny", {}));
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (allow_.empty() && deny_.empty()) return;
    const HtmlAnalysis& html = doc.html_analysis;
    for (const auto& tag : html.tags) {
      for (const auto& a : tag.attributes) {
        if (a.name == kHtmlIgnoreAttribute) continue;
        const bool denied = matches_any(deny_, a.name);
        if (!denied && (allow_.empty() || matches_any(allow_, a.name))) continue;
        if (html.ignores(meta().id, a.name_begin)) continue;
        emit.report(a.name_begin, a.has_value ? a.value_end : a.name_begin + a.name.size(),
                    denied ? fmt::format("attribute '{}' on <{}> is not allowed in posts (option 'deny')", a.name, tag.name)
                           : fmt::format("attribute '{}' on <{}> is not among the allowed attributes (option 'allow')",
                                         a.name, tag.name));
      }
    }
  }

 private:
  std::vector<std::string> allow_, deny_;
};

}  // namespace

std::unique_ptr<Check> make_html_disallowed_element() { return std::make_unique<DisallowedElement>(); }
std::unique_ptr<Check> make_html_disallowed_attribute() { return std::make_unique<DisallowedAttribute>(); }

}  // namespace al::checks
