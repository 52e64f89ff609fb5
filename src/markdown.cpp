#include "archive_lint/markdown.hpp"

#include <algorithm>
#include <cctype>

namespace al {

namespace {

bool is_blank_line(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

bool ascii_punct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

// Length of `<scheme:...>` or `<user@host>` starting at s[i] == '<', or 0.
std::size_t autolink_length(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  // URI autolink: scheme of 2..32 chars, then ':' and no space, '<' or '>'.
  std::size_t k = j;
  if (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) {
    while (k < s.size() && k - j < 33 &&
           (std::isalnum(static_cast<unsigned char>(s[k])) || s[k] == '+' || s[k] == '.' || s[k] == '-'))
      ++k;
    if (k < s.size() && s[k] == ':' && k - j >= 2 && k - j <= 32) {
      std::size_t e = k + 1;
      while (e < s.size() && s[e] != '>' && s[e] != '<' && s[e] != ' ' && s[e] != '\n' && s[e] != '\t' && s[e] != '\r') ++e;
      if (e < s.size() && s[e] == '>') return e + 1 - i;
    }
  }
  // Email autolink.
  std::size_t e = j;
  bool at = false;
  while (e < s.size() && s[e] != '>' && s[e] != '<' && s[e] != ' ' && s[e] != '\n' && s[e] != '\t' && s[e] != '\r') {
    if (s[e] == '@') {
      if (at) return 0;
      at = true;
    } else if (!(std::isalnum(static_cast<unsigned char>(s[e])) || std::string_view(".!#$%&'*+/=?^_`{|}~-").find(s[e]) != std::string_view::npos)) {
      return 0;
    }
    ++e;
  }
  if (at && e < s.size() && s[e] == '>' && s[e - 1] != '@' && s[j] != '@') return e + 1 - i;
  return 0;
}

class Segmenter {
 public:
  Segmenter(std::string_view text, std::size_t body_offset)
      : text_(text), base_(body_offset), body_(text.substr(body_offset)) {
    out_.html_view.assign(body_.begin(), body_.end());
  }

  Segmentation run() {
    split_lines();
    mark_blocks();
    scan_inline();
    std::sort(out_.spans.begin(), out_.spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
    resolve_references();
    return std::move(out_);
  }

 private:
  struct Line {
    std::size_t begin, end;  // body offsets, end before terminator
    std::size_t next;        // start of the next line
    bool in_block = false;   // claimed by a code block or reference definition
  };

  void blank(std::size_t b, std::size_t e) {  // body offsets
    for (std::size_t i = b; i < e && i < out_.html_view.size(); ++i) {
      if (out_.html_view[i] != '\n' && out_.html_view[i] != '\r') out_.html_view[i] = ' ';
    }
  }
  void add_span(SpanKind kind, std::size_t b, std::size_t e, bool blank_it = true) {
    out_.spans.push_back({kind, base_ + b, base_ + e});
    if (blank_it) blank(b, e);
  }

  void split_lines() {
    std::size_t i = 0;
    while (i <= body_.size()) {
      std::size_t e = i;
      while (e < body_.size() && body_[e] != '\n' && body_[e] != '\r') ++e;
      std::size_t next = e;
      if (next < body_.size()) next += (body_[next] == '\r' && next + 1 < body_.size() && body_[next + 1] == '\n') ? 2 : 1;
      lines_.push_back({i, e, next});
      if (e >= body_.size()) break;
      i = next;
    }
  }

  std::string_view line_text(const Line& l) const { return body_.substr(l.begin, l.end - l.begin); }

  static std::size_t indent_of(std::string_view s, std::size_t& pos) {
    std::size_t width = 0;
    pos = 0;
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) {
      width += s[pos] == '\t' ? 4 - width % 4 : 1;
      ++pos;
    }
    return width;
  }

  // Whether a comment opened on this line (from `from` on) is still open at its end.
  static bool comment_left_open(std::string_view t, std::size_t from) {
    bool open = false;
    std::size_t k = from;
    while (k < t.size()) {
      if (!open) {
        const std::size_t o = t.find("<!--", k);
        if (o == std::string_view::npos) break;
        open = true;
        k = o + 4;
      } else {
        const std::size_t c = t.find("-->", k);
        if (c == std::string_view::npos) break;
        open = false;
        k = c + 3;
      }
    }
    return open;
  }

  void mark_blocks() {
    bool previous_blank = true;
    bool in_comment = false;  // inside a multi-line HTML comment: no Markdown blocks start there
    for (std::size_t n = 0; n < lines_.size(); ++n) {
      const std::string_view t = line_text(lines_[n]);
      if (in_comment) {
        const std::size_t c = t.find("-->");
        if (c != std::string_view::npos)
          in_comment = comment_left_open(t, c + 3) && body_.find("-->", lines_[n].end) != std::string_view::npos;
        previous_blank = false;
        continue;
      }
      std::size_t pos = 0;
      const std::size_t indent = indent_of(t, pos);
      // Fenced code block.
      if (indent <= 3 && pos + 3 <= t.size() && (t.substr(pos, 3) == "```" || t.substr(pos, 3) == "~~~")) {
        const char fence = t[pos];
        std::size_t len = 0;
        while (pos + len < t.size() && t[pos + len] == fence) ++len;
        std::size_t m = n + 1;
        for (; m < lines_.size(); ++m) {
          const std::string_view u = line_text(lines_[m]);
          std::size_t p2 = 0;
          if (indent_of(u, p2) > 3) continue;
          std::size_t l2 = 0;
          while (p2 + l2 < u.size() && u[p2 + l2] == fence) ++l2;
          if (l2 >= len && is_blank_line(u.substr(p2 + l2))) break;
        }
        // kramdown (and its GFM parser) needs the closing fence; without one
        // the fence line is ordinary text.
        if (m >= lines_.size()) {
          previous_blank = false;
          continue;
        }
        const std::size_t last = m;
        add_span(SpanKind::code_block, lines_[n].begin, lines_[last].end);
        for (std::size_t k = n; k <= last; ++k) lines_[k].in_block = true;
        n = last;
        previous_blank = false;
        continue;
      }
      // Indented code block: after a blank line, 4+ columns, and not indented HTML.
      if (previous_blank && indent >= 4 && !is_blank_line(t) && t[pos] != '<') {
        std::size_t m = n;
        std::size_t last = n;
        for (; m < lines_.size(); ++m) {
          const std::string_view u = line_text(lines_[m]);
          std::size_t p2 = 0;
          if (is_blank_line(u)) continue;
          if (indent_of(u, p2) < 4) break;
          last = m;
        }
        add_span(SpanKind::code_block, lines_[n].begin, lines_[last].end);
        for (std::size_t k = n; k <= last; ++k) lines_[k].in_block = true;
        n = last;
        previous_blank = false;
        continue;
      }
      // Reference definition: [label]: destination "title"
      // (`[^note]: text` is a kramdown footnote definition: Markdown, not a link.)
      if (indent <= 3 && pos + 1 < t.size() && t[pos] == '[' && t[pos + 1] != '^') {
        const std::size_t close = t.find("]:", pos + 1);
        if (close != std::string_view::npos && close > pos + 1 && t.substr(pos + 1, close - pos - 1).find(']') == std::string_view::npos) {
          std::size_t d = close + 2;
          while (d < t.size() && (t[d] == ' ' || t[d] == '\t')) ++d;
          std::size_t de = d;
          bool angle = d < t.size() && t[d] == '<';
          if (angle) {
            de = t.find('>', d);
            if (de == std::string_view::npos) de = t.size();
          } else {
            while (de < t.size() && t[de] != ' ' && t[de] != '\t') ++de;
          }
          if (de > d) {
            MarkdownLink link;
            link.kind = MarkdownLinkKind::reference_definition;
            const std::size_t db = angle ? d + 1 : d;
            link.destination = std::string(t.substr(db, de - db));
            link.dest_begin = base_ + lines_[n].begin + db;
            link.dest_end = base_ + lines_[n].begin + de;
            link.begin = base_ + lines_[n].begin + pos;
            link.end = base_ + lines_[n].end;
            link.label = normalise_label(t.substr(pos + 1, close - pos - 1));
            definitions_.push_back(link);
            add_span(SpanKind::reference_definition, lines_[n].begin + pos, lines_[n].end);
            lines_[n].in_block = true;
            previous_blank = false;
            continue;
          }
        }
      }
      // An unterminated `<!--` is text to kramdown: it only hides blocks when closed later.
      in_comment = comment_left_open(t, 0) && body_.find("-->", lines_[n].end) != std::string_view::npos;
      previous_blank = is_blank_line(t);
    }
  }

  static std::string normalise_label(std::string_view label) {
    std::string out;
    bool space = false;
    for (char c : label) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        space = !out.empty();
        continue;
      }
      if (space) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
  }

  // End of the paragraph containing body offset i: the next blank line or block.
  std::size_t paragraph_end(std::size_t i) const {
    auto it = std::upper_bound(lines_.begin(), lines_.end(), i, [](std::size_t v, const Line& l) { return v < l.begin; });
    std::size_t n = static_cast<std::size_t>(it - lines_.begin());
    n = n == 0 ? 0 : n - 1;
    for (std::size_t m = n + 1; m < lines_.size(); ++m) {
      if (lines_[m].in_block || is_blank_line(line_text(lines_[m]))) return lines_[m - 1].end;
    }
    return body_.size();
  }

  // From body offset i: past spaces and tabs, one line ending (LF, CRLF or CR)
  // and the spaces after it; never past `limit` (a paragraph's end).
  std::size_t skip_space_and_one_break(std::size_t i, std::size_t limit) const {
    auto spaces = [&] {
      while (i < limit && (body_[i] == ' ' || body_[i] == '\t')) ++i;
    };
    spaces();
    if (i < limit && (body_[i] == '\n' || body_[i] == '\r')) {
      i += (body_[i] == '\r' && i + 1 < limit && body_[i + 1] == '\n') ? 2 : 1;
      spaces();
    }
    return i;
  }

  // [text](dest "title") or ![alt](src); returns the end (body offset) or 0.
  std::size_t try_link(std::size_t i, bool image) {
    const std::size_t open = image ? i + 1 : i;
    const std::size_t limit = paragraph_end(open);
    int depth = 0;
    std::size_t close = 0;
    for (std::size_t k = open; k < limit; ++k) {
      const char c = body_[k];
      if (c == '\\') {
        ++k;
        continue;
      }
      if (c == '`') {  // code spans inside link text stay code
        std::size_t run = 0;
        while (k + run < limit && body_[k + run] == '`') ++run;
        const std::size_t end = find_backtick_close(k + run, run, limit);
        if (end != std::string_view::npos) k = end + run - 1;
        continue;
      }
      if (c == '[') ++depth;
      if (c == ']' && --depth == 0) {
        close = k;
        break;
      }
    }
    if (close == 0) return 0;
    MarkdownLink link;
    link.text = std::string(body_.substr(open + 1, close - open - 1));
    link.begin = base_ + i;
    if (close + 1 < limit && body_[close + 1] == '(') {
      // Spaces and at most one line break may come before the destination
      // (kramdown 2.4: `[y](` at a line's end, the URL on the next line).
      std::size_t d = skip_space_and_one_break(close + 2, limit);
      std::size_t db = d, de = d, end = 0;
      if (d < limit && body_[d] == '<') {
        db = d + 1;
        de = body_.find('>', db);
        if (de == std::string_view::npos || de >= limit) return 0;
        end = body_.find(')', de);
      } else {
        int parens = 0;
        de = d;
        while (de < limit && body_[de] != ' ' && body_[de] != '\t' && body_[de] != '\n' && body_[de] != '\r') {
          if (body_[de] == '\\') {
            de += 2;
            continue;
          }
          if (body_[de] == '(') ++parens;
          if (body_[de] == ')') {
            if (parens == 0) break;
            --parens;
          }
          ++de;
        }
        de = std::min(de, limit);
        end = body_.find(')', de);
      }
      if (end == std::string_view::npos || end >= limit + 1) return 0;
      // A title may sit between the destination and ')'; it must be quoted.
      const std::string_view between = body_.substr(de + (body_[de] == '>' ? 1 : 0), end - de - (body_[de] == '>' ? 1 : 0));
      std::size_t t = 0;
      while (t < between.size() && (between[t] == ' ' || between[t] == '\t' || between[t] == '\n' || between[t] == '\r')) ++t;
      if (t < between.size() && between[t] != '"' && between[t] != '\'' && between[t] != '(') return 0;
      link.kind = image ? MarkdownLinkKind::inline_image : MarkdownLinkKind::inline_link;
      link.destination = std::string(body_.substr(db, de - db));
      link.dest_begin = base_ + db;
      link.dest_end = base_ + de;
      link.end = base_ + end + 1;
      if (image) {
        add_span(SpanKind::link_syntax, i, end + 1);  // alt text is plain text to kramdown
      } else {
        add_span(SpanKind::link_syntax, i, open + 1);
        add_span(SpanKind::link_syntax, close, end + 1);
      }
      out_.links.push_back(std::move(link));
      return end + 1;
    }
    // Reference use: [text][label] or [text][] or [text].
    std::string label;
    std::size_t end = close + 1;
    if (close + 1 < limit && body_[close + 1] == '[') {
      const std::size_t lc = body_.find(']', close + 2);
      if (lc == std::string_view::npos || lc >= limit) return 0;
      label = normalise_label(body_.substr(close + 2, lc - close - 2));
      end = lc + 1;
      label_parts_.push_back({close + 1, end});  // `[label]` is not a link of its own
    }
    if (label.empty()) label = normalise_label(link.text);
    link.kind = MarkdownLinkKind::reference_use;
    link.label = label;
    link.end = base_ + end;
    link.dest_begin = link.begin;
    link.dest_end = link.end;
    pending_uses_.push_back({std::move(link), image, i, open, close, end});
    return 0;  // text inside is still scanned; syntax is blanked once resolved
  }

  std::size_t find_backtick_close(std::size_t from, std::size_t run, std::size_t limit) const {
    std::size_t k = from;
    while (k < limit) {
      if (body_[k] != '`') {
        ++k;
        continue;
      }
      std::size_t r = 0;
      while (k + r < limit && body_[k + r] == '`') ++r;
      if (r == run) return k;
      k += r;
    }
    return std::string_view::npos;
  }

  void scan_inline() {
    std::size_t i = 0;
    const std::size_t n = body_.size();
    std::size_t line = 0;  // the line holding i (lines only move forward)
    while (i < n) {
      const char c = body_[i];
      // Most bytes are text: skip them without any line bookkeeping.
      if (c != '\\' && c != '`' && c != '<' && c != '[' && c != '!') {
        ++i;
        continue;
      }
      while (line + 1 < lines_.size() && lines_[line + 1].begin <= i) ++line;
      if (lines_[line].in_block) {
        i = lines_[line].next > i ? lines_[line].next : i + 1;
        continue;
      }
      if (c == '\\' && i + 1 < n && ascii_punct(body_[i + 1])) {
        add_span(SpanKind::escape, i, i + 2);
        i += 2;
        continue;
      }
      if (c == '`') {
        std::size_t run = 0;
        while (i + run < n && body_[i + run] == '`') ++run;
        const std::size_t close = find_backtick_close(i + run, run, paragraph_end(i));
        if (close != std::string_view::npos) {
          add_span(SpanKind::code_span, i, close + run);
          i = close + run;
        } else {
          i += run;
        }
        continue;
      }
      if (c == '<') {
        if (body_.substr(i, 4) == "<!--") {
          const std::size_t close = body_.find("-->", i + 4);
          if (close == std::string_view::npos) {  // unterminated: the HTML checks report it
            i += 4;
            continue;
          }
          add_span(SpanKind::html_comment, i, close + 3, false);
          i = close + 3;
          continue;
        }
        if (const std::size_t len = autolink_length(body_, i)) {
          MarkdownLink link;
          link.kind = MarkdownLinkKind::autolink;
          link.destination = std::string(body_.substr(i + 1, len - 2));
          link.dest_begin = base_ + i + 1;
          link.dest_end = base_ + i + len - 1;
          link.begin = base_ + i;
          link.end = base_ + i + len;
          out_.links.push_back(std::move(link));
          add_span(SpanKind::autolink, i, i + len);
          i += len;
          continue;
        }
        ++i;
        continue;
      }
      if (c == '[' && !label_parts_.empty()) {
        const auto part = std::find_if(label_parts_.begin(), label_parts_.end(),
                                       [&](const auto& p) { return p.first == i; });
        if (part != label_parts_.end()) {
          i = part->second;
          continue;
        }
      }
      if (c == '[' || (c == '!' && i + 1 < n && body_[i + 1] == '[')) {
        const std::size_t end = try_link(i, c == '!');
        if (end) {
          // Link text may hold inline HTML and code: rescan it, then continue after.
          // An image's alt text is plain text: skip it.
          i = c == '!' ? end : i + 1;
          continue;
        }
        i += c == '!' ? 2 : 1;
        continue;
      }
      ++i;
    }
  }

  void resolve_references() {
    for (auto& d : definitions_) out_.links.push_back(d);
    for (auto& use : pending_uses_) {
      const auto def = std::find_if(definitions_.begin(), definitions_.end(),
                                    [&](const MarkdownLink& d) { return d.label == use.link.label; });
      if (def == definitions_.end()) continue;  // not a link at all: plain brackets
      use.link.destination = def->destination;
      add_span(SpanKind::link_syntax, use.start, use.open + 1);
      add_span(SpanKind::link_syntax, use.close, use.end);
      out_.links.push_back(std::move(use.link));
    }
    std::sort(out_.links.begin(), out_.links.end(), [](const MarkdownLink& a, const MarkdownLink& b) { return a.begin < b.begin; });
    std::sort(out_.spans.begin(), out_.spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  }

  struct PendingUse {
    MarkdownLink link;
    bool image;
    std::size_t start, open, close, end;
  };

  std::string_view text_;
  std::size_t base_;
  std::string_view body_;
  std::vector<Line> lines_;
  std::vector<MarkdownLink> definitions_;
  std::vector<PendingUse> pending_uses_;
  std::vector<std::pair<std::size_t, std::size_t>> label_parts_;
  Segmentation out_;
};

}  // namespace

Segmentation segment_markdown(std::string_view text, std::size_t body_offset) {
  return Segmenter(text, body_offset).run();
}

}  // namespace al
