// The tree half of the HTML analysis (see tree.hpp).
#include "html/tree.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "archive_lint/markdown.hpp"
#include "archive_lint/text.hpp"

namespace al::html_detail {

namespace {

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
  kKnown = 1 << 10,  // an element of HTML (current or obsolete): a name browsers give a meaning
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
    add({"a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "blockquote",
         "body", "br", "button", "canvas", "caption", "cite", "code", "col", "colgroup", "data", "datalist", "dd",
         "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure",
         "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i",
         "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map", "mark", "menu",
         "meta", "meter", "nav", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param",
         "picture", "pre", "progress", "q", "rp", "rt", "ruby", "s", "samp", "script", "search", "section",
         "select", "slot", "small", "source", "span", "strong", "style", "sub", "summary", "sup", "table", "tbody",
         "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "u", "ul", "var",
         "video", "wbr", "svg", "math", "acronym", "applet", "basefont", "bgsound", "big", "blink", "center",
         "dir", "font", "frame", "frameset", "image", "isindex", "keygen", "listing", "marquee", "menuitem",
         "multicol", "nextid", "nobr", "noembed", "noframes", "plaintext", "rb", "rtc", "spacer", "strike", "tt",
         "xmp"},
        kKnown);
    return t;
  }();
  const auto it = table.find(name);
  return it == table.end() ? 0 : it->second;
}

}  // namespace

// Appends to the text of every open <a> (while one outside SVG is open),
// each up to kMaxLinkTextBytes: with <a> nested through <object>s, text
// would otherwise be copied once per open <a>.
void TreeBuilder::text(std::string_view t) {
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

bool TreeBuilder::in_foreign() const { return !stack_.empty() && stack_.back().foreign; }


// The open-element stack changes only through these three, which keep a
// count per element name: most scope queries ("is a <p> open?") are then
// answered without walking the stack, and the stack is at most
// kMaxHtmlDepth deep, so deep nesting stays linear.
void TreeBuilder::push_open(Open o) {
  o.name_hash = fnv1a64(o.name);
  o.boundary = scope_boundaries(o);
  ++open_names_[o.name];
  if (o.name == "a" && o.tag != npos) anchors_.push_back({o.tag, false});
  stack_.push_back(std::move(o));
}
void TreeBuilder::forget_name(const Open& o) {
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
bool TreeBuilder::is_open(std::string_view name) const { return open_names_.find(std::string(name)) != open_names_.end(); }
void TreeBuilder::pop_open() {
  forget_name(stack_.back());
  stack_.pop_back();
}
void TreeBuilder::erase_open(std::size_t k) {
  forget_name(stack_[k]);
  stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(k));
}


std::uint8_t TreeBuilder::scope_boundaries(const Open& o) {
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

std::size_t TreeBuilder::in_scope(std::string_view name, std::uint16_t extra_boundary_kind) {
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

std::size_t TreeBuilder::in_table_scope(std::string_view name) {
  if (!is_open(name)) return npos;
  for (std::size_t k = stack_.size(); k-- > 0;) {
    ++out_.steps;
    const std::string_view on = name_of(stack_[k]);
    if (on == name) return k;
    if (on == "table" || on == "template" || on == "html") return npos;
  }
  return npos;
}

void TreeBuilder::finish(const Open& o, std::size_t end) {
  if (o.ignore >= 0) out_.ignored[static_cast<std::size_t>(o.ignore)].end = base_ + end;
  if (name_of(o) == "a" && !o.foreign) --open_anchors_;
}

// Pops every element above index k (k stays); reports those whose end tag
// may not be left off. `why` names what closed them.
void TreeBuilder::pop_above(std::size_t k, std::size_t at, const std::string& why) {
  while (stack_.size() > k + 1) {
    ++out_.steps;
    const Open o = stack_.back();
    pop_open();
    if (!(o.flags & kOptionalEnd) || o.foreign) report_unclosed(o, why);
    finish(o, at);
  }
}

void TreeBuilder::report_unclosed(const Open& o, const std::string& why) {
  std::string msg = fmt::format("<{}> is never closed{}", o.name, why);
  if (o.self_closing && !o.foreign) msg += fmt::format("; '/>' does not close a non-void element in HTML, write <{0}></{0}>", o.name);
  log_.issue_at(HtmlIssueKind::unclosed_element, o.begin, o.end, std::move(msg));
}

void TreeBuilder::pop_to(std::size_t k, std::size_t at, const std::string& why) {
  pop_above(k, at, why);
  const Open o = stack_.back();
  pop_open();
  finish(o, at);
}

void TreeBuilder::close_p(const std::string& by, std::size_t b, std::size_t e) {
  const std::size_t k = in_scope("p", 1);
  if (k == npos) return;
  pop_to(k, b, fmt::format(": <{}> closes the enclosing <p> first", by));
  if (by != "p") {
    log_.issue(HtmlIssueKind::implicitly_closed, b, e,
          fmt::format("<{}> closes the open <p> implicitly (a paragraph cannot contain it); end the paragraph with </p> first", by));
  }
}


// What a start tag closes first ("in body" rules), outside SVG and MathML.
void TreeBuilder::implied_closes(const std::string& name, std::uint16_t flags, std::size_t b, std::size_t e) {
  if (name == "li" || name == "dd" || name == "dt") close_list_item(name, b);
  if (flags & kClosesP) close_p(name, b, e);
  if ((flags & kHeading) && !stack_.empty() && (stack_.back().flags & kHeading)) {
    log_.issue(HtmlIssueKind::implicitly_closed, b, e,
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
        log_.issue(HtmlIssueKind::misnested, b, e, "<a> inside another <a>: links cannot nest, the outer one is closed here");
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
      log_.issue(HtmlIssueKind::implicitly_closed, b, e, "<button> inside <button> closes the outer one implicitly");
      pop_to(k, b, ": a nested <button> closes its parent first");
    }
  }
}


// The region of data-archive-lint-ignore on this tag, if it has one: index into out_.ignored, or -1.
int TreeBuilder::ignore_region(const HtmlStartTag& st) {
  const HtmlAttribute* ignore = nullptr;
  for (const auto& a : st.attributes) {
    if (a.name == kHtmlIgnoreAttribute) ignore = &a;
  }
  if (!ignore) return -1;
  out_.ignored.push_back({st.begin, st.end, split_patterns(ignore->value)});
  return static_cast<int>(out_.ignored.size() - 1);
}


// Keeps the tag (index into out_.tags) while fewer than kMaxHtmlTags are kept, else npos.
std::size_t TreeBuilder::keep_tag(HtmlStartTag st, std::size_t b, std::size_t e) {
  if (out_.tags.size() < kMaxHtmlTags) {
    out_.tags.push_back(std::move(st));
    return out_.tags.size() - 1;
  }
  if (!tags_limit_reported_) {
    tags_limit_reported_ = true;
    log_.limit_issue(b, e,
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
void TreeBuilder::enter_overflow(std::size_t b, std::size_t e, std::uint16_t flags, bool foreign, bool self_closing,
                    int ignore_index) {
  overflow_.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e), ignore_index, flags, foreign,
                       self_closing});
  max_depth_ = std::max(max_depth_, stack_.size() + overflow_.size());
  if (depth_issue_ == npos) depth_issue_ = log_.limit_issue(b, e, {});
}

void TreeBuilder::leave_overflow(std::size_t end) {
  if (overflow_.back().ignore >= 0) out_.ignored[static_cast<std::size_t>(overflow_.back().ignore)].end = base_ + end;
  overflow_.pop_back();
}

void TreeBuilder::report_unclosed(const Deeper& d, const std::string& why) {
  std::size_t j = d.begin + 1;
  while (j < n_ && !is_ws(s_[j]) && s_[j] != '/' && s_[j] != '>') ++j;
  Open o{std::string(s_.substr(d.begin + 1, j - d.begin - 1)), npos, base_ + d.begin, base_ + d.end, d.flags,
         d.foreign, d.self_closing, d.ignore};
  for (auto& ch : o.name) ch = lower(ch);
  report_unclosed(o, why);
}

// kramdown writes the end tag of an element the author left open at the end
// of its paragraph (or of the post, for raw HTML): the page has it there.
void TreeBuilder::apply_kramdown_closes(std::size_t view_offset) {
  if (closes_ == nullptr) return;
  while (next_close_ < closes_->size() && (*closes_)[next_close_].at <= base_ + view_offset) {
    kramdown_close((*closes_)[next_close_++]);
  }
}

void TreeBuilder::kramdown_close(const KramdownClose& c) {
  ++out_.steps;
  std::size_t k = stack_.size();
  while (k > 0 && stack_[k - 1].begin != c.start) --k;
  if (c.scope == KramdownCloseScope::document) {
    // An element inside an HTML block that never ends: said once, at the block.
    if (unclosed_inside_block_.empty()) unclosed_inside_block_ = written_name(c.start);
    if (k > 0) pop_silently(k - 1, c.at - base_);
    return;
  }
  if (c.scope == KramdownCloseScope::document_block && c.explained) {
    unclosed_inside_block_.clear();  // the end tag it showed as text has the finding
    if (k > 0) pop_silently(k - 1, c.at - base_);
    return;
  }
  if (c.scope == KramdownCloseScope::document_block) {
    const std::size_t b = c.start - base_;
    const std::size_t gt = s_.find('>', b);
    const std::size_t e = gt == npos ? c.start + 1 : base_ + gt + 1;
    const std::string name = written_name(c.start);
    std::string message =
        unclosed_inside_block_.empty()
            ? fmt::format("<{}> is never closed", name)
            : fmt::format("<{}> never ends for kramdown: <{}> inside it is never closed", name, unclosed_inside_block_);
    message += ", so kramdown reads everything after it as one HTML block and converts none of the Markdown in the "
               "rest of the post";
    log_.issue_at(HtmlIssueKind::unclosed_element, c.start, e, std::move(message));
    unclosed_inside_block_.clear();
    if (k > 0) pop_silently(k - 1, c.at - base_);
    return;
  }
  if (k == 0) return;  // the browser's rules closed it already
  if (c.explained) {  // an end tag meant for it was shown as text: that finding says it
    pop_silently(k - 1, c.at - base_);
    return;
  }
  const Open o = stack_[k - 1];
  pop_above(k - 1, c.at - base_, " (kramdown closes it with the element around it)");
  pop_open();
  finish(o, c.at - base_);
  if (HtmlIssue* issue = log_.issue_at(HtmlIssueKind::unclosed_element, o.begin, o.end, kramdown_unclosed_message(o))) {
    issue->line_note_at = c.at;
    issue->line_note = "; kramdown closes it at the end of the paragraph, on line {}";
    if (!(o.flags & kKnown) && !o.foreign) issue->fix = Fix{"escape the '<' as &lt;", o.begin, o.begin + 1, "&lt;"};
  }
}

// Pops element k and everything above it without a finding.
void TreeBuilder::pop_silently(std::size_t k, std::size_t at) {
  while (stack_.size() > k) {
    ++out_.steps;
    const Open o = stack_.back();
    pop_open();
    finish(o, at);
  }
}

// The element name at file offset start (a '<'), as written.
std::string TreeBuilder::written_name(std::size_t start) const {
  std::size_t j = start - base_ + 1;
  const std::size_t b = j;
  while (j < n_ && !is_ws(s_[j]) && s_[j] != '/' && s_[j] != '>') ++j;
  return std::string(s_.substr(b, std::min<std::size_t>(j - b, 256)));
}

std::string TreeBuilder::kramdown_unclosed_message(const Open& o) const {
  const std::string written = written_name(o.begin);
  if (!(o.flags & kKnown) && !o.foreign) {
    return fmt::format("<{0}> is kept as an HTML tag (no HTML element has this name), so it does not show on the "
                       "page; write it as &lt;{0}> or put it in backticks",
                       written);
  }
  return fmt::format("<{}> is never closed", written);
}

ContentModel TreeBuilder::start_tag(HtmlStartTag st, std::size_t b, std::size_t e) {
  apply_kramdown_closes(b);
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
  if (!pushes) return ContentModel::data;
  if (ignore_index >= 0) out_.ignored[static_cast<std::size_t>(ignore_index)].end = base_ + n_;
  if (!overflow_.empty() || stack_.size() >= kMaxHtmlDepth) {
    enter_overflow(b, e, flags, foreign, self_closing, ignore_index);
  } else {
    push_open({name, index, base_ + b, base_ + e, flags, foreign, self_closing, ignore_index});
    if (name == "a" && !foreign) ++open_anchors_;
  }
  if (flags & kRcData) return ContentModel::rcdata;
  if (flags & kRawText) return ContentModel::raw_text;
  if (name == "plaintext" && !foreign) return ContentModel::plaintext;
  return ContentModel::data;
}

void TreeBuilder::close_list_item(const std::string& name, std::size_t at) {
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

void TreeBuilder::close_in_table(std::initializer_list<std::string_view> names, std::size_t at) {
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


void TreeBuilder::end_tag(const std::string& name, std::size_t b, std::size_t e) {
  apply_kramdown_closes(b);
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
    log_.issue(HtmlIssueKind::void_end_tag, b, e,
          name == "br" ? std::string("</br> is not an end tag: <br> is a void element and has none (browsers read it as <br>)")
                       : fmt::format("</{0}> is not allowed: <{0}> is a void element and has no end tag", name));
    return;
  }
  if (name == "p") {
    const std::size_t k = in_scope("p", 1);
    if (k == npos) {
      log_.issue(HtmlIssueKind::stray_end_tag, b, e, "</p> has no open <p> to close (HTML5 inserts an empty paragraph here)");
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
void TreeBuilder::formatting_end_tag(const std::string& name, std::size_t b, std::size_t e) {
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
    log_.issue(HtmlIssueKind::stray_end_tag, b, e, fmt::format("</{0}> has no open <{0}> to close", name));
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
void TreeBuilder::close_misnested(const std::string& name, std::string_view inner, std::size_t k, std::size_t b, std::size_t e) {
  log_.issue(HtmlIssueKind::misnested, b, e,
        fmt::format("</{}> closes <{}> while <{}> inside it is still open: close <{}> first", name, name, inner, inner));
  const Open o = stack_[k];
  erase_open(k);
  finish(o, e);
}

// </li>, </table>, </div>...: closes up to the element in its scope.
void TreeBuilder::special_end_tag(const std::string& name, std::size_t b, std::size_t e) {
  const std::size_t k = name == "li"                                             ? in_scope(name, 2)
                        : (name == "table" || name == "tbody" || name == "thead" || name == "tfoot" ||
                           name == "tr" || name == "caption" || name == "colgroup")
                            ? in_table_scope(name)
                            : in_scope(name);
  if (k == npos) {
    log_.issue(HtmlIssueKind::stray_end_tag, b, e, fmt::format("</{0}> has no open <{0}> to close", name));
    return;
  }
  pop_to(k, e, fmt::format(" before </{}>", name));
}

// Any other end tag: the nearest match, unless a special element is in the way.
void TreeBuilder::other_end_tag(const std::string& name, std::size_t b, std::size_t e) {
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
  log_.issue(HtmlIssueKind::stray_end_tag, b, e, fmt::format("</{0}> has no open <{0}> to close", name));
}



// Offset of the next `</name` end tag at or after from, or npos. Every
// `</` is listed by its lower-cased name on the first question, so a post
// of misnested tags does not search the rest of the body at each.
std::size_t TreeBuilder::find_end_tag(std::string_view name, std::size_t from) {
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

void TreeBuilder::end_of_input() {
  apply_kramdown_closes(n_);
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
}

}  // namespace al::html_detail
