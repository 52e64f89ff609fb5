// Single-pass HTML5 tokenizer plus a light open-element stack (see html.hpp).
// The tokenizer follows the WHATWG tokenizer states closely for the errors it
// reports; the tree part implements the "in body" insertion mode rules that
// decide whether an end tag closes, implies, crosses or matches nothing. It
// deliberately does not reconstruct formatting elements: one authoring mistake
// gives one finding, where a browser would repeat the element in every later
// paragraph.
#include "archive_lint/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "archive_lint/document.hpp"
#include "archive_lint/text.hpp"

namespace al {

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

enum TagFlag : std::uint16_t {
  kVoid = 1 << 0,
  kOptionalEnd = 1 << 1,  // end tag may be left off; closing it implicitly is not an error
  kFormatting = 1 << 2,
  kClosesP = 1 << 3,
  kSpecial = 1 << 4,
  kScope = 1 << 5,  // a boundary of the default scope
  kRawText = 1 << 6,
  kRcData = 1 << 7,
  kHeading = 1 << 8,
  kMarker = 1 << 9,  // a marker in the list of active formatting elements
};

std::uint16_t tag_flags(std::string_view name) {
  static const std::unordered_map<std::string_view, std::uint16_t> table = [] {
    std::unordered_map<std::string_view, std::uint16_t> t;
    auto add = [&](std::initializer_list<std::string_view> names, std::uint16_t f) {
      for (auto n : names) t[n] |= f;
    };
    add({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "keygen", "basefont", "bgsound", "frame"},
        kVoid);
    add({"p", "li", "dt", "dd", "option", "optgroup", "rb", "rt", "rtc", "rp", "tbody", "thead", "tfoot", "tr",
         "td", "th", "colgroup", "caption", "html", "head", "body"},
        kOptionalEnd);
    add({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"},
        kFormatting);
    add({"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
         "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p",
         "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form", "plaintext",
         "table", "hr", "xmp", "li", "dd", "dt"},
        kClosesP);
    add({"address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote", "body",
         "br", "button", "caption", "center", "col", "colgroup", "dd", "details", "dir", "div", "dl", "dt",
         "embed", "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3",
         "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li",
         "link", "listing", "main", "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript",
         "object", "ol", "p", "param", "plaintext", "pre", "script", "section", "select", "source", "style",
         "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "title", "tr",
         "track", "ul", "wbr", "xmp"},
        kSpecial);
    add({"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"}, kScope);
    add({"applet", "object", "marquee", "td", "th", "caption", "template"}, kMarker);
    add({"script", "style", "xmp", "iframe", "noembed", "noframes"}, kRawText);
    add({"textarea", "title"}, kRcData);
    add({"h1", "h2", "h3", "h4", "h5", "h6"}, kHeading);
    return t;
  }();
  const auto it = table.find(name);
  return it == table.end() ? 0 : it->second;
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }


// The C1 remapping table of the spec's numeric character reference end state.
std::uint32_t remap_c1(std::uint32_t cp) {
  static constexpr std::array<std::uint16_t, 32> kC1 = {
      0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  return (cp >= 0x80 && cp <= 0x9F) ? kC1[cp - 0x80] : cp;
}

struct CharRef {
  std::size_t length = 1;  // bytes consumed, including '&'
  std::string error;       // empty when fine
  bool is_reference = false;
};

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

class Analyser {
 public:
  Analyser(std::string_view view, std::size_t base) : s_(view), n_(view.size()), base_(base) {}

  HtmlAnalysis run() {
    std::size_t i = 0;
    while (i < n_) {
      // Text up to the next '<' or '&'.
      std::size_t t = i;
      while (t < n_ && s_[t] != '<' && s_[t] != '&') ++t;
      out_.steps += t - i + 1;
      if (t > i) text(s_.substr(i, t - i));
      if (t >= n_) break;
      i = s_[t] == '&' ? char_ref_in_text(t) : markup(t);
    }
    end_of_input();
    return std::move(out_);
  }

 private:
  struct Open {
    std::string name;     // lower-cased; kept here as the tag itself may not be (kMaxHtmlTags)
    std::size_t tag;      // index into out_.tags, or npos
    std::size_t begin;    // file offsets of the start tag
    std::size_t end;
    std::uint16_t flags;
    bool foreign;
    bool self_closing;
    int ignore;  // index into out_.ignored or -1
    // Set by push_open, so that scope walks compare integers.
    std::uint64_t name_hash = 0;
    std::uint8_t boundary = 0;  // kBoundary* bits: the scopes this element ends
  };
  static constexpr std::uint8_t kBoundaryDefault = 1, kBoundaryButton = 2, kBoundaryListItem = 4;
  // An open element past kMaxHtmlDepth: 16 bytes (a post can hold millions).
  struct Deeper {
    std::uint32_t begin, end;  // view offsets of the start tag
    int ignore;                // index into out_.ignored or -1
    std::uint16_t flags;
    bool foreign;
    bool self_closing;
  };
  struct Anchor {
    std::size_t tag;  // an open <a> (or SVG <a>) whose tag is kept
    bool full;        // its text reached kMaxLinkTextBytes
  };

  static std::string_view name_of(const Open& o) { return o.name; }

  void issue(HtmlIssueKind kind, std::size_t b, std::size_t e, std::string message) {
    issue_at(kind, base_ + b, base_ + e, std::move(message));
  }
  // File offsets. Past kKeptHtmlIssues of a kind only the place is kept: a
  // post of 4 million stray `</p>` would otherwise hold 4 million messages.
  void issue_at(HtmlIssueKind kind, std::size_t b, std::size_t e, std::string message) {
    auto& kept = kept_[static_cast<std::size_t>(kind)];
    if (kept < kKeptHtmlIssues) {
      ++kept;
      out_.issues.push_back({kind, b, e, std::move(message)});
    } else {
      out_.omitted.push_back({kind, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
    }
  }
  // One html/tokenizer-error issue per limit the post goes past; always kept.
  std::size_t limit_issue(std::size_t b, std::size_t e, std::string message) {
    out_.issues.push_back({HtmlIssueKind::tokenizer_error, base_ + b, base_ + e, std::move(message)});
    return out_.issues.size() - 1;
  }

  // Appends to the text of every open <a> (while one outside SVG is open),
  // each up to kMaxLinkTextBytes: with <a> nested through <object>s, text
  // would otherwise be copied once per open <a>.
  void text(std::string_view t) {
    if (open_anchors_ == 0) return;
    for (auto& a : anchors_) {
      ++out_.steps;
      if (a.full) continue;
      std::string& into = out_.tags[a.tag].text;
      if (into.size() + t.size() <= kMaxLinkTextBytes) {
        into.append(t);
        continue;
      }
      into = capped_text(into + std::string(t.substr(0, kMaxLinkTextBytes + 1 - into.size())), kMaxLinkTextBytes);
      a.full = true;
    }
  }

  std::size_t char_ref_in_text(std::size_t i) {
    std::string decoded;
    const CharRef r = read_char_ref(s_, i, false, open_anchors_ ? &decoded : nullptr);
    // In Markdown text (outside any HTML element) kramdown escapes a '&' that
    // does not start a valid reference, so only raw HTML content is held to it.
    if (!r.error.empty() && !stack_.empty()) issue(HtmlIssueKind::invalid_character_reference, i, i + r.length, "invalid character reference " + r.error);
    if (open_anchors_) text(decoded);
    return i + r.length;
  }

  std::size_t line_end(std::size_t i) const {
    std::size_t e = i;
    while (e < n_ && s_[e] != '\n' && s_[e] != '\r') ++e;
    return e;
  }

  // s_[i] == '<'. Returns where scanning continues.
  std::size_t markup(std::size_t i) {
    const char c = i + 1 < n_ ? s_[i + 1] : '\0';
    if (is_alpha(c)) return tag(i, false);
    if (c == '/') {
      const char d = i + 2 < n_ ? s_[i + 2] : '\0';
      if (is_alpha(d)) return tag(i, true);
      if (d == '>') {
        issue(HtmlIssueKind::tokenizer_error, i, i + 3, "'</>' is an end tag without a name; it is ignored");
        return i + 3;
      }
      if (i + 2 >= n_) {
        issue(HtmlIssueKind::tokenizer_error, i, i + 2, "'</' at the end of the body is not a tag");
        return n_;
      }
      const std::size_t close = bogus_comment_end(i + 2);
      issue(HtmlIssueKind::tokenizer_error, i, i + 2,
            "'</' is not followed by a tag name; the text up to the next '>' is dropped as a comment");
      return close;
    }
    if (c == '!') return markup_declaration(i);
    if (c == '?') {
      issue(HtmlIssueKind::tokenizer_error, i, i + 2,
            "'<?' is not a tag in HTML; the text up to the next '>' is dropped as a comment");
      return bogus_comment_end(i + 2);
    }
    // A bare '<': text to the parser. Only raw HTML content is held to this;
    // in Markdown text kramdown escapes a lone '<' itself.
    if (!stack_.empty()) {
      issue(HtmlIssueKind::tokenizer_error, i, i + 1,
            "'<' cannot start a tag here; write '&lt;' for a literal less-than sign");
    }
    text("<");
    return i + 1;
  }

  std::size_t bogus_comment_end(std::size_t from) const {
    const std::size_t gt = s_.find('>', from);
    return gt == std::string_view::npos ? n_ : gt + 1;
  }

  std::size_t markup_declaration(std::size_t i) {
    if (s_.substr(i, 4) == "<!--") return comment(i);
    auto ci = [&](std::string_view word) {
      if (i + 2 + word.size() > n_) return false;
      for (std::size_t k = 0; k < word.size(); ++k)
        if (lower(s_[i + 2 + k]) != word[k]) return false;
      return true;
    };
    if (ci("doctype")) {
      const std::size_t end = bogus_comment_end(i);
      issue(HtmlIssueKind::tokenizer_error, i, end, "a DOCTYPE inside the post body is ignored");
      return end;
    }
    if (s_.substr(i, 9) == "<![CDATA[") {
      if (in_foreign()) {
        const std::size_t close = s_.find("]]>", i + 9);
        return close == std::string_view::npos ? n_ : close + 3;
      }
      issue(HtmlIssueKind::tokenizer_error, i, i + 9,
            "CDATA sections are only allowed in SVG and MathML; this one is dropped as a comment");
      return bogus_comment_end(i);
    }
    issue(HtmlIssueKind::tokenizer_error, i, i + 2,
          "'<!' does not start a comment ('<!--'); the text up to the next '>' is dropped");
    return bogus_comment_end(i);
  }

  std::size_t comment(std::size_t i) {
    const std::size_t j = i + 4;
    if (j < n_ && s_[j] == '>') {
      issue(HtmlIssueKind::tokenizer_error, i, j + 1, "'<!-->' closes the comment abruptly; write '<!-- -->'");
      return j + 1;
    }
    if (s_.substr(j, 2) == "->") {
      issue(HtmlIssueKind::tokenizer_error, i, j + 2, "'<!--->' closes the comment abruptly; write '<!-- -->'");
      return j + 2;
    }
    std::size_t close = npos, next = n_;
    for (std::size_t dd = s_.find("--", j); dd != npos; dd = s_.find("--", dd + 1)) {
      if (dd + 2 < n_ && s_[dd + 2] == '>') {
        close = dd;
        next = dd + 3;
        break;
      }
      if (s_.substr(dd + 2, 2) == "!>") {
        issue(HtmlIssueKind::tokenizer_error, dd, dd + 4, "comment closed with '--!>'; write '-->'");
        close = dd;
        next = dd + 4;
        break;
      }
    }
    const std::size_t body_end = close == npos ? n_ : close;
    out_.steps += body_end - j;
    for (std::size_t q = s_.find("<!--", j); q != npos && q < body_end; q = s_.find("<!--", q + 1)) {
      if (q + 4 < n_ && s_[q + 4] != '>')
        issue(HtmlIssueKind::tokenizer_error, q, q + 4, "'<!--' inside a comment: comments do not nest");
    }
    if (close == npos) {
      issue(HtmlIssueKind::unterminated_comment, i, std::max(i + 4, line_end(i)),
            "comment '<!--' is never closed with '-->': everything after it is hidden");
    }
    return next;
  }

  struct AttributeRead {
    HtmlAttribute attribute;
    std::size_t next = 0;     // where the tag's scan goes on
    std::size_t raw_end = 0;  // the end of the attribute's text
    bool cut_off = false;     // the input ends inside it: the tag is never closed
  };

  // An attribute's value after `=` at s_[m]: quoted, unquoted, or missing
  // before '>'. Sets the value, `next` and `raw_end`.
  void attribute_value(std::size_t m, const std::string& name, AttributeRead& r) {
    HtmlAttribute& a = r.attribute;
    if (s_[m] == '"' || s_[m] == '\'') {
      const std::size_t close = s_.find(s_[m], m + 1);
      if (close == std::string_view::npos) {
        r.cut_off = true;
        return;
      }
      a.has_value = true;
      a.value_begin = base_ + m + 1;
      a.value_end = base_ + close;
      value_refs(m + 1, close);
      a.value = decode_attribute(s_.substr(m + 1, close - m - 1));
      r.next = r.raw_end = close + 1;
      if (r.next < n_ && !is_ws(s_[r.next]) && s_[r.next] != '/' && s_[r.next] != '>') {
        issue(HtmlIssueKind::tokenizer_error, r.next, r.next + 1,
              fmt::format("missing whitespace after the value of '{}' in <{}>", a.name, name));
      }
      return;
    }
    if (s_[m] == '>') {
      issue(HtmlIssueKind::tokenizer_error, m - 1, m, fmt::format("attribute '{}' of <{}> has '=' but no value", a.name, name));
      a.value_begin = a.value_end = base_ + m;
      r.next = r.raw_end = m;
      return;
    }
    std::size_t v = m;
    while (v < n_ && !is_ws(s_[v]) && s_[v] != '>') {
      const char vc = s_[v];
      if (vc == '"' || vc == '\'' || vc == '<' || vc == '=' || vc == '`') {
        issue(HtmlIssueKind::tokenizer_error, v, v + 1,
              fmt::format("character {} in the unquoted value of '{}' in <{}>; quote the value", vc, a.name, name));
      }
      ++v;
    }
    a.has_value = true;
    a.value_begin = base_ + m;
    a.value_end = base_ + v;
    value_refs(m, v);
    a.value = decode_attribute(s_.substr(m, v - m));
    r.next = r.raw_end = v;
  }

  // One attribute of <name> at s_[j], which is neither space, '/' nor '>'.
  AttributeRead attribute(std::size_t j, const std::string& name) {
    AttributeRead r;
    HtmlAttribute& a = r.attribute;
    a.name_begin = base_ + j;
    std::size_t k = j;
    if (s_[k] == '=') {
      issue(HtmlIssueKind::tokenizer_error, k, k + 1, fmt::format("'=' before an attribute name in <{}>", name));
      ++k;
    }
    while (k < n_ && !is_ws(s_[k]) && s_[k] != '/' && s_[k] != '>' && s_[k] != '=') {
      if (s_[k] == '"' || s_[k] == '\'' || s_[k] == '<') {
        issue(HtmlIssueKind::tokenizer_error, k, k + 1, fmt::format("character {} in an attribute name of <{}>", s_[k], name));
      }
      ++k;
    }
    a.name = std::string(s_.substr(j, k - j));
    for (auto& ch : a.name) ch = lower(ch);
    a.has_value = false;
    a.value_begin = a.value_end = base_ + k;
    std::size_t m = k;
    while (m < n_ && is_ws(s_[m])) ++m;
    if (m >= n_ || s_[m] != '=') {
      r.next = r.raw_end = k;
      return r;
    }
    ++m;
    while (m < n_ && is_ws(s_[m])) ++m;
    if (m >= n_) {
      r.cut_off = true;
      return r;
    }
    attribute_value(m, name, r);
    return r;
  }

  // Adds the tag's `count`th attribute unless it repeats one (the first one
  // wins, the later one is dropped) or the tag is past kMaxHtmlAttributes
  // (then it is neither kept nor compared). `seen` holds the names once a tag has many.
  void keep_attribute(HtmlStartTag& st, std::unordered_set<std::string>& seen, std::size_t count, AttributeRead read,
                      std::size_t tag_begin, const std::string& name) {
    HtmlAttribute& a = read.attribute;
    if (count > kMaxHtmlAttributes) {
      if (!attributes_limit_reported_) {
        attributes_limit_reported_ = true;
        limit_issue(tag_begin, tag_begin + 1 + name.size(),
                    fmt::format("<{}> has more than {} attributes: the html checks do not keep or compare the "
                                "later ones (a limit of archive-lint, see docs/limits.md)",
                                name, kMaxHtmlAttributes));
      }
      return;
    }
    if (st.attributes.size() == 8) {  // from here on, look names up instead of comparing with each
      for (const auto& prev : st.attributes) seen.insert(prev.name);
    }
    out_.steps += std::min<std::size_t>(st.attributes.size(), 8) + a.name.size() + (a.value_end - a.value_begin);
    const bool duplicate = st.attributes.size() >= 8
                               ? seen.count(a.name) > 0
                               : std::any_of(st.attributes.begin(), st.attributes.end(),
                                             [&](const HtmlAttribute& prev) { return prev.name == a.name; });
    if (duplicate) {
      issue(HtmlIssueKind::duplicate_attribute, a.name_begin - base_, read.raw_end,
            fmt::format("attribute '{}' appears twice on <{}>; browsers keep the first one", a.name, name));
      return;
    }
    if (st.attributes.size() >= 8) seen.insert(a.name);
    st.attributes.push_back(std::move(a));
  }

  // A start or end tag at s_[i] == '<'.
  std::size_t tag(std::size_t i, bool end_tag) {
    std::size_t j = i + (end_tag ? 2 : 1);
    const std::size_t name_begin = j;
    while (j < n_ && !is_ws(s_[j]) && s_[j] != '/' && s_[j] != '>') ++j;
    out_.steps += j - i;
    std::string name(s_.substr(name_begin, j - name_begin));
    for (auto& ch : name) ch = lower(ch);
    HtmlStartTag st;
    bool self_closing = false;
    bool complete = false;
    std::unordered_set<std::string> seen;  // attribute names, once a tag has many
    std::size_t attributes = 0;
    while (j < n_) {
      ++out_.steps;
      const char c = s_[j];
      if (is_ws(c)) {
        ++j;
        continue;
      }
      if (c == '>') {
        complete = true;
        ++j;
        break;
      }
      if (c == '/') {
        if (j + 1 < n_ && s_[j + 1] == '>') {
          self_closing = true;
          complete = true;
          j += 2;
          break;
        }
        issue(HtmlIssueKind::tokenizer_error, j, j + 1, fmt::format("unexpected '/' inside the <{}> tag", name));
        ++j;
        continue;
      }
      AttributeRead read = attribute(j, name);
      if (read.cut_off) {
        j = n_;
        break;
      }
      j = read.next;
      keep_attribute(st, seen, ++attributes, std::move(read), i, name);
    }
    if (!complete) {
      issue(HtmlIssueKind::tokenizer_error, i, std::max(i + 1, line_end(i)),
            fmt::format("the {} <{}{}> is never closed with '>'", end_tag ? "end tag" : "tag", end_tag ? "/" : "", name));
      return n_;
    }
    if (end_tag) {
      if (!st.attributes.empty()) {
        issue(HtmlIssueKind::tokenizer_error, i, j, fmt::format("end tag </{}> has attributes; they are ignored", name));
      }
      end_tag_token(name, i, j);
      return j;
    }
    st.name = std::move(name);
    st.begin = base_ + i;
    st.end = base_ + j;
    st.self_closing = self_closing;
    return start_tag_token(std::move(st), i, j);
  }

  void value_refs(std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s_[k] != '&') continue;
      const CharRef r = read_char_ref(s_.substr(0, e), k, true, nullptr);
      if (!r.error.empty()) {
        issue(HtmlIssueKind::invalid_character_reference, k, k + r.length, "invalid character reference " + r.error);
      }
      k += r.length - 1;
    }
  }

  // ---- tree part ---------------------------------------------------------

  bool in_foreign() const { return !stack_.empty() && stack_.back().foreign; }

  // The open-element stack changes only through these three, which keep a
  // count per element name: most scope queries ("is a <p> open?") are then
  // answered without walking the stack, and the stack is at most
  // kMaxHtmlDepth deep, so deep nesting stays linear.
  void push_open(Open o) {
    o.name_hash = fnv1a64(o.name);
    o.boundary = scope_boundaries(o);
    ++open_names_[o.name];
    if (o.name == "a" && o.tag != npos) anchors_.push_back({o.tag, false});
    stack_.push_back(std::move(o));
  }
  void forget_name(const Open& o) {
    auto it = open_names_.find(o.name);
    if (it != open_names_.end() && --it->second == 0) open_names_.erase(it);
    if (o.name == "a" && o.tag != npos) {
      for (std::size_t k = anchors_.size(); k-- > 0;) {
        ++out_.steps;
        if (anchors_[k].tag == o.tag) {
          anchors_.erase(anchors_.begin() + static_cast<std::ptrdiff_t>(k));
          break;
        }
      }
    }
  }
  bool is_open(std::string_view name) const { return open_names_.find(std::string(name)) != open_names_.end(); }
  void pop_open() {
    forget_name(stack_.back());
    stack_.pop_back();
  }
  void erase_open(std::size_t k) {
    forget_name(stack_[k]);
    stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(k));
  }

  static std::uint8_t scope_boundaries(const Open& o) {
    const std::string_view on = name_of(o);
    std::uint8_t b = 0;
    if ((o.flags & kScope) ||
        (o.foreign && (on == "foreignobject" || on == "desc" || on == "title" || on == "mi" || on == "mo" ||
                       on == "mn" || on == "ms" || on == "mtext" || on == "annotation-xml")))
      b |= kBoundaryDefault;
    if (on == "button") b |= kBoundaryButton;
    if (on == "ol" || on == "ul") b |= kBoundaryListItem;
    return b;
  }

  // Index of the topmost element named name, stopping at scope boundaries
  // (extra_boundary_kind 1: button scope, 2: list item scope).
  std::size_t in_scope(std::string_view name, std::uint16_t extra_boundary_kind = 0) {
    if (!is_open(name)) return npos;
    const std::uint8_t stop = kBoundaryDefault | (extra_boundary_kind == 1 ? kBoundaryButton : 0) |
                              (extra_boundary_kind == 2 ? kBoundaryListItem : 0);
    const std::uint64_t hash = fnv1a64(name);
    for (std::size_t k = stack_.size(); k-- > 0;) {
      ++out_.steps;
      const Open& o = stack_[k];
      if (o.name_hash == hash && !o.foreign && o.name == name) return k;
      if (o.boundary & stop) return npos;
    }
    return npos;
  }

  std::size_t in_table_scope(std::string_view name) {
    if (!is_open(name)) return npos;
    for (std::size_t k = stack_.size(); k-- > 0;) {
      ++out_.steps;
      const std::string_view on = name_of(stack_[k]);
      if (on == name) return k;
      if (on == "table" || on == "template" || on == "html") return npos;
    }
    return npos;
  }

  void finish(const Open& o, std::size_t end) {
    if (o.ignore >= 0) out_.ignored[static_cast<std::size_t>(o.ignore)].end = base_ + end;
    if (name_of(o) == "a" && !o.foreign) --open_anchors_;
  }

  // Pops every element above index k (k stays); reports those whose end tag
  // may not be left off. `why` names what closed them.
  void pop_above(std::size_t k, std::size_t at, const std::string& why) {
    while (stack_.size() > k + 1) {
      ++out_.steps;
      const Open o = stack_.back();
      pop_open();
      if (!(o.flags & kOptionalEnd) || o.foreign) report_unclosed(o, why);
      finish(o, at);
    }
  }

  void report_unclosed(const Open& o, const std::string& why) {
    std::string msg = fmt::format("<{}> is never closed{}", o.name, why);
    if (o.self_closing && !o.foreign) msg += fmt::format("; '/>' does not close a non-void element in HTML, write <{0}></{0}>", o.name);
    issue_at(HtmlIssueKind::unclosed_element, o.begin, o.end, std::move(msg));
  }

  void pop_to(std::size_t k, std::size_t at, const std::string& why) {
    pop_above(k, at, why);
    const Open o = stack_.back();
    pop_open();
    finish(o, at);
  }

  void close_p(const std::string& by, std::size_t b, std::size_t e) {
    const std::size_t k = in_scope("p", 1);
    if (k == npos) return;
    pop_to(k, b, fmt::format(": <{}> closes the enclosing <p> first", by));
    if (by != "p") {
      issue(HtmlIssueKind::implicitly_closed, b, e,
            fmt::format("<{}> closes the open <p> implicitly (a paragraph cannot contain it); end the paragraph with </p> first", by));
    }
  }

  // What a start tag closes first ("in body" rules), outside SVG and MathML.
  void implied_closes(const std::string& name, std::uint16_t flags, std::size_t b, std::size_t e) {
    if (name == "li" || name == "dd" || name == "dt") close_list_item(name, b);
    if (flags & kClosesP) close_p(name, b, e);
    if ((flags & kHeading) && !stack_.empty() && (stack_.back().flags & kHeading)) {
      issue(HtmlIssueKind::implicitly_closed, b, e,
            fmt::format("<{}> inside <{}> closes it implicitly; headings do not nest", name, name_of(stack_.back())));
      const Open o = stack_.back();
      pop_open();
      finish(o, b);
    }
    if (name == "a" && is_open("a")) {
      for (std::size_t k = stack_.size(); k-- > 0;) {
        ++out_.steps;
        if (stack_[k].flags & kMarker) break;
        if (name_of(stack_[k]) == "a") {
          issue(HtmlIssueKind::misnested, b, e, "<a> inside another <a>: links cannot nest, the outer one is closed here");
          const Open o = stack_[k];
          erase_open(k);
          finish(o, b);
          break;
        }
      }
    }
    if (name == "td" || name == "th") {
      close_in_table({"td", "th"}, b);
    } else if (name == "tr") {
      close_in_table({"td", "th", "tr"}, b);
    } else if (name == "tbody" || name == "thead" || name == "tfoot") {
      close_in_table({"td", "th", "tr", "tbody", "thead", "tfoot"}, b);
    } else if (name == "option" || name == "optgroup") {
      if (!stack_.empty() && name_of(stack_.back()) == "option") pop_to(stack_.size() - 1, b, "");
      if (name == "optgroup" && !stack_.empty() && name_of(stack_.back()) == "optgroup")
        pop_to(stack_.size() - 1, b, "");
    } else if (name == "button") {
      const std::size_t k = in_scope("button");
      if (k != npos) {
        issue(HtmlIssueKind::implicitly_closed, b, e, "<button> inside <button> closes the outer one implicitly");
        pop_to(k, b, ": a nested <button> closes its parent first");
      }
    }
  }

  // The region of data-archive-lint-ignore on this tag, if it has one: index into out_.ignored, or -1.
  int ignore_region(const HtmlStartTag& st) {
    const HtmlAttribute* ignore = nullptr;
    for (const auto& a : st.attributes) {
      if (a.name == kHtmlIgnoreAttribute) ignore = &a;
    }
    if (!ignore) return -1;
    out_.ignored.push_back({st.begin, st.end, split_patterns(ignore->value)});
    return static_cast<int>(out_.ignored.size() - 1);
  }

  // Keeps the tag (index into out_.tags) while fewer than kMaxHtmlTags are kept, else npos.
  std::size_t keep_tag(HtmlStartTag st, std::size_t b, std::size_t e) {
    if (out_.tags.size() < kMaxHtmlTags) {
      out_.tags.push_back(std::move(st));
      return out_.tags.size() - 1;
    }
    if (!tags_limit_reported_) {
      tags_limit_reported_ = true;
      limit_issue(b, e,
                  fmt::format("the post has more than {} start tags: the html checks keep the first {}, so "
                              "html/disallowed-element, html/disallowed-attribute and the link checks do not see "
                              "this one and those after it (a limit of archive-lint, see docs/limits.md)",
                              kMaxHtmlTags, kMaxHtmlTags));
    }
    return npos;
  }

  // Elements nested deeper than kMaxHtmlDepth are not followed: no rule
  // of the tree applies to them, each end tag inside closes the innermost,
  // and those still open at the end of the post are reported.
  void enter_overflow(std::size_t b, std::size_t e, std::uint16_t flags, bool foreign, bool self_closing,
                      int ignore_index) {
    overflow_.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e), ignore_index, flags, foreign,
                         self_closing});
    max_depth_ = std::max(max_depth_, stack_.size() + overflow_.size());
    if (depth_issue_ == npos) depth_issue_ = limit_issue(b, e, {});
  }
  void leave_overflow(std::size_t end) {
    if (overflow_.back().ignore >= 0) out_.ignored[static_cast<std::size_t>(overflow_.back().ignore)].end = base_ + end;
    overflow_.pop_back();
  }
  void report_unclosed(const Deeper& d, const std::string& why) {
    std::size_t j = d.begin + 1;
    while (j < n_ && !is_ws(s_[j]) && s_[j] != '/' && s_[j] != '>') ++j;
    Open o{std::string(s_.substr(d.begin + 1, j - d.begin - 1)), npos, base_ + d.begin, base_ + d.end, d.flags,
           d.foreign, d.self_closing, d.ignore};
    for (auto& ch : o.name) ch = lower(ch);
    report_unclosed(o, why);
  }

  std::size_t start_tag_token(HtmlStartTag st, std::size_t b, std::size_t e) {
    if (!in_foreign() && st.name == "image") st.name = "img";
    const bool foreign = in_foreign() || st.name == "svg" || st.name == "math";
    st.foreign = foreign;
    const std::uint16_t flags = foreign ? 0 : tag_flags(st.name);
    const std::string name = st.name;
    const bool self_closing = st.self_closing;
    if (!foreign && overflow_.empty()) implied_closes(name, flags, b, e);
    const int ignore_index = ignore_region(st);
    const bool pushes = foreign ? !self_closing : !(flags & kVoid);
    const std::size_t index = keep_tag(std::move(st), b, e);
    if (!pushes) return e;
    if (ignore_index >= 0) out_.ignored[static_cast<std::size_t>(ignore_index)].end = base_ + n_;
    if (!overflow_.empty() || stack_.size() >= kMaxHtmlDepth) {
      enter_overflow(b, e, flags, foreign, self_closing, ignore_index);
    } else {
      push_open({name, index, base_ + b, base_ + e, flags, foreign, self_closing, ignore_index});
      if (name == "a" && !foreign) ++open_anchors_;
    }
    if (flags & (kRawText | kRcData)) return raw_text(name, e, (flags & kRcData) != 0);
    if (name == "plaintext" && !foreign) {
      text(s_.substr(e));
      return n_;
    }
    return e;
  }

  void close_list_item(const std::string& name, std::size_t at) {
    if (name == "li" ? !is_open("li") : !is_open("dd") && !is_open("dt")) return;
    for (std::size_t k = stack_.size(); k-- > 0;) {
      ++out_.steps;
      const Open& o = stack_[k];
      const std::string_view on = name_of(o);
      const bool match = name == "li" ? on == "li" : (on == "dd" || on == "dt");
      if (match && !o.foreign) {
        pop_to(k, at, fmt::format(": <{}> closes the enclosing <{}> first", name, on));
        return;
      }
      if ((o.flags & kSpecial) && on != "address" && on != "div" && on != "p") return;
    }
  }

  void close_in_table(std::initializer_list<std::string_view> names, std::size_t at) {
    if (std::none_of(names.begin(), names.end(), [&](std::string_view n) { return is_open(n); })) return;
    for (std::size_t k = stack_.size(); k-- > 0;) {
      ++out_.steps;
      const std::string_view on = name_of(stack_[k]);
      if (on == "table" || on == "template" || stack_[k].foreign) return;
      if (std::find(names.begin(), names.end(), on) != names.end()) {
        pop_to(k, at, fmt::format(": a new table row or cell closes it"));
        return;
      }
    }
  }

  // Script, style and friends: the content is text up to the matching end tag.
  std::size_t raw_text(const std::string& name, std::size_t from, bool rcdata) {
    std::size_t k = from;
    while (true) {
      const std::size_t lt = s_.find("</", k);
      out_.steps += (lt == npos ? n_ : lt) - k + 1;
      if (lt == std::string_view::npos) break;
      std::size_t m = lt + 2;
      bool match = m + name.size() <= n_;
      for (std::size_t q = 0; match && q < name.size(); ++q) match = lower(s_[m + q]) == name[q];
      if (match) {
        m += name.size();
        if (m >= n_ || is_ws(s_[m]) || s_[m] == '/' || s_[m] == '>') {
          if (rcdata) rc_refs(from, lt);
          text(s_.substr(from, lt - from));
          return lt;  // the end tag is tokenized normally
        }
      }
      k = lt + 2;
    }
    if (rcdata) rc_refs(from, n_);
    text(s_.substr(from));
    return n_;  // unclosed: reported at end of input
  }

  void rc_refs(std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s_[k] != '&') continue;
      const CharRef r = read_char_ref(s_.substr(0, e), k, false, nullptr);
      if (!r.error.empty()) issue(HtmlIssueKind::invalid_character_reference, k, k + r.length, "invalid character reference " + r.error);
      k += r.length - 1;
    }
  }

  void end_tag_token(const std::string& name, std::size_t b, std::size_t e) {
    const std::uint16_t flags = tag_flags(name);
    if (!overflow_.empty() && !(flags & kVoid)) {
      leave_overflow(e);
      return;
    }
    // Foreign content: match by name through the foreign elements on top.
    if (in_foreign() && is_open(name)) {
      for (std::size_t k = stack_.size(); k-- > 0;) {
        ++out_.steps;
        if (!stack_[k].foreign) break;
        if (name_of(stack_[k]) == name) {
          pop_to(k, e, fmt::format(" (</{}> closes its parent)", name));
          return;
        }
      }
    }
    if (flags & kVoid) {
      issue(HtmlIssueKind::void_end_tag, b, e,
            name == "br" ? std::string("</br> is not an end tag: <br> is a void element and has none (browsers read it as <br>)")
                         : fmt::format("</{0}> is not allowed: <{0}> is a void element and has no end tag", name));
      return;
    }
    if (name == "p") {
      const std::size_t k = in_scope("p", 1);
      if (k == npos) {
        issue(HtmlIssueKind::stray_end_tag, b, e, "</p> has no open <p> to close (HTML5 inserts an empty paragraph here)");
        return;
      }
      pop_to(k, e, " before </p>");
      return;
    }
    if (flags & kFormatting) return formatting_end_tag(name, b, e);
    if (flags & kSpecial) return special_end_tag(name, b, e);
    other_end_tag(name, b, e);
  }

  // </b>, </em>, </a>...: the adoption agency's cases that matter for
  // findings, misnesting among them.
  void formatting_end_tag(const std::string& name, std::size_t b, std::size_t e) {
    std::size_t k = npos;
    for (std::size_t q = is_open(name) ? stack_.size() : 0; q-- > 0;) {
      ++out_.steps;
      if (stack_[q].flags & kMarker) break;
      if (name_of(stack_[q]) == name && !stack_[q].foreign) {
        k = q;
        break;
      }
    }
    if (k == npos || in_scope(name) != k) {
      issue(HtmlIssueKind::stray_end_tag, b, e, fmt::format("</{0}> has no open <{0}> to close", name));
      return;
    }
    if (k + 1 == stack_.size()) {
      pop_to(k, e, "");
      return;
    }
    const Open& inner = stack_[k + 1];
    const std::size_t inner_end = find_end_tag(name_of(inner), e);
    const std::size_t parent_end = k == 0 ? npos : find_end_tag(name_of(stack_[k - 1]), e);
    if (inner_end == npos || inner_end > parent_end) {
      // Nothing closes the inner elements later: </name> closes them here.
      pop_to(k, e, fmt::format(" before </{}>", name));
      return;
    }
    close_misnested(name, name_of(inner), k, b, e);
  }

  // </name> at b..e closes the open element `k` while `inner` inside it stays open.
  void close_misnested(const std::string& name, std::string_view inner, std::size_t k, std::size_t b, std::size_t e) {
    issue(HtmlIssueKind::misnested, b, e,
          fmt::format("</{}> closes <{}> while <{}> inside it is still open: close <{}> first", name, name, inner, inner));
    const Open o = stack_[k];
    erase_open(k);
    finish(o, e);
  }

  // </li>, </table>, </div>...: closes up to the element in its scope.
  void special_end_tag(const std::string& name, std::size_t b, std::size_t e) {
    const std::size_t k = name == "li"                                             ? in_scope(name, 2)
                          : (name == "table" || name == "tbody" || name == "thead" || name == "tfoot" ||
                             name == "tr" || name == "caption" || name == "colgroup")
                              ? in_table_scope(name)
                              : in_scope(name);
    if (k == npos) {
      issue(HtmlIssueKind::stray_end_tag, b, e, fmt::format("</{0}> has no open <{0}> to close", name));
      return;
    }
    pop_to(k, e, fmt::format(" before </{}>", name));
  }

  // Any other end tag: the nearest match, unless a special element is in the way.
  void other_end_tag(const std::string& name, std::size_t b, std::size_t e) {
    for (std::size_t k = is_open(name) ? stack_.size() : 0; k-- > 0;) {
      ++out_.steps;
      const Open& o = stack_[k];
      if (name_of(o) == name && !o.foreign) {
        pop_to(k, e, fmt::format(" before </{}>", name));
        return;
      }
      if (o.flags & kSpecial) {
        const std::size_t deeper = in_scope(name);
        if (deeper != npos) {
          close_misnested(name, name_of(o), deeper, b, e);
          return;
        }
        break;
      }
    }
    issue(HtmlIssueKind::stray_end_tag, b, e, fmt::format("</{0}> has no open <{0}> to close", name));
  }


  // Offset of the next `</name` end tag at or after from, or npos. Every
  // `</` is listed by its lower-cased name on the first question, so a post
  // of misnested tags does not search the rest of the body at each.
  std::size_t find_end_tag(std::string_view name, std::size_t from) {
    ++out_.steps;
    if (!end_tags_listed_) {
      end_tags_listed_ = true;
      out_.steps += n_;
      for (std::size_t lt = s_.find("</"); lt != npos; lt = s_.find("</", lt + 2)) {
        std::size_t m = lt + 2;
        while (m < n_ && !is_ws(s_[m]) && s_[m] != '/' && s_[m] != '>') ++m;
        std::string tag_name(s_.substr(lt + 2, m - lt - 2));
        for (auto& ch : tag_name) ch = lower(ch);
        end_tags_[std::move(tag_name)].push_back(static_cast<std::uint32_t>(lt));
      }
    }
    const auto list = end_tags_.find(std::string(name));
    if (list == end_tags_.end()) return npos;
    const auto it = std::lower_bound(list->second.begin(), list->second.end(), from);
    return it == list->second.end() ? npos : *it;
  }

  void end_of_input() {
    for (; !overflow_.empty(); overflow_.pop_back()) {
      const Deeper& d = overflow_.back();
      if (!(d.flags & kOptionalEnd) || d.foreign) report_unclosed(d, " (still open at the end of the post)");
    }
    while (!stack_.empty()) {
      const Open o = stack_.back();
      pop_open();
      if (!(o.flags & kOptionalEnd) || o.foreign) report_unclosed(o, " (still open at the end of the post)");
      finish(o, n_);
    }
    if (depth_issue_ != npos) {
      out_.issues[depth_issue_].message = fmt::format(
          "elements nest {} levels deep here: the html checks follow elements to a depth of {}; deeper ones are "
          "only matched with end tags in order, and reported if never closed (a limit of archive-lint, see "
          "docs/limits.md)",
          max_depth_, kMaxHtmlDepth);
    }
    std::stable_sort(out_.issues.begin(), out_.issues.end(),
                     [](const HtmlIssue& a, const HtmlIssue& b) { return a.begin < b.begin; });
    std::stable_sort(out_.omitted.begin(), out_.omitted.end(),
                     [](const OmittedHtmlIssue& a, const OmittedHtmlIssue& b) { return a.begin < b.begin; });
  }

  static constexpr std::size_t npos = std::string_view::npos;
  std::string_view s_;
  std::size_t n_;
  std::size_t base_;
  std::vector<Open> stack_;  // at most kMaxHtmlDepth
  std::unordered_map<std::string, int> open_names_;
  int open_anchors_ = 0;              // open <a> outside SVG and MathML
  std::vector<Anchor> anchors_;       // every open <a> with a kept tag, outermost first
  std::vector<Deeper> overflow_;      // open elements past kMaxHtmlDepth, outermost first
  std::size_t max_depth_ = 0;
  std::size_t depth_issue_ = npos;    // index of the depth limit's issue
  std::array<std::size_t, 16> kept_{};  // issues kept, per kind
  bool tags_limit_reported_ = false;
  bool attributes_limit_reported_ = false;
  bool end_tags_listed_ = false;
  std::unordered_map<std::string, std::vector<std::uint32_t>> end_tags_;  // for find_end_tag
  HtmlAnalysis out_;
};

}  // namespace

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

HtmlAnalysis analyse_html(std::string_view view, std::size_t base) { return Analyser(view, base).run(); }

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
