#include "archive_lint/markdown.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>

#include "archive_lint/text.hpp"

namespace al {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Every position of one byte, listed on the first question: the next one
// after any position, in any order of questions, by binary search.
class BytePositions {
 public:
  BytePositions(std::string_view text, char byte, std::uint64_t& steps) : text_(text), byte_(byte), steps_(steps) {}
  std::size_t next(std::size_t from) {
    ++steps_;
    if (!built_) {
      built_ = true;
      steps_ += text_.size();
      for (const char* p = text_.data(); (p = static_cast<const char*>(std::memchr(p, byte_, text_.data() + text_.size() - p)));)
        at_.push_back(static_cast<std::uint32_t>(p++ - text_.data()));
    }
    const auto it = std::lower_bound(at_.begin(), at_.end(), from);
    return it == at_.end() ? npos : *it;
  }

 private:
  std::string_view text_;
  char byte_;
  std::uint64_t& steps_;
  bool built_ = false;
  std::vector<std::uint32_t> at_;
};

// The maximal runs of backticks, by length: where the run that closes a code
// span of length n starts, without walking the text after it.
class BacktickRuns {
 public:
  BacktickRuns(std::string_view text, std::uint64_t& steps) : text_(text), steps_(steps) {}
  // The first run of exactly `run` backticks starting in [from, limit), or npos.
  std::size_t next(std::size_t from, std::size_t run, std::size_t limit) {
    ++steps_;
    if (!built_) build();
    const auto bucket = by_length_.find(static_cast<std::uint32_t>(run));
    if (bucket == by_length_.end()) return npos;
    const auto it = std::lower_bound(bucket->second.begin(), bucket->second.end(), from);
    return it != bucket->second.end() && *it < limit ? *it : npos;
  }

 private:
  void build() {
    built_ = true;
    steps_ += text_.size();
    for (std::size_t i = 0; i < text_.size();) {
      if (text_[i] != '`') {
        ++i;
        continue;
      }
      std::size_t r = 0;
      while (i + r < text_.size() && text_[i + r] == '`') ++r;
      by_length_[static_cast<std::uint32_t>(r)].push_back(static_cast<std::uint32_t>(i));
      i += r;
    }
  }
  std::string_view text_;
  std::uint64_t& steps_;
  bool built_ = false;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> by_length_;
};

// Answers already found by scans that visit many positions at once (the
// matching ']' of every '[' a bracket scan passes, say), for later questions
// about those positions. Scans append in increasing order to a layer; a scan
// that starts before the end of every layer opens a new one (the text was
// tokenised differently from there: rare, and then only a few layers).
class Memo {
 public:
  std::optional<std::uint32_t> find(std::size_t at) const {
    for (const auto& layer : layers_) {
      const auto it = std::lower_bound(layer.begin(), layer.end(), at, [](const Entry& e, std::size_t v) { return e.at < v; });
      if (it != layer.end() && it->at == at) return it->value;
    }
    return std::nullopt;
  }
  // The layer a scan starting at `from` appends to.
  std::size_t layer_for(std::size_t from) {
    for (std::size_t k = 0; k < layers_.size(); ++k) {
      if (layers_[k].empty() || layers_[k].back().at < from) return k;
    }
    // A bounded number of layers keeps every question cheap; the memo only
    // saves work, so forgetting it changes no answer.
    if (layers_.size() >= kMaxLayers) layers_.clear();
    layers_.emplace_back();
    return layers_.size() - 1;
  }
  // Appends (at, value) to a layer: `at` must exceed the layer's last position.
  std::size_t add(std::size_t layer, std::size_t at, std::uint32_t value) {
    layers_[layer].push_back({static_cast<std::uint32_t>(at), value});
    return layers_[layer].size() - 1;
  }
  void set(std::size_t layer, std::size_t index, std::uint32_t value) { layers_[layer][index].value = value; }
  void clear() { layers_.clear(); }

 private:
  static constexpr std::size_t kMaxLayers = 16;
  struct Entry {
    std::uint32_t at;
    std::uint32_t value;
  };
  std::vector<std::vector<Entry>> layers_;
};

constexpr std::uint32_t kNone = 0xFFFFFFFFu;


bool is_blank_line(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

bool ascii_punct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

// Length of `<scheme:...>` or `<user@host>` starting at s[i] == '<', or 0.
std::size_t autolink_length(std::string_view s, std::size_t i, std::uint64_t& steps) {
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
      steps += e - i;
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
  steps += e - i;
  if (at && e < s.size() && s[e] == '>' && s[e - 1] != '@' && s[j] != '@') return e + 1 - i;
  return 0;
}

class Segmenter {
 public:
  Segmenter(std::string_view text, std::size_t body_offset)
      : base_(body_offset),
        body_(text.substr(body_offset)),
        out_(),
        comment_close_(body_, "-->", &out_.steps),
        comment_close_inline_(body_, "-->", &out_.steps),
        close_paren_(body_, ')', out_.steps),
        close_angle_(body_, '>', out_.steps),
        close_bracket_(body_, ']', out_.steps),
        backticks_(body_, out_.steps) {
    out_.html_view.assign(body_.begin(), body_.end());
  }

  Segmentation run() {
    split_lines();
    mark_blocks();
    scan_inline();
    finish();
    return std::move(out_);
  }

 private:
  struct Line {
    std::uint32_t begin, end;  // body offsets, end before the terminator
  };
  struct Definition {
    std::string label;
    std::uint32_t begin, end, dest_begin, dest_end;  // body offsets
  };

  static std::uint32_t u32(std::size_t v) { return static_cast<std::uint32_t>(v); }

  void blank(std::size_t b, std::size_t e) {  // body offsets
    out_.steps += e - std::min(b, e);
    for (std::size_t i = b; i < e && i < out_.html_view.size(); ++i) {
      if (out_.html_view[i] != '\n' && out_.html_view[i] != '\r') out_.html_view[i] = ' ';
    }
  }
  void add_span(SpanKind kind, std::size_t b, std::size_t e, bool blank_it = true) {
    out_.spans.push_back({kind, u32(base_ + b), u32(base_ + e)});
    if (blank_it) blank(b, e);
  }
  void keep_link(MarkdownLink link) {
    if (out_.links.size() < kMaxMarkdownLinks) {
      out_.links.push_back(std::move(link));
      return;
    }
    if (out_.links_omitted++ == 0 || link.begin < out_.first_omitted_link) out_.first_omitted_link = link.begin;
  }

  void split_lines() {
    const std::size_t n = body_.size();
    out_.steps += n;
    lines_.reserve(1 + static_cast<std::size_t>(std::count(body_.begin(), body_.end(), '\n') +
                                                std::count(body_.begin(), body_.end(), '\r')));
    std::size_t i = 0;
    while (true) {
      std::size_t e = i;
      while (e < n && body_[e] != '\n' && body_[e] != '\r') ++e;
      lines_.push_back({u32(i), u32(e)});
      if (e >= n) break;
      i = e + ((body_[e] == '\r' && e + 1 < n && body_[e + 1] == '\n') ? 2 : 1);
    }
    in_block_.assign(lines_.size(), false);
  }

  std::string_view line_text(std::size_t n) const { return body_.substr(lines_[n].begin, lines_[n].end - lines_[n].begin); }
  // Start of the line after line n (the body's end for the last one).
  std::size_t next_line_start(std::size_t n) const { return n + 1 < lines_.size() ? lines_[n + 1].begin : body_.size(); }

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

  // The length of the run of `fence` that would close a fenced block on line
  // m (indent up to 3, the run, then only blanks), or 0.
  std::size_t closing_run(std::size_t m, char fence) {
    const std::string_view u = line_text(m);
    out_.steps += u.size() + 1;
    std::size_t p = 0;
    if (indent_of(u, p) > 3) return 0;
    std::size_t len = 0;
    while (p + len < u.size() && u[p + len] == fence) ++len;
    return is_blank_line(u.substr(p + len)) ? len : 0;
  }

  // The line that closes a fence of len characters opened on line n, or npos.
  // The longest closing run on or after each line (computed once, backwards)
  // answers "never closed" at once: a post of unclosed fences stays linear.
  std::size_t closing_fence_line(std::size_t n, char fence, std::size_t len) {
    auto& longest = longest_run_after_[fence == '`' ? 0 : 1];
    if (longest.empty()) {
      longest.assign(lines_.size() + 1, 0);
      for (std::size_t m = lines_.size(); m-- > 0;)
        longest[m] = std::max(longest[m + 1], u32(std::min<std::size_t>(closing_run(m, fence), 0xFFFFFFFFu)));
    }
    if (longest[n + 1] < len) return npos;
    for (std::size_t m = n + 1; m < lines_.size(); ++m) {
      if (closing_run(m, fence) >= len) return m;
    }
    return npos;
  }

  void claim(std::size_t first, std::size_t last) {
    add_span(SpanKind::code_block, lines_[first].begin, lines_[last].end);
    for (std::size_t k = first; k <= last; ++k) in_block_[k] = true;
  }

  // `[label]: destination "title"` on line n, whose text t has its first
  // non-blank at pos; records the definition and returns true.
  bool reference_definition(std::size_t n, std::string_view t, std::size_t pos) {
    const std::size_t close = t.find("]:", pos + 1);
    if (close == npos || close <= pos + 1 || close - pos - 1 > kMaxLabelBytes ||
        t.substr(pos + 1, close - pos - 1).find(']') != npos)
      return false;
    std::size_t d = close + 2;
    while (d < t.size() && (t[d] == ' ' || t[d] == '\t')) ++d;
    std::size_t de = d;
    const bool angle = d < t.size() && t[d] == '<';
    if (angle) {
      de = t.find('>', d);
      if (de == npos) de = t.size();
    } else {
      while (de < t.size() && t[de] != ' ' && t[de] != '\t') ++de;
    }
    if (de <= d) return false;
    const std::size_t line_begin = lines_[n].begin;
    const std::size_t db = angle ? d + 1 : d;
    Definition def{normalise_label(t.substr(pos + 1, close - pos - 1)), u32(line_begin + pos), lines_[n].end,
                   u32(line_begin + db), u32(line_begin + de)};
    first_definition_.emplace(def.label, u32(definitions_.size()));
    definitions_.push_back(std::move(def));
    add_span(SpanKind::reference_definition, line_begin + pos, lines_[n].end);
    in_block_[n] = true;
    return true;
  }

  void mark_blocks() {
    bool previous_blank = true;
    bool in_comment = false;  // inside a multi-line HTML comment: no Markdown blocks start there
    for (std::size_t n = 0; n < lines_.size(); ++n) {
      const std::string_view t = line_text(n);
      out_.steps += t.size() + 1;
      if (in_comment) {
        const std::size_t c = t.find("-->");
        if (c != npos) in_comment = comment_left_open(t, c + 3) && comment_close_(lines_[n].end) != npos;
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
        const std::size_t last = closing_fence_line(n, fence, len);
        // kramdown (and its GFM parser) needs the closing fence; without one
        // the fence line is ordinary text.
        previous_blank = false;
        if (last == npos) continue;
        claim(n, last);
        n = last;
        continue;
      }
      // Indented code block: after a blank line, 4+ columns, and not indented HTML.
      if (previous_blank && indent >= 4 && !is_blank_line(t) && t[pos] != '<') {
        std::size_t last = n;
        for (std::size_t m = n; m < lines_.size(); ++m) {
          const std::string_view u = line_text(m);
          out_.steps += u.size() + 1;
          std::size_t p2 = 0;
          if (is_blank_line(u)) continue;
          if (indent_of(u, p2) < 4) break;
          last = m;
        }
        claim(n, last);
        n = last;
        previous_blank = false;
        continue;
      }
      // Reference definition: [label]: destination "title"
      // (`[^note]: text` is a kramdown footnote definition: Markdown, not a link.)
      if (indent <= 3 && pos + 1 < t.size() && t[pos] == '[' && t[pos + 1] != '^' && reference_definition(n, t, pos)) {
        previous_blank = false;
        continue;
      }
      // An unterminated `<!--` is text to kramdown: it only hides blocks when closed later.
      in_comment = comment_left_open(t, 0) && comment_close_(lines_[n].end) != npos;
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

  // End of the paragraph containing body offset i: the next blank line or
  // block. Every line of a paragraph has the same answer, so the last one is
  // kept for the lines it covers (questions move forward with the scan).
  std::size_t paragraph_end(std::size_t i) {
    auto it = std::upper_bound(lines_.begin(), lines_.end(), i, [](std::size_t v, const Line& l) { return v < l.begin; });
    std::size_t n = static_cast<std::size_t>(it - lines_.begin());
    n = n == 0 ? 0 : n - 1;
    if (paragraph_.valid && n >= paragraph_.first && n <= paragraph_.last) return paragraph_.end;
    paragraph_ = {true, n, lines_.size() - 1, body_.size()};
    for (std::size_t m = n + 1; m < lines_.size(); ++m) {
      out_.steps += lines_[m].end - lines_[m].begin + 1;
      if (in_block_[m] || is_blank_line(line_text(m))) {
        paragraph_.last = m - 1;
        paragraph_.end = lines_[m - 1].end;
        break;
      }
    }
    return paragraph_.end;
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

  // The ']' matching the '[' at open within [open, limit), or npos. Escapes
  // and code spans are skipped. One scan answers for every '[' it passes (a
  // scan from any of them would read the same tokens), kept in brackets_:
  // without it, `[[[[...` would rescan the paragraph from every '['.
  std::size_t matching_bracket(std::size_t open, std::size_t limit) {
    if (limit != brackets_limit_) {
      brackets_.clear();
      brackets_limit_ = limit;
    }
    if (const auto known = brackets_.find(open)) return *known == kNone ? npos : *known;
    const std::size_t layer = brackets_.layer_for(open);
    std::vector<std::size_t>& stack = stack_;
    stack.clear();
    for (std::size_t k = open; k < limit; ++k) {
      ++out_.steps;
      const char c = body_[k];
      if (c == '\\') {
        ++k;
        continue;
      }
      if (c == '`') {  // code spans inside link text stay code
        std::size_t run = 0;
        while (k + run < limit && body_[k + run] == '`') ++run;
        const std::size_t end = backticks_.next(k + run, run, limit);
        if (end != npos) k = end + run - 1;
        continue;
      }
      if (c == '[') {
        stack.push_back(brackets_.add(layer, k, kNone));
      } else if (c == ']' && !stack.empty()) {
        brackets_.set(layer, stack.back(), u32(k));
        stack.pop_back();
        if (stack.empty()) return k;
      }
    }
    return npos;
  }

  // End of an inline link's destination that starts at d (the '(' at paren):
  // at white space, or at a ')' that closes no '(' opened after d. A scan
  // also answers for each "](" it passes, kept in destinations_ (a scan
  // from there reads the same tokens): `[a]([a]([a](...` stays linear.
  std::size_t destination_end(std::size_t paren, std::size_t d, std::size_t limit) {
    if (limit != destinations_limit_) {
      destinations_.clear();
      destinations_limit_ = limit;
    }
    const bool right_after_paren = d == paren + 1;
    if (right_after_paren) {
      if (const auto known = destinations_.find(paren)) return *known;
    }
    const std::size_t layer = destinations_.layer_for(paren);
    const std::size_t self = right_after_paren ? destinations_.add(layer, paren, kNone) : npos;
    std::vector<std::size_t>& stack = stack_;  // memo index of each open '(' (npos: not after ']')
    stack.clear();
    std::size_t de = d;
    while (de < limit && body_[de] != ' ' && body_[de] != '\t' && body_[de] != '\n' && body_[de] != '\r') {
      ++out_.steps;
      const char c = body_[de];
      if (c == '\\') {
        de += 2;
        continue;
      }
      if (c == '(') stack.push_back(body_[de - 1] == ']' ? destinations_.add(layer, de, kNone) : npos);
      if (c == ')') {
        if (stack.empty()) break;
        if (stack.back() != npos) destinations_.set(layer, stack.back(), u32(de));
        stack.pop_back();
      }
      ++de;
    }
    de = std::min(de, limit);
    for (const std::size_t index : stack) {
      if (index != npos) destinations_.set(layer, index, u32(de));
    }
    if (self != npos) destinations_.set(layer, self, u32(de));
    return de;
  }

  // [text](dest "title") after the ']' at close; returns the end (body
  // offset) or 0.
  std::size_t inline_link(MarkdownLink& link, std::size_t i, std::size_t open, std::size_t close, std::size_t limit,
                          bool image) {
    // Spaces and at most one line break may come before the destination
    // (kramdown 2.4: `[y](` at a line's end, the URL on the next line).
    const std::size_t d = skip_space_and_one_break(close + 2, limit);
    std::size_t db = d, de = d, end = 0;
    if (d < limit && body_[d] == '<') {
      db = d + 1;
      de = close_angle_.next(db);
      if (de == npos || de >= limit) return 0;
    } else {
      de = destination_end(close + 1, d, limit);
    }
    end = close_paren_.next(de);
    if (end == npos || end >= limit + 1) return 0;
    // A title may sit between the destination and ')'; it must be quoted.
    const std::string_view between = body_.substr(de + (body_[de] == '>' ? 1 : 0), end - de - (body_[de] == '>' ? 1 : 0));
    std::size_t t = 0;
    while (t < between.size() && (between[t] == ' ' || between[t] == '\t' || between[t] == '\n' || between[t] == '\r')) ++t;
    out_.steps += t;
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
    keep_link(std::move(link));
    return end + 1;
  }

  // Reference use after the ']' at close: [text][label], [text][] or [text].
  // Definitions are all known (mark_blocks ran first), so a use is resolved
  // here; one without a definition is plain brackets.
  void reference_use(MarkdownLink& link, std::size_t i, std::size_t open, std::size_t close, std::size_t limit) {
    std::string label;
    std::size_t end = close + 1;
    if (close + 1 < limit && body_[close + 1] == '[') {
      const std::size_t lc = close_bracket_.next(close + 2);
      if (lc == npos || lc >= limit) return;
      end = lc + 1;
      label_parts_.push({u32(close + 1), u32(end)});  // `[label]` is not a link of its own
      if (lc - close - 2 > kMaxLabelBytes) return;
      out_.steps += lc - close;
      label = normalise_label(body_.substr(close + 2, lc - close - 2));
    }
    if (label.empty()) {
      if (close - open - 1 > kMaxLabelBytes) return;
      out_.steps += close - open;
      label = normalise_label(body_.substr(open + 1, close - open - 1));
    }
    const auto def = first_definition_.find(label);
    if (def == first_definition_.end()) return;
    const Definition& d = definitions_[def->second];
    link.kind = MarkdownLinkKind::reference_use;
    link.label = std::move(label);
    link.end = base_ + end;
    link.dest_begin = link.begin;
    link.dest_end = link.end;
    link.destination = std::string(body_.substr(d.dest_begin, d.dest_end - d.dest_begin));
    add_span(SpanKind::link_syntax, i, open + 1);
    add_span(SpanKind::link_syntax, close, end);
    keep_link(std::move(link));
  }

  // [text](dest "title"), ![alt](src) or a reference use at i; returns the
  // end of an inline link or image (body offset), else 0 (the text inside is
  // still scanned).
  std::size_t try_link(std::size_t i, bool image) {
    const std::size_t open = image ? i + 1 : i;
    const std::size_t limit = paragraph_end(open);
    const std::size_t close = matching_bracket(open, limit);
    if (close == npos) return 0;
    MarkdownLink link;
    out_.steps += std::min(close - open, kMaxLinkTextBytes);
    link.text = capped_text(body_.substr(open + 1, close - open - 1), kMaxLinkTextBytes);
    link.begin = base_ + i;
    if (close + 1 < limit && body_[close + 1] == '(') return inline_link(link, i, open, close, limit, image);
    reference_use(link, i, open, close, limit);
    return 0;
  }

  void scan_inline() {
    std::size_t i = 0;
    const std::size_t n = body_.size();
    std::size_t line = 0;  // the line holding i (lines only move forward)
    while (i < n) {
      ++out_.steps;
      const char c = body_[i];
      // Most bytes are text: skip them without any line bookkeeping.
      if (c != '\\' && c != '`' && c != '<' && c != '[' && c != '!') {
        ++i;
        continue;
      }
      while (line + 1 < lines_.size() && lines_[line + 1].begin <= i) ++line;
      if (in_block_[line]) {
        i = next_line_start(line) > i ? next_line_start(line) : i + 1;
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
        const std::size_t close = backticks_.next(i + run, run, paragraph_end(i));
        if (close != npos) {
          add_span(SpanKind::code_span, i, close + run);
          i = close + run;
        } else {
          i += run;
        }
        continue;
      }
      if (c == '<') {
        i = angle(i);
        continue;
      }
      if (c == '[') {
        while (!label_parts_.empty() && label_parts_.top().first < i) label_parts_.pop();
        if (!label_parts_.empty() && label_parts_.top().first == i) {
          i = label_parts_.top().second;
          label_parts_.pop();
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

  // A comment or an autolink at body_[i] == '<'; returns where scanning goes on.
  std::size_t angle(std::size_t i) {
    if (body_.substr(i, 4) == "<!--") {
      const std::size_t close = comment_close_inline_(i + 4);
      if (close == npos) return i + 4;  // unterminated: the HTML checks report it
      add_span(SpanKind::html_comment, i, close + 3, false);
      return close + 3;
    }
    if (const std::size_t len = autolink_length(body_, i, out_.steps)) {
      MarkdownLink link;
      link.kind = MarkdownLinkKind::autolink;
      link.destination = std::string(body_.substr(i + 1, len - 2));
      link.dest_begin = base_ + i + 1;
      link.dest_end = base_ + i + len - 1;
      link.begin = base_ + i;
      link.end = base_ + i + len;
      keep_link(std::move(link));
      add_span(SpanKind::autolink, i, i + len);
      return i + len;
    }
    return i + 1;
  }

  void finish() {
    for (const auto& d : definitions_) {
      MarkdownLink link;
      link.kind = MarkdownLinkKind::reference_definition;
      link.destination = std::string(body_.substr(d.dest_begin, d.dest_end - d.dest_begin));
      link.dest_begin = base_ + d.dest_begin;
      link.dest_end = base_ + d.dest_end;
      link.begin = base_ + d.begin;
      link.end = base_ + d.end;
      link.label = d.label;
      keep_link(std::move(link));
    }
    std::sort(out_.links.begin(), out_.links.end(), [](const MarkdownLink& a, const MarkdownLink& b) { return a.begin < b.begin; });
    std::sort(out_.spans.begin(), out_.spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  }

  struct ParagraphCache {
    bool valid = false;
    std::size_t first = 0, last = 0;  // lines it holds for
    std::size_t end = 0;
  };

  std::size_t base_;
  std::string_view body_;
  // Before the finders below: they count their work in out_.steps.
  Segmentation out_;
  std::vector<Line> lines_;
  std::vector<bool> in_block_;  // claimed by a code block or reference definition
  std::vector<Definition> definitions_;
  std::unordered_map<std::string, std::uint32_t> first_definition_;  // label -> first definition
  // `[label]` parts of `[text][label]` still ahead of the scan, nearest first.
  std::priority_queue<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::pair<std::uint32_t, std::uint32_t>>,
                      std::greater<>>
      label_parts_;
  ForwardFind comment_close_, comment_close_inline_;
  BytePositions close_paren_, close_angle_, close_bracket_;
  BacktickRuns backticks_;
  std::array<std::vector<std::uint32_t>, 2> longest_run_after_;  // for ``` and ~~~
  ParagraphCache paragraph_;
  Memo brackets_, destinations_;
  std::size_t brackets_limit_ = npos, destinations_limit_ = npos;
  std::vector<std::size_t> stack_;
};

}  // namespace

std::string one_line_excerpt(std::string_view text, std::size_t max_bytes) {
  std::string flat(text.substr(0, 4 * max_bytes + 4));  // enough for capped_text to find a boundary
  for (char& c : flat) {
    if (c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f') c = ' ';
  }
  return capped_text(flat, max_bytes);
}

std::string capped_text(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters only
  std::string out(text.substr(0, cut));
  out += "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
  return out;
}

Segmentation segment_markdown(std::string_view text, std::size_t body_offset) {
  return Segmenter(text, body_offset).run();
}

Segmentation segment_html(std::string_view text, std::size_t body_offset) {
  Segmentation out;
  const std::string_view body = text.substr(std::min(body_offset, text.size()));
  out.html_view.assign(body.begin(), body.end());
  out.steps = body.size();
  // Comments are recorded as the Markdown segmenter records them; an
  // unterminated one is left to the HTML checks.
  for (std::size_t i = body.find("<!--"); i != std::string_view::npos; i = body.find("<!--", i)) {
    const std::size_t close = body.find("-->", i + 4);
    if (close == std::string_view::npos) break;
    out.spans.push_back({SpanKind::html_comment, static_cast<std::uint32_t>(body_offset + i),
                         static_cast<std::uint32_t>(body_offset + close + 3)});
    i = close + 3;
  }
  return out;
}

}  // namespace al
