// The tokenizer half of the HTML analysis: the WHATWG tokenizer states, for
// the errors it reports, emitting tokens to the tree builder (tree.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "html/tokenizer.hpp"

namespace al::html_detail {

namespace {

class Tokenizer {
 public:
  Tokenizer(std::string_view view, AnalysisLog& log, TreeBuilder& tree)
      : s_(view), n_(view.size()), log_(log), out_(log.out()), base_(log.base()), tree_(tree) {}

  void run() {
    std::size_t i = 0;
    while (i < n_) {
      // Text up to the next '<' or '&'.
      std::size_t t = i;
      while (t < n_ && s_[t] != '<' && s_[t] != '&') ++t;
      out_.steps += t - i + 1;
      if (t > i) tree_.text(s_.substr(i, t - i));
      if (t >= n_) break;
      i = s_[t] == '&' ? char_ref_in_text(t) : markup(t);
    }
    tree_.end_of_input();
  }

 private:

  std::size_t char_ref_in_text(std::size_t i) {
    std::string decoded;
    const CharRef r = read_char_ref(s_, i, false, tree_.collects_text() ? &decoded : nullptr);
    // In Markdown text (outside any HTML element) kramdown escapes a '&' that
    // does not start a valid reference, so only raw HTML content is held to it.
    if (!r.error.empty() && tree_.inside_element()) log_.issue(HtmlIssueKind::invalid_character_reference, i, i + r.length, "invalid character reference " + r.error);
    if (tree_.collects_text()) tree_.text(decoded);
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
        log_.issue(HtmlIssueKind::tokenizer_error, i, i + 3, "'</>' is an end tag without a name; it is ignored");
        return i + 3;
      }
      if (i + 2 >= n_) {
        log_.issue(HtmlIssueKind::tokenizer_error, i, i + 2, "'</' at the end of the body is not a tag");
        return n_;
      }
      const std::size_t close = bogus_comment_end(i + 2);
      log_.issue(HtmlIssueKind::tokenizer_error, i, i + 2,
            "'</' is not followed by a tag name; the text up to the next '>' is dropped as a comment");
      return close;
    }
    if (c == '!') return markup_declaration(i);
    if (c == '?') {
      log_.issue(HtmlIssueKind::tokenizer_error, i, i + 2,
            "'<?' is not a tag in HTML; the text up to the next '>' is dropped as a comment");
      return bogus_comment_end(i + 2);
    }
    // A bare '<': text to the parser. Only raw HTML content is held to this;
    // in Markdown text kramdown escapes a lone '<' itself.
    if (tree_.inside_element()) {
      log_.issue(HtmlIssueKind::tokenizer_error, i, i + 1,
            "'<' cannot start a tag here; write '&lt;' for a literal less-than sign");
    }
    tree_.text("<");
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
      log_.issue(HtmlIssueKind::tokenizer_error, i, end, "a DOCTYPE inside the post body is ignored");
      return end;
    }
    if (s_.substr(i, 9) == "<![CDATA[") {
      if (tree_.in_foreign()) {
        const std::size_t close = s_.find("]]>", i + 9);
        return close == std::string_view::npos ? n_ : close + 3;
      }
      log_.issue(HtmlIssueKind::tokenizer_error, i, i + 9,
            "CDATA sections are only allowed in SVG and MathML; this one is dropped as a comment");
      return bogus_comment_end(i);
    }
    log_.issue(HtmlIssueKind::tokenizer_error, i, i + 2,
          "'<!' does not start a comment ('<!--'); the text up to the next '>' is dropped");
    return bogus_comment_end(i);
  }

  std::size_t comment(std::size_t i) {
    const std::size_t j = i + 4;
    if (j < n_ && s_[j] == '>') {
      log_.issue(HtmlIssueKind::tokenizer_error, i, j + 1, "'<!-->' closes the comment abruptly; write '<!-- -->'");
      return j + 1;
    }
    if (s_.substr(j, 2) == "->") {
      log_.issue(HtmlIssueKind::tokenizer_error, i, j + 2, "'<!--->' closes the comment abruptly; write '<!-- -->'");
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
        log_.issue(HtmlIssueKind::tokenizer_error, dd, dd + 4, "comment closed with '--!>'; write '-->'");
        close = dd;
        next = dd + 4;
        break;
      }
    }
    const std::size_t body_end = close == npos ? n_ : close;
    out_.steps += body_end - j;
    for (std::size_t q = s_.find("<!--", j); q != npos && q < body_end; q = s_.find("<!--", q + 1)) {
      if (q + 4 < n_ && s_[q + 4] != '>')
        log_.issue(HtmlIssueKind::tokenizer_error, q, q + 4, "'<!--' inside a comment: comments do not nest");
    }
    if (close == npos) {
      log_.issue(HtmlIssueKind::unterminated_comment, i, std::max(i + 4, line_end(i)),
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
        log_.issue(HtmlIssueKind::tokenizer_error, r.next, r.next + 1,
              fmt::format("missing whitespace after the value of '{}' in <{}>", a.name, name));
      }
      return;
    }
    if (s_[m] == '>') {
      log_.issue(HtmlIssueKind::tokenizer_error, m - 1, m, fmt::format("attribute '{}' of <{}> has '=' but no value", a.name, name));
      a.value_begin = a.value_end = base_ + m;
      r.next = r.raw_end = m;
      return;
    }
    std::size_t v = m;
    while (v < n_ && !is_ws(s_[v]) && s_[v] != '>') {
      const char vc = s_[v];
      if (vc == '"' || vc == '\'' || vc == '<' || vc == '=' || vc == '`') {
        log_.issue(HtmlIssueKind::tokenizer_error, v, v + 1,
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
      log_.issue(HtmlIssueKind::tokenizer_error, k, k + 1, fmt::format("'=' before an attribute name in <{}>", name));
      ++k;
    }
    while (k < n_ && !is_ws(s_[k]) && s_[k] != '/' && s_[k] != '>' && s_[k] != '=') {
      if (s_[k] == '"' || s_[k] == '\'' || s_[k] == '<') {
        log_.issue(HtmlIssueKind::tokenizer_error, k, k + 1, fmt::format("character {} in an attribute name of <{}>", s_[k], name));
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
        log_.limit_issue(tag_begin, tag_begin + 1 + name.size(),
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
      log_.issue(HtmlIssueKind::duplicate_attribute, a.name_begin - base_, read.raw_end,
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
        log_.issue(HtmlIssueKind::tokenizer_error, j, j + 1, fmt::format("unexpected '/' inside the <{}> tag", name));
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
      log_.issue(HtmlIssueKind::tokenizer_error, i, std::max(i + 1, line_end(i)),
            fmt::format("the {} <{}{}> is never closed with '>'", end_tag ? "end tag" : "tag", end_tag ? "/" : "", name));
      return n_;
    }
    if (end_tag) {
      if (!st.attributes.empty()) {
        log_.issue(HtmlIssueKind::tokenizer_error, i, j, fmt::format("end tag </{}> has attributes; they are ignored", name));
      }
      tree_.end_tag(name, i, j);
      return j;
    }
    st.name = name;
    st.begin = base_ + i;
    st.end = base_ + j;
    st.self_closing = self_closing;
    return content_after(tree_.start_tag(std::move(st), i, j), name, j);
  }

  // Where scanning goes on after a start tag that ends at `from`.
  std::size_t content_after(ContentModel model, const std::string& name, std::size_t from) {
    switch (model) {
      case ContentModel::raw_text: return raw_text(name, from, false);
      case ContentModel::rcdata: return raw_text(name, from, true);
      case ContentModel::plaintext: tree_.text(s_.substr(from)); return n_;
      case ContentModel::data: break;
    }
    return from;
  }

  void value_refs(std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s_[k] != '&') continue;
      const CharRef r = read_char_ref(s_.substr(0, e), k, true, nullptr);
      if (!r.error.empty()) {
        log_.issue(HtmlIssueKind::invalid_character_reference, k, k + r.length, "invalid character reference " + r.error);
      }
      k += r.length - 1;
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
          tree_.text(s_.substr(from, lt - from));
          return lt;  // the end tag is tokenized normally
        }
      }
      k = lt + 2;
    }
    if (rcdata) rc_refs(from, n_);
    tree_.text(s_.substr(from));
    return n_;  // unclosed: reported at end of input
  }

  void rc_refs(std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s_[k] != '&') continue;
      const CharRef r = read_char_ref(s_.substr(0, e), k, false, nullptr);
      if (!r.error.empty()) log_.issue(HtmlIssueKind::invalid_character_reference, k, k + r.length, "invalid character reference " + r.error);
      k += r.length - 1;
    }
  }

  std::string_view s_;
  std::size_t n_;
  AnalysisLog& log_;
  HtmlAnalysis& out_;
  std::size_t base_;
  TreeBuilder& tree_;
  bool attributes_limit_reported_ = false;
};

}  // namespace

void tokenize(std::string_view view, AnalysisLog& log, TreeBuilder& tree) { Tokenizer(view, log, tree).run(); }

}  // namespace al::html_detail
