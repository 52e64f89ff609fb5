// The HTML analysis of a post body (see html.hpp): character references, and
// analyse_html, which drives the tokenizer (src/html/tokenizer.cpp) into the
// tree builder (src/html/tree.cpp) over one shared AnalysisLog.
#include "archive_lint/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "archive_lint/document.hpp"
#include "archive_lint/text.hpp"
#include "html/parts.hpp"
#include "html/tokenizer.hpp"
#include "html/tree.hpp"
#include "kramdown/tags.hpp"

namespace al {

namespace html_detail {

namespace {

struct Entity {
  std::string_view name;
  std::string_view value;
};

constexpr Entity kEntities[] = {
#include "html_entities.inc"
};

const Entity* find_entity(std::string_view name) {
  const auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                                   [](const Entity& e, std::string_view n) { return e.name < n; });
  if (it != std::end(kEntities) && it->name == name) return &*it;
  return nullptr;
}


// The C1 remapping table of the spec's numeric character reference end state.
std::uint32_t remap_c1(std::uint32_t cp) {
  static constexpr std::array<std::uint16_t, 32> kC1 = {
      0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  return (cp >= 0x80 && cp <= 0x9F) ? kC1[cp - 0x80] : cp;
}

struct NumericReference {
  std::string error;     // empty when fine
  std::uint32_t cp = 0;  // what the tokenizer puts in the reference's place
};

// Judges a numeric reference's code point as the spec's numeric character
// reference end state does.
NumericReference judge_numeric_reference(std::string_view text, std::uint32_t cp, bool semicolon) {
  if (cp == 0) return {fmt::format("'{}' refers to U+0000", text), 0xFFFD};
  if (cp > 0x10FFFF) return {fmt::format("'{}' is beyond U+10FFFF", text), 0xFFFD};
  if (cp >= 0xD800 && cp <= 0xDFFF) return {fmt::format("'{}' refers to a surrogate", text), 0xFFFD};
  if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return {fmt::format("'{}' refers to a noncharacter", text), cp};
  if (cp == 0x0D || (cp < 0x20 && cp != 0x09 && cp != 0x0A && cp != 0x0C) || (cp >= 0x7F && cp <= 0x9F))
    return {fmt::format("'{}' refers to a control character", text), remap_c1(cp)};
  if (!semicolon) return {fmt::format("'{}' is missing its ';'", text), cp};
  return {std::string(), cp};
}

// s[i] == '&', s[i + 1] == '#': `&#123;` or `&#x7b;`.
CharRef read_numeric_ref(std::string_view s, std::size_t i, std::string* out) {
  CharRef r;
  const std::size_t n = s.size();
  std::size_t j = i + 2;
  const bool hex = j < n && (s[j] == 'x' || s[j] == 'X');
  if (hex) ++j;
  const std::size_t digits_begin = j;
  std::uint64_t value = 0;
  while (j < n && (hex ? std::isxdigit(static_cast<unsigned char>(s[j])) != 0 : is_digit(s[j]))) {
    const int d = is_digit(s[j]) ? s[j] - '0' : lower(s[j]) - 'a' + 10;
    if (value <= 0x10FFFF) value = value * (hex ? 16 : 10) + static_cast<std::uint64_t>(d);
    ++j;
  }
  if (j == digits_begin) {
    r.error = fmt::format("'{}' has no digits", s.substr(i, j - i));
    if (out) out->append(s.substr(i, j - i));
    r.length = j - i;
    return r;
  }
  r.is_reference = true;
  const bool semicolon = j < n && s[j] == ';';
  if (semicolon) ++j;
  r.length = j - i;
  const auto cp = static_cast<std::uint32_t>(std::min<std::uint64_t>(value, 0x110000));
  NumericReference judged = judge_numeric_reference(s.substr(i, r.length), cp, semicolon);
  r.error = std::move(judged.error);
  if (out) append_utf8(*out, judged.cp);
  return r;
}

}  // namespace

// s[i] == '&'. Appends the decoded text (or the literal) to out when out != nullptr.
CharRef read_char_ref(std::string_view s, std::size_t i, bool in_attribute, std::string* out) {
  const std::size_t n = s.size();
  const std::size_t j = i + 1;
  if (j < n && s[j] == '#') return read_numeric_ref(s, i, out);
  CharRef r;
  // Named: the longest run of alphanumerics, then the longest matching name.
  std::size_t e = j;
  while (e < n && e - j < 40 && is_alnum(s[e])) ++e;
  if (e == j) {
    if (out) out->push_back('&');
    return r;
  }
  if (e < n && s[e] == ';') {
    if (const Entity* ent = find_entity(s.substr(j, e + 1 - j))) {
      r.is_reference = true;
      r.length = e + 1 - i;
      if (out) out->append(ent->value);
      return r;
    }
  }
  // Legacy names without ';' (like &amp or &copy): longest prefix.
  for (std::size_t k = e; k > j; --k) {
    const Entity* ent = find_entity(s.substr(j, k - j));
    if (!ent) continue;
    const char next = k < n ? s[k] : '\0';
    if (in_attribute && (next == '=' || is_alnum(next))) break;  // historical: left as text
    r.is_reference = true;
    r.length = k - i;
    r.error = fmt::format("'{}' is missing its ';'", s.substr(i, k - i));
    if (out) out->append(ent->value);
    return r;
  }
  if (e < n && s[e] == ';') {
    r.error = fmt::format("'{}' is not a known character reference", s.substr(i, e + 1 - i));
    r.length = e + 1 - i;
    r.is_reference = true;
    if (out) out->append(s.substr(i, r.length));
    return r;
  }
  if (out) out->push_back('&');
  return r;
}

std::string decode_attribute(std::string_view raw) {
  if (raw.find('&') == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    if (raw[i] != '&') {
      out.push_back(raw[i++]);
      continue;
    }
    i += read_char_ref(raw, i, true, &out).length;
  }
  return out;
}

std::vector<std::string> split_patterns(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (is_ws(text[i]) || text[i] == ',')) ++i;
    std::size_t e = i;
    while (e < text.size() && !is_ws(text[e]) && text[e] != ',') ++e;
    if (e > i) out.emplace_back(text.substr(i, e - i));
    i = e;
  }
  return out;
}

HtmlIssue* AnalysisLog::issue_at(HtmlIssueKind kind, std::size_t b, std::size_t e, std::string message) {
  auto& kept = kept_[static_cast<std::size_t>(kind)];
  if (kept < kKeptHtmlIssues) {
    ++kept;
    out_.issues.push_back({kind, b, e, std::move(message), std::string_view::npos, {}, std::nullopt});
    return &out_.issues.back();
  }
  out_.omitted.push_back({kind, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
  return nullptr;
}

std::size_t AnalysisLog::limit_issue(std::size_t b, std::size_t e, std::string message) {
  out_.issues.push_back({HtmlIssueKind::tokenizer_error, base_ + b, base_ + e, std::move(message), std::string_view::npos, {}, std::nullopt});
  return out_.issues.size() - 1;
}

HtmlAnalysis AnalysisLog::take() {
  std::stable_sort(out_.issues.begin(), out_.issues.end(),
                   [](const HtmlIssue& a, const HtmlIssue& b) { return a.begin < b.begin; });
  std::stable_sort(out_.omitted.begin(), out_.omitted.end(),
                   [](const OmittedHtmlIssue& a, const OmittedHtmlIssue& b) { return a.begin < b.begin; });
  return std::move(out_);
}

}  // namespace html_detail

using html_detail::read_char_ref;

const HtmlAttribute* HtmlStartTag::attribute(std::string_view wanted) const {
  for (const auto& a : attributes) {
    if (a.name == wanted) return &a;
  }
  return nullptr;
}

bool HtmlAnalysis::ignores(std::string_view rule_id, std::size_t offset) const {
  if (ignored.empty()) return false;
  auto index = std::find_if(ignore_index.begin(), ignore_index.end(), [&](const auto& e) { return e.first == rule_id; });
  if (index == ignore_index.end()) {
    // The regions that cover this rule, merged: one binary search per question
    // however many regions a post has.
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    for (const auto& r : ignored) {
      const bool covers = r.patterns.empty() || std::any_of(r.patterns.begin(), r.patterns.end(), [&](const std::string& p) {
                            return rule_pattern_matches(p, rule_id);
                          });
      if (covers && r.begin < r.end) spans.emplace_back(r.begin, r.end);
    }
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<std::size_t, std::size_t>> merged;
    for (const auto& sp : spans) {
      if (!merged.empty() && sp.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, sp.second);
      } else {
        merged.push_back(sp);
      }
    }
    ignore_index.emplace_back(std::string(rule_id), std::move(merged));
    index = ignore_index.end() - 1;
  }
  const auto& merged = index->second;
  const auto after = std::upper_bound(merged.begin(), merged.end(), offset,
                                      [](std::size_t v, const std::pair<std::size_t, std::size_t>& r) { return v < r.first; });
  return after != merged.begin() && offset < std::prev(after)->second;
}

HtmlAnalysis analyse_html(std::string_view view, std::size_t base) {
  html_detail::AnalysisLog log(base);
  html_detail::TreeBuilder tree(view, log);
  html_detail::tokenize(view, log, tree);
  return log.take();
}

namespace {

bool is_void_element(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kVoid = {"area", "base",  "br",   "col",   "embed", "hr",
                                                             "img",  "input", "link", "meta",  "param", "source",
                                                             "track", "wbr", "keygen", "basefont"};
  return std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end();
}

constexpr std::string_view kRestIsHtml =
    "; kramdown then reads the rest of the post as one HTML block and converts none of its Markdown";

// An end tag kramdown shows as text; in an HTML block only the first is a
// finding (see TextTag::Role).
void report_text_tag(html_detail::AnalysisLog& log, const TextTag& t) {
  using Role = TextTag::Role;
  if (t.pairs_with_text || t.role == Role::follows) return;  // `the <iframe></iframe> tag`: both are meant as text
  const std::string rest = t.block_never_ends ? std::string(kRestIsHtml) : std::string();
  if (t.role == Role::innermost_unclosed) {
    if (HtmlIssue* issue = log.issue_at(HtmlIssueKind::unclosed_element, t.innermost_begin, t.innermost_end,
                                        fmt::format("<{}> is never closed", t.innermost))) {
      issue->line_note_at = t.begin;
      issue->line_note = fmt::format(", so kramdown shows </{}> on line {{}} as text{}", t.name, rest);
    }
    return;
  }
  const std::string name = to_lower_ascii(t.name);
  if (is_void_element(name)) {
    if (HtmlIssue* issue = log.issue_at(HtmlIssueKind::void_end_tag, t.begin, t.end,
                                        fmt::format("</{0}> is shown as text (kramdown reads no end tag of a void "
                                                    "element); use <{0}>{1}",
                                                    t.name, rest)))
      issue->fix = Fix{fmt::format("replace it with <{}>", name), t.begin, t.end, fmt::format("<{}>", name)};
    return;
  }
  if (t.closes_outer && !t.innermost.empty()) {
    log.issue_at(HtmlIssueKind::misnested, t.begin, t.end,
                 fmt::format("</{}> is shown as text: kramdown takes an end tag only for the innermost open element, "
                             "here <{}>; close that first{}",
                             t.name, t.innermost, rest));
    return;
  }
  const std::string where = t.role == Role::in_text
                                ? std::string(" in a paragraph kramdown keeps an end tag only when it closes the "
                                              "innermost element opened in the same paragraph")
                                : fmt::format(" it closes nothing open in its HTML block{}",
                                              t.innermost.empty() ? std::string() : fmt::format(" (the innermost is <{}>)", t.innermost));
  const bool block_name = t.role == Role::in_text && kramdown::is_block_element(name);
  log.issue_at(HtmlIssueKind::stray_end_tag, t.begin, t.end,
               fmt::format("</{}> is shown as text:{}{}{}", t.name, where,
                           block_name ? " (a block element's tags are HTML only at the start of a line)" : "", rest));
}

// kramdown writes each tag it reads anew: what the tokenizer says of the
// source's attribute syntax is not on the page, and of two equal attributes
// kramdown keeps the last (a Ruby Hash), where a browser would keep the first.
void as_kramdown_writes_tags(HtmlAnalysis& out) {
  const auto& tags = out.tags;
  auto inside_tag = [&](std::size_t at) {
    auto it = std::upper_bound(tags.begin(), tags.end(), at, [](std::size_t v, const HtmlStartTag& t) { return v < t.begin; });
    return it != tags.begin() && at < std::prev(it)->end;
  };
  std::erase_if(out.issues, [&](const HtmlIssue& i) { return i.kind == HtmlIssueKind::tokenizer_error && inside_tag(i.begin); });
  std::erase_if(out.omitted, [&](const OmittedHtmlIssue& i) { return i.kind == HtmlIssueKind::tokenizer_error && inside_tag(i.begin); });
  for (auto& i : out.issues) {
    if (i.kind != HtmlIssueKind::duplicate_attribute) continue;
    const std::size_t cut = i.message.find("; browsers keep the first one");
    if (cut != std::string::npos) i.message.replace(cut, std::string::npos, "; kramdown keeps only the last one, so the first is lost");
  }
}

}  // namespace

HtmlAnalysis analyse_html(const Segmentation& body, std::size_t base) {
  html_detail::AnalysisLog log(base);
  html_detail::TreeBuilder tree(body.html_view, log);
  tree.kramdown_closes(&body.kramdown_closes);
  html_detail::tokenize(body.html_view, log, tree);
  // In an HTML block that never ends because of an end tag kramdown showed
  // as text, what the browser's rules say of the elements inside follows
  // from that one mistake: its finding (below) is the one to fix.
  for (const KramdownClose& c : body.kramdown_closes) {
    if (c.scope != KramdownCloseScope::document_block || !c.explained) continue;
    std::erase_if(log.out().issues, [&](const HtmlIssue& i) { return i.begin >= c.start; });
    std::erase_if(log.out().omitted, [&](const OmittedHtmlIssue& i) { return i.begin >= c.start; });
    break;  // the block runs to the end of the post
  }
  for (const TextTag& t : body.text_tags) report_text_tag(log, t);
  for (const auto& r : body.text_start_tags) {
    log.issue_at(HtmlIssueKind::tokenizer_error, r.begin, r.end,
                 fmt::format("<{}> is shown as text: kramdown reads a tag only when each attribute value is quoted or "
                             "a single word (letters, digits, _) and the attributes are separated by spaces; quote the "
                             "values",
                             r.name));
  }
  for (const std::uint32_t at : body.open_comments) {
    log.issue_at(HtmlIssueKind::unterminated_comment, at, at + 4,
                 "<!-- is never closed before the end of its paragraph: kramdown shows it, and the text after it, on "
                 "the page; end the comment with -->");
  }
  if (body.rewritten_by_kramdown) as_kramdown_writes_tags(log.out());
  return log.take();
}

std::string decode_html_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    i += read_char_ref(text, i, false, &out).length;
  }
  return out;
}

}  // namespace al
