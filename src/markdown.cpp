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
#include "kramdown/tags.hpp"

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

// Entries (key, length) in increasing key order: the first entry at or
// after a key whose length is at least n, in O(log entries), by a tree of
// the entries' longest lengths. Closing fences and backtick runs are found
// this way: a post of openers that never close (or close too far) stays linear.
class FirstLongEnough {
 public:
  void build(std::vector<std::uint32_t> keys, const std::vector<std::uint32_t>& lengths) {
    keys_ = std::move(keys);
    size_ = 1;
    while (size_ < keys_.size()) size_ *= 2;
    longest_.assign(2 * size_, 0);
    for (std::size_t k = 0; k < lengths.size(); ++k) longest_[size_ + k] = lengths[k];
    for (std::size_t k = size_; k-- > 1;) longest_[k] = std::max(longest_[2 * k], longest_[2 * k + 1]);
  }
  // The key of the first entry with key >= from and length >= length, or npos.
  std::size_t first(std::size_t from, std::size_t length, std::uint64_t& steps) const {
    const auto it = std::lower_bound(keys_.begin(), keys_.end(), from);
    const std::size_t k = descend(1, 0, size_, static_cast<std::size_t>(it - keys_.begin()), length, steps);
    return k == npos ? npos : keys_[k];
  }

 private:
  std::size_t descend(std::size_t node, std::size_t lo, std::size_t hi, std::size_t from, std::size_t length,
                      std::uint64_t& steps) const {
    ++steps;
    if (hi <= from || longest_.empty() || longest_[node] < length) return npos;
    if (hi - lo == 1) return lo < keys_.size() ? lo : npos;
    const std::size_t mid = (lo + hi) / 2;
    const std::size_t left = descend(2 * node, lo, mid, from, length, steps);
    return left != npos ? left : descend(2 * node + 1, mid, hi, from, length, steps);
  }
  std::vector<std::uint32_t> keys_;
  std::vector<std::uint32_t> longest_;
  std::size_t size_ = 0;
};

// The maximal runs of backticks: where the first `run` backticks in a row
// after a position are (kramdown closes a code span of n backticks at the
// first n backticks, even inside a longer run).
class BacktickRuns {
 public:
  BacktickRuns(std::string_view text, std::uint64_t& steps) : text_(text), steps_(steps) {}
  // The start of the first `run` backticks in a row in [from, limit), or
  // npos; text[from - 1] must not be a backtick.
  std::size_t next(std::size_t from, std::size_t run, std::size_t limit) {
    ++steps_;
    if (!built_) build();
    const std::size_t at = runs_.first(from, run, steps_);
    return at != npos && at < limit ? at : npos;
  }

 private:
  void build() {
    built_ = true;
    steps_ += text_.size();
    std::vector<std::uint32_t> starts, lengths;
    for (std::size_t i = 0; i < text_.size();) {
      if (text_[i] != '`') {
        ++i;
        continue;
      }
      std::size_t r = 0;
      while (i + r < text_.size() && text_[i + r] == '`') ++r;
      starts.push_back(static_cast<std::uint32_t>(i));
      lengths.push_back(static_cast<std::uint32_t>(r));
      i += r;
    }
    runs_.build(std::move(starts), lengths);
  }
  std::string_view text_;
  std::uint64_t& steps_;
  bool built_ = false;
  FirstLongEnough runs_;
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
        liquid_close_(body_, "%}", &out_.steps),
        math_close_(body_, "$$", &out_.steps),
        close_paren_(body_, ')', out_.steps),
        close_angle_(body_, '>', out_.steps),
        close_bracket_(body_, ']', out_.steps),
        angles_(body_, '<', out_.steps),
        backticks_(body_, out_.steps) {
    out_.html_view.assign(body_.begin(), body_.end());
  }

  Segmentation run() {
    out_.rewritten_by_kramdown = true;
    split_lines();
    mark_liquid_code();
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
    in_block_.assign(lines_.size(), kText);
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

  // The line that closes a fence of len characters opened on line n, or
  // npos: the closing runs of each fence character are indexed once.
  std::size_t closing_fence_line(std::size_t n, char fence, std::size_t len) {
    const std::size_t which = fence == '`' ? 0 : 1;
    if (!closers_built_[which]) {
      closers_built_[which] = true;
      std::vector<std::uint32_t> lines, runs;
      for (std::size_t m = 0; m < lines_.size(); ++m) {
        if (const std::size_t run = closing_run(m, fence)) {
          lines.push_back(u32(m));
          runs.push_back(u32(std::min<std::size_t>(run, 0xFFFFFFFFu)));
        }
      }
      closers_[which].build(std::move(lines), runs);
    }
    return closers_[which].first(n + 1, len, out_.steps);
  }

  void claim(std::size_t first, std::size_t last) {
    add_span(SpanKind::code_block, lines_[first].begin, lines_[last].end);
    for (std::size_t k = first; k <= last; ++k) in_block_[k] = kClaimed;
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
    in_block_[n] = kClaimed;
    return true;
  }

  // The line holding body offset i.
  std::size_t line_of(std::size_t i) const {
    const auto it = std::upper_bound(lines_.begin(), lines_.end(), i, [](std::size_t v, const Line& l) { return v < l.begin; });
    return it == lines_.begin() ? 0 : static_cast<std::size_t>(it - lines_.begin()) - 1;
  }

  void mark_lines(std::size_t first, std::size_t last, std::uint8_t kind) {
    for (std::size_t k = first; k <= last && k < lines_.size(); ++k) in_block_[k] = kind;
  }

  // `{%- name` at body_[at] == '{': the tag's name and end, or end 0.
  struct LiquidTag {
    std::string_view name;
    std::size_t end = 0;
  };
  LiquidTag liquid_tag_at(std::size_t at) {
    std::size_t k = at + 2;
    if (k < body_.size() && body_[k] == '-') ++k;
    while (k < body_.size() && (body_[k] == ' ' || body_[k] == '\t' || body_[k] == '\n' || body_[k] == '\r')) ++k;
    const std::size_t name_begin = k;
    while (k < body_.size() && (std::islower(static_cast<unsigned char>(body_[k])) || body_[k] == '_')) ++k;
    const std::size_t close = liquid_close_(k);
    if (close == npos || k == name_begin) return {};
    return {body_.substr(name_begin, k - name_begin), close + 2};
  }

  // Liquid blocks whose content never reaches kramdown as Markdown:
  // `highlight` (Jekyll writes it as escaped code in <figure><pre>) and
  // `comment` (removed). `raw` only stops Liquid: kramdown reads its content.
  void mark_liquid_code() {
    for (std::size_t at = body_.find("{%"); at != npos;) {
      const LiquidTag open = liquid_tag_at(at);
      if (open.end == 0 || (open.name != "highlight" && open.name != "comment")) {
        at = body_.find("{%", at + 2);
        continue;
      }
      const std::string end_name = "end" + std::string(open.name);
      std::size_t close_end = npos;
      for (std::size_t c = body_.find("{%", open.end); c != npos; c = body_.find("{%", c + 2)) {
        const LiquidTag t = liquid_tag_at(c);
        if (t.end != 0 && t.name == end_name) {
          close_end = t.end;
          break;
        }
      }
      out_.steps += (close_end == npos ? body_.size() : close_end) - at;
      if (close_end == npos) break;  // Liquid fails the build on it: jekyll/liquid-syntax reports it
      add_span(SpanKind::liquid_code, at, close_end);
      code_regions_.emplace_back(u32(at), u32(close_end));
      const std::size_t first = line_of(at), last = line_of(close_end - 1);
      for (std::size_t k = first; k <= last; ++k) {
        if (lines_[k].begin + first_non_blank(line_text(k)) >= at && last_non_blank_end(k) <= close_end) in_block_[k] = kClaimed;
      }
      at = body_.find("{%", close_end);
    }
  }

  static std::size_t first_non_blank(std::string_view t) {
    std::size_t p = 0;
    while (p < t.size() && (t[p] == ' ' || t[p] == '\t')) ++p;
    return p;
  }
  std::size_t last_non_blank_end(std::size_t n) const {
    std::size_t e = lines_[n].end;
    while (e > lines_[n].begin && (body_[e - 1] == ' ' || body_[e - 1] == '\t')) --e;
    return e;
  }

  // GFM's fence opener, FENCED_CODEBLOCK_MATCH: after the run of fence
  // characters only blanks and one word may follow (```` ```git tag``` ```` is a code span).
  static bool fence_info_ok(std::string_view rest) {
    std::size_t k = first_non_blank(rest);
    while (k < rest.size() && rest[k] != ' ' && rest[k] != '\t') ++k;
    return is_blank_line(rest.substr(k));
  }

  // The list marker, blockquote marker or footnote label that starts this
  // line's content: where kramdown's block parsers look for block HTML.
  static std::size_t content_start(std::string_view t, std::size_t pos) {
    std::size_t k = pos;
    while (k < t.size() && t[k] == '>') k = first_non_blank_from(t, k + 1);
    if (k + 1 < t.size() && (t[k] == '*' || t[k] == '+' || t[k] == '-') && (t[k + 1] == ' ' || t[k + 1] == '\t'))
      return first_non_blank_from(t, k + 1);
    std::size_t d = k;
    while (d < t.size() && std::isdigit(static_cast<unsigned char>(t[d]))) ++d;
    if (d > k && d + 1 < t.size() && t[d] == '.' && (t[d + 1] == ' ' || t[d + 1] == '\t')) return first_non_blank_from(t, d + 1);
    if (t.substr(k, 2) == "[^") {
      const std::size_t close = t.find("]:", k);
      if (close != npos) return first_non_blank_from(t, close + 2);
    }
    return k;
  }
  static std::size_t first_non_blank_from(std::string_view t, std::size_t k) {
    while (k < t.size() && (t[k] == ' ' || t[k] == '\t')) ++k;
    return k;
  }
  static bool is_list_or_footnote_start(std::string_view t, std::size_t pos) {
    return content_start(t, pos) != pos && (pos >= t.size() || t[pos] != '>');
  }

  // The content column of the list item or footnote the lines are in (one
  // level is followed): block HTML may be indented up to three columns past it.
  void update_container(std::string_view t, std::size_t indent, std::size_t pos, bool previous_blank) {
    if (is_blank_line(t)) return;
    if (is_list_or_footnote_start(t, pos) && indent <= container_indent_ + 3) {
      const std::size_t c = content_start(t, pos);
      container_indent_ = t.substr(pos, 2) == "[^" ? 4 : indent + (c - pos);
      return;
    }
    if (previous_blank && indent < container_indent_) container_indent_ = 0;
  }

  // kramdown's raw HTML parsing (parser/html.rb, parse_raw_html) from the end
  // of the start tag of `name` at body offset start: nested elements are
  // followed by name; an end tag that does not close the innermost element,
  // and a '<' that starts no tag, are text (kramdown escapes them). Returns the
  // body offset after the end tag that closes it, or npos: kramdown closes
  // it at the end of the post, and reads everything after it as raw HTML
  // (recorded in kramdown_closes). Comments met are recorded.
  std::size_t raw_html_end(std::string name, std::size_t start, std::size_t from) {
    struct OpenRaw {
      std::string name;
      std::size_t begin, end;  // body offsets of its start tag
    };
    std::vector<OpenRaw> open{{std::move(name), start, from}};
    const std::size_t first_text = out_.text_tags.size();
    std::vector<std::string> text_starts;  // start tags shown as text: their end tags are text too
    bool open_comment = false;
    for (std::size_t k = from; k < body_.size();) {
      const std::size_t j = angles_.next(k);
      if (j == npos) break;
      k = j + 1;
      if (const std::size_t skip = code_region_end(j); skip != npos) {
        k = skip;  // Jekyll writes a highlight block as balanced HTML; a comment block is gone
      } else if (const std::size_t c = comment_at(j, body_.size(), comment_close_)) {
        add_span(SpanKind::html_comment, j, j + c, false);
        k = j + c;
      } else if (body_.substr(j, 2) == "<?") {
        const std::size_t q = body_.find("?>", j + 2);
        out_.steps += (q == npos ? body_.size() : q) - j;
        if (q != npos) k = q + 2;
      } else if (kramdown::Tag tag = kramdown::match_start_tag(body_, j); tag.length != 0) {
        out_.steps += tag.length;
        out_.kramdown_tags.push_back(u32(base_ + j));
        k = j + tag.length;
        if (tag.name == "script" || tag.name == "style") {
          k = raw_text_end(tag.name, k);
        } else if (!tag.self_closed && !kramdown::is_without_body(tag.name)) {
          open.push_back({std::move(tag.name), j, k});
        }
      } else if (const kramdown::Tag end = kramdown::match_end_tag(body_, j); end.length != 0) {
        out_.steps += end.length;
        k = j + end.length;
        if (end.name == open.back().name) {
          open.pop_back();
          if (open.empty()) {
            assign_raw_roles(first_text, false, {});
            return k;
          }
        } else {
          const bool outer = std::any_of(open.begin(), open.end(), [&](const OpenRaw& o) { return o.name == end.name; });
          const bool pairs = std::find(text_starts.begin(), text_starts.end(), end.name) != text_starts.end();
          TextTag t{u32(base_ + j), u32(base_ + k), capped_text(end.name, kMaxLinkTextBytes),
                    capped_text(open.back().name, kMaxLinkTextBytes), outer, pairs};
          t.innermost_begin = u32(base_ + open.back().begin);
          t.innermost_end = u32(base_ + open.back().end);
          out_.text_tags.push_back(std::move(t));
          add_span(SpanKind::text_tag, j, k);
        }
      } else {
        if (body_.substr(j, 4) == "<!--" && !open_comment) {  // no `-->` follows: one finding
          out_.open_comments.push_back(u32(base_ + j));
          open_comment = true;
        }
        if (const std::size_t e = browser_tag_end(j, body_.size()); e != npos) {
          std::size_t q = j + 1;
          while (std::isalpha(static_cast<unsigned char>(body_[q]))) ++q;
          std::string tag_name = to_lower_ascii(body_.substr(j + 1, q - j - 1));
          if (text_starts.size() < kMaxRememberedTextTags) text_starts.push_back(tag_name);
          out_.text_start_tags.push_back({u32(base_ + j), u32(base_ + e), std::move(tag_name)});
        }
        add_span(SpanKind::text_tag, j, j + 1);
      }
    }
    std::vector<std::uint32_t> still_open;
    for (const OpenRaw& o : open) still_open.push_back(u32(base_ + o.begin));
    if (out_.html_to_end == kNoOffset) out_.html_to_end = u32(base_ + start);
    const bool explained = assign_raw_roles(first_text, true, still_open);
    for (std::size_t m = open.size(); m-- > 0;) {
      out_.kramdown_closes.push_back({u32(base_ + body_.size()), u32(base_ + open[m].begin),
                                      m == 0 ? KramdownCloseScope::document_block : KramdownCloseScope::document,
                                      m == 0 && explained});
    }
    return npos;
  }

  // The end tags an HTML block showed as text, from index first on: the
  // first is the mistake (or its innermost element, when that is never
  // closed), the others follow from it.
  bool assign_raw_roles(std::size_t first, bool never_ends, const std::vector<std::uint32_t>& still_open) {
    bool assigned = false;
    for (std::size_t k = first; k < out_.text_tags.size(); ++k) {
      TextTag& t = out_.text_tags[k];
      t.block_never_ends = never_ends;
      if (t.pairs_with_text) continue;  // no finding of its own
      if (assigned) {
        t.role = TextTag::Role::follows;
        continue;
      }
      assigned = true;
      const bool innermost_open = std::find(still_open.begin(), still_open.end(), t.innermost_begin) != still_open.end();
      t.role = innermost_open ? TextTag::Role::innermost_unclosed : TextTag::Role::first_in_block;
    }
    return assigned;
  }


  // After <script> or <style>: past the end tag (any case), or the body's end.
  std::size_t raw_text_end(const std::string& name, std::size_t from) {
    for (std::size_t k = from; (k = angles_.next(k)) != npos; ++k) {
      if (body_[k + 1 < body_.size() ? k + 1 : k] != '/') continue;
      const kramdown::Tag end = kramdown::match_end_tag(body_, k);
      if (end.length != 0 && to_lower_ascii(end.name) == name) return k + end.length;
    }
    return body_.size();
  }

  // `<!--...-->` at body_[at] whose end lies before limit: its length, or 0.
  std::size_t comment_at(std::size_t at, std::size_t limit, ForwardFind& closer) {
    if (body_.substr(at, 4) != "<!--") return 0;
    const std::size_t close = closer(at + 4);
    return close == npos || close + 3 > limit ? 0 : close + 3 - at;
  }

  // Block HTML at body offset at, a '<' that starts a line's content: the
  // body offset where it ends (kramdown goes on reading blocks there, even in
  // the middle of a line), or npos when kramdown reads no block HTML there (a
  // span element, or no tag: a paragraph starts).
  std::size_t block_html(std::size_t at) {
    if (const std::size_t c = comment_at(at, body_.size(), comment_close_)) {
      add_span(SpanKind::html_comment, at, at + c, false);
      return at + c;
    }
    if (const kramdown::Tag end = kramdown::match_end_tag(body_, at); end.length != 0) {
      if (markdown_blocks_.empty() || end.name != markdown_blocks_.back()) return npos;
      markdown_blocks_.pop_back();  // the end of a markdown="1" element
      return at + end.length;
    }
    kramdown::Tag tag = kramdown::match_start_tag(body_, at);
    if (tag.length == 0 || kramdown::is_span_element(to_lower_ascii(tag.name))) return npos;
    out_.steps += tag.length;
    out_.kramdown_tags.push_back(u32(base_ + at));
    const std::size_t tag_end = at + tag.length;
    if (tag.self_closed || kramdown::is_without_body(tag.name)) return tag_end;
    if (tag.name == "script" || tag.name == "style") return raw_text_end(tag.name, tag_end);
    const auto markdown =
        kramdown::markdown_attribute(body_.substr(tag.attributes_begin, tag.attributes_end - tag.attributes_begin));
    if (markdown.found && (markdown.value == "1" || markdown.value == "block" || markdown.value == "span") &&
        (markdown.value != "1" || kramdown::content_model(tag.name) != kramdown::ContentModel::raw)) {
      markdown_blocks_.push_back(std::move(tag.name));  // its content is Markdown, up to a line `</name>`
      return tag_end;
    }
    const std::size_t end = raw_html_end(tag.name, at, tag_end);
    return end == npos ? body_.size() : end;
  }

  // A fenced code block opened on line n (its text t, first non-blank at
  // pos): claims it and returns its last line, or npos.
  // lazy: the fence follows a list item's or quote's text, whose lazy lines
  // end at a line that starts block HTML: the closing fence must come first.
  std::size_t fenced_code(std::size_t n, std::string_view t, std::size_t pos, std::size_t indent, bool lazy = false) {
    if (indent > 3 || pos + 3 > t.size() || (t.substr(pos, 3) != "```" && t.substr(pos, 3) != "~~~")) return npos;
    const char fence = t[pos];
    std::size_t len = 0;
    while (pos + len < t.size() && t[pos + len] == fence) ++len;
    if (!fence_info_ok(t.substr(pos + len))) return npos;
    // kramdown (and its GFM parser) needs the closing fence; without one
    // the fence line is ordinary text.
    const std::size_t last = closing_fence_line(n, fence, len);
    if (last == npos) return npos;
    if (lazy && next_html_start_line(n + 1) < last) return npos;
    claim(n, last);
    return last;
  }

  // The first line from m on that starts block HTML (after at most three
  // spaces, a tag or end tag that ends a paragraph), or the line count.
  // Computed once, backwards: many lazy fences before one such line stay linear.
  std::size_t next_html_start_line(std::size_t m) {
    if (next_html_line_.empty()) {
      next_html_line_.assign(lines_.size() + 1, u32(lines_.size()));
      for (std::size_t k = lines_.size(); k-- > 0;) {
        const std::string_view u = line_text(k);
        out_.steps += u.size() + 1;
        std::size_t p = 0;
        const bool html = indent_of(u, p) <= 3 && p < u.size() && u[p] == '<' && kramdown::ends_paragraph(u.substr(p));
        next_html_line_[k] = html ? u32(k) : next_html_line_[k + 1];
      }
    }
    return m < next_html_line_.size() ? next_html_line_[m] : lines_.size();
  }

  // Block math, `$$ ... $$` from a line after a blank one to the end of a
  // line that a blank line (or the end) follows.
  std::size_t block_math(std::size_t n, std::string_view t, std::size_t pos) {
    if (t.substr(pos, 2) != "$$") return npos;
    const std::size_t close = body_.find("$$", lines_[n].begin + pos + 2);
    out_.steps += (close == npos ? body_.size() : close) - lines_[n].begin;
    if (close == npos) return npos;
    const std::size_t last = line_of(close);
    if (!is_blank_line(body_.substr(close + 2, lines_[last].end - close - 2))) return npos;
    if (last + 1 < lines_.size() && !is_blank_line(line_text(last + 1))) return npos;
    add_span(SpanKind::math, lines_[n].begin + pos, close + 2);
    mark_lines(n, last, kClaimed);
    return last;
  }

  // Where block parsing goes on after a block that ends at body offset end
  // (an HTML block, a Liquid block): the lines it covers are raw, and a rest
  // of its last line is read as the start of a line. Returns {line, from}.
  std::pair<std::size_t, std::size_t> resume_after(std::size_t n, std::size_t end, std::uint8_t kind) {
    const std::size_t last = std::max(n, line_of(end == 0 ? 0 : end - 1));
    std::size_t rest = std::max<std::size_t>(end, lines_[last].begin);
    while (rest < lines_[last].end && (body_[rest] == ' ' || body_[rest] == '\t')) ++rest;
    if (rest >= lines_[last].end) {
      mark_lines(n, last, kind);
      return {last + 1, 0};
    }
    if (last > n) mark_lines(n, last - 1, kind);
    return {last, std::max<std::size_t>(end, lines_[last].begin)};
  }

  // The end of the Liquid block starting at body offset at, or npos.
  std::size_t code_region_at(std::size_t at) const {
    const auto it = std::lower_bound(code_regions_.begin(), code_regions_.end(), std::make_pair(u32(at), u32(0)));
    return it != code_regions_.end() && it->first == at ? it->second : npos;
  }

  void mark_blocks() {
    bool previous_blank = true;
    std::size_t from = 0;  // where reading resumes on line n: its start, or after a block that ended mid-line
    for (std::size_t n = 0; n < lines_.size();) {
      const bool line_start = from <= lines_[n].begin;
      if (line_start) from = lines_[n].begin;
      resume_from_ = from;
      const std::string_view t = body_.substr(from, lines_[n].end - from);
      out_.steps += t.size() + 1;
      if (in_block_[n] != kText) {
        end_table(false);
        previous_blank = paragraph_open_ = false;
        ++n;
        continue;
      }
      std::size_t pos = 0;
      const std::size_t indent = indent_of(t, pos);
      if (line_start) update_container(t, indent, pos, previous_blank);
      const std::size_t relative = indent >= container_indent_ ? indent - container_indent_ : indent;
      std::size_t last = npos;
      // A fence right after a list item's or a quote's text is a lazy line of it.
      const bool lazy = paragraph_open_ && paragraph_in_container_ &&
                        (paragraph_quoted_ ? (pos >= t.size() || t[pos] != '>') : indent < container_indent_);
      if (line_start) {
        last = fenced_code(n, t, pos, indent, lazy);
        // Indented code: after a blank line, four columns past the content.
        // (kramdown reads a code block wherever a block starts: not in a paragraph.)
        const bool block_start = !paragraph_open_ && !table_open_;
        if (last == npos && block_start && relative >= 4 && !is_blank_line(t)) last = indented_code(n);
        if (last == npos && block_start && relative <= 3) last = block_math(n, t, pos);
        // Reference definition: [label]: destination "title"
        // (`[^note]: text` is a kramdown footnote definition: Markdown, not a link.)
        if (last == npos && indent <= 3 && pos + 1 < t.size() && t[pos] == '[' && t[pos + 1] != '^' &&
            reference_definition(n, t, pos))
          last = n;
      }
      if (!line_start && relative >= 4 && !is_blank_line(t)) {  // the rest of a line after an HTML block
        last = indented_code(n);
      }
      if (last != npos) {
        end_table(false);
        n = last + 1;
        from = 0;
        previous_blank = paragraph_open_ = false;
        continue;
      }
      const std::size_t at = from + content_start(t, pos);
      std::size_t end = relative <= 3 ? code_region_at(at) : npos;  // Liquid writes nothing, or a <figure> block
      if (end == npos && relative <= 3 && at < lines_[n].end && body_[at] == '<') end = block_html(at);
      if (end != npos) {
        end_table(false);
        std::tie(n, from) = resume_after(n, end, kRaw);
        previous_blank = paragraph_open_ = false;
        continue;
      }
      previous_blank = is_blank_line(t);
      if (previous_blank) {
        end_table(true);
        paragraph_open_ = false;
      } else {
        text_line(n, from, t, pos, relative);
      }
      ++n;
    }
  }

  bool indented_at_least(std::size_t m, std::size_t columns) const {
    std::size_t p = 0;
    return indent_of(line_text(m), p) >= columns;
  }

  // An indented code block from line n, as kramdown's CODEBLOCK_MATCH reads
  // it: indented lines, then lazy lines of any indentation (up to a line
  // that starts block HTML), then after blank lines more of both.
  std::size_t indented_code(std::size_t n) {
    const std::size_t columns = container_indent_ + 4;
    std::size_t last = n, m = n;
    auto usable = [&](std::size_t k) { return k < lines_.size() && in_block_[k] == kText && !is_blank_line(line_text(k)); };
    while (true) {
      const std::size_t group = m;
      while (usable(m) && indented_at_least(m, columns)) last = m++;
      if (m == group) break;
      while (usable(m)) {
        const std::string_view u = line_text(m);
        std::size_t p = 0;
        if (indent_of(u, p) <= 3 && u[p] == '<' && kramdown::ends_paragraph(u.substr(p))) break;
        last = m++;
      }
      std::size_t k = m;
      while (k < lines_.size() && in_block_[k] == kText && is_blank_line(line_text(k))) ++k;
      if (k == m || !usable(k) || !indented_at_least(k, columns)) break;
      m = k;
    }
    out_.steps += lines_[last].end - lines_[n].begin;
    const std::size_t from = std::max<std::size_t>(lines_[n].begin, resume_from_);
    add_span(SpanKind::code_block, from, lines_[last].end);
    mark_lines(n, last, kClaimed);
    return last;
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

  // End of the text block being scanned (a paragraph, header or table cell):
  // where kramdown's span parsers stop.
  std::size_t paragraph_end(std::size_t /*i*/) const { return block_end_; }

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

  // --- Text blocks: what kramdown parses as spans, one block at a time ---

  static bool is_atx_header(std::string_view t) {  // GFM: `#` at column 0, then a blank
    std::size_t k = 0;
    while (k < t.size() && k < 7 && t[k] == '#') ++k;
    return k >= 1 && k <= 6 && k < t.size() && (t[k] == ' ' || t[k] == '\t');
  }
  // A line that ends a paragraph in kramdown's GFM parser (PARAGRAPH_END_GFM):
  // block HTML, a list item, a header, a blockquote, a fence or a definition.
  // A fence or block HTML that did not open ends the paragraph too, but the
  // paragraph parser then appends the line to it: only what opens counts.
  static bool ends_paragraph(std::string_view t, std::size_t pos, std::size_t relative) {
    if (relative > 3) return false;
    if (is_atx_header(t) || content_start(t, pos) != pos) return true;
    return pos + 1 < t.size() && t[pos] == ':' && (t[pos + 1] == ' ' || t[pos + 1] == '\t');
  }
  // Whether line t ends the open paragraph. In a blockquote the paragraph
  // goes on over `>` lines (a lazy line without `>` continues it too).
  bool ends_open_paragraph(std::string_view t, std::size_t pos, std::size_t relative) const {
    if (!paragraph_quoted_ || pos >= t.size() || t[pos] != '>') return ends_paragraph(t, pos, relative);
    std::size_t inner = first_non_blank_from(t, pos + 1);
    if (inner >= t.size()) return true;  // `>` alone: a blank line in the quote
    return ends_paragraph(t, inner, inner - pos - 1);
  }
  // TABLE_PIPE_CHECK: a '|' that no backslash escapes.
  static bool has_table_pipe(std::string_view t) {
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (t[k] == '|' && (k == 0 || t[k - 1] != '\\')) return true;
    }
    return false;
  }

  void add_block(std::size_t begin, std::size_t end) {
    while (begin < end && (body_[begin] == ' ' || body_[begin] == '\t')) ++begin;
    while (end > begin && (body_[end - 1] == ' ' || body_[end - 1] == '\t')) --end;
    if (begin < end) blocks_.push_back({u32(begin), u32(end)});
  }

  // A table row: each cell is a block of its own (a pipe inside a code span
  // does not split it).
  void table_row(std::size_t begin, std::size_t end) {
    std::size_t cell = begin;
    for (std::size_t k = begin; k < end; ++k) {
      if (body_[k] == '\\') {
        ++k;
      } else if (body_[k] == '`') {
        std::size_t run = 0;
        while (k + run < end && body_[k + run] == '`') ++run;
        const std::size_t close = backticks_.next(k + run, run, end);
        k = (close == npos ? k + run : close + run) - 1;
      } else if (body_[k] == '|') {
        add_block(cell, k);
        cell = k + 1;
      }
    }
    add_block(cell, end);
  }

  // Line n is Markdown text: it continues the open paragraph or starts a
  // paragraph, a header or a table row.
  void text_line(std::size_t n, std::size_t line_begin, std::string_view t, std::size_t pos, std::size_t relative) {
    const std::size_t content = content_start(t, pos);
    const bool pipe = has_table_pipe(t.substr(content));
    if (table_open_ && pipe) {
      table_end_ = lines_[n].end;
      return table_row(line_begin + content, lines_[n].end);
    }
    end_table(false);
    if (paragraph_open_ && !ends_open_paragraph(t, pos, relative)) {
      blocks_.back().end = u32(lines_[n].end);
      return;
    }
    paragraph_open_ = false;
    paragraph_quoted_ = pos < t.size() && t[pos] == '>';
    paragraph_in_container_ = content != pos;
    if (is_atx_header(t)) return add_block(line_begin + content, lines_[n].end);
    if (pipe && relative <= 3) {
      table_open_ = true;
      table_first_block_ = blocks_.size();
      table_begin_ = line_begin + content;
      table_end_ = lines_[n].end;
      return table_row(line_begin + content, lines_[n].end);
    }
    const std::size_t before = blocks_.size();
    add_block(line_begin + content, lines_[n].end);
    paragraph_open_ = blocks_.size() > before;
  }

  // kramdown keeps a table only when a blank line or the end follows it;
  // otherwise its lines are a paragraph (which the next line may continue).
  void end_table(bool at_boundary) {
    if (!table_open_) return;
    table_open_ = false;
    if (at_boundary) return;
    blocks_.resize(table_first_block_);
    add_block(table_begin_, table_end_);
    paragraph_open_ = true;
    paragraph_quoted_ = paragraph_in_container_ = false;
  }

  // The end of the Liquid code region holding body offset i, or npos.
  std::size_t code_region_end(std::size_t i) const {
    if (code_regions_.empty()) return npos;
    auto it = std::upper_bound(code_regions_.begin(), code_regions_.end(), i,
                               [](std::size_t v, const std::pair<std::uint32_t, std::uint32_t>& r) { return v < r.first; });
    if (it == code_regions_.begin()) return npos;
    --it;
    return i < it->second ? it->second : npos;
  }

  // An element open in the block being scanned, as kramdown's span HTML
  // parser keeps it: it closes only at its own end tag.
  struct OpenSpanElement {
    std::string name;
    std::uint32_t begin;
    bool parses_spans;  // false: only HTML is read inside (raw content model)
    bool explained = false;  // an end tag meant for it was shown as text: that finding says it all
  };
  bool raw_content() const { return !open_.empty() && !open_.back().parses_spans; }

  void scan_inline() {
    for (const TextBlock& block : blocks_) scan_block(block.begin, block.end);
  }

  void scan_block(std::size_t begin, std::size_t end) {
    block_begin_ = begin;
    block_end_ = end;
    open_comment_in_block_ = false;
    open_.clear();
    shown_as_text_.clear();
    std::size_t i = begin;
    while (i < end) {
      ++out_.steps;
      const char c = body_[i];
      // Most bytes are text: skip them without any bookkeeping.
      if (c != '\\' && c != '`' && c != '<' && c != '[' && c != '!' && c != '$') {
        ++i;
        continue;
      }
      if (const std::size_t skip = code_region_end(i); skip != npos) {
        i = skip;
      } else if (c == '<') {
        i = span_angle(i);
      } else if (raw_content()) {
        ++i;  // inside <kbd>, <code> or an unknown element only HTML is read
      } else {
        i = span_syntax(i);
      }
    }
    for (auto k = open_.size(); k-- > 0;) {
      out_.kramdown_closes.push_back(
          {u32(base_ + end), u32(base_ + open_[k].begin), KramdownCloseScope::block_text, open_[k].explained});
    }
  }

  // Escapes, code spans, inline math and links at body_[i]; returns where scanning goes on.
  std::size_t span_syntax(std::size_t i) {
    const std::size_t n = block_end_;
    const char c = body_[i];
    if (c == '\\' && i + 1 < n && ascii_punct(body_[i + 1])) {
      add_span(SpanKind::escape, i, i + 2);
      return i + 2;
    }
    if (c == '`') {
      std::size_t run = 0;
      while (i + run < n && body_[i + run] == '`') ++run;
      // kramdown: a lone backtick between blanks (or at the start) is text.
      const bool blank_before = i == block_begin_ || std::isspace(static_cast<unsigned char>(body_[i - 1]));
      if (run == 1 && blank_before && i + 1 < n && std::isspace(static_cast<unsigned char>(body_[i + 1]))) return i + 1;
      const std::size_t close = backticks_.next(i + run, run, n);
      if (close == npos) return i + run;
      add_span(SpanKind::code_span, i, close + run);
      return close + run;
    }
    if (c == '[' && i + 2 < n && body_[i + 1] == '^') {  // a footnote marker, [^id]: kramdown reads it first
      std::size_t k = i + 2;
      while (k < n && (std::isalnum(static_cast<unsigned char>(body_[k])) || body_[k] == '_' || body_[k] == '-')) ++k;
      if (k > i + 2 && k < n && body_[k] == ']') return k + 1;
    }
    if (c == '$') {  // INLINE_MATH_START, $$...$$: not HTML
      if (i + 1 >= n || body_[i + 1] != '$') return i + 1;
      const std::size_t close = math_close_(i + 2);
      if (close == npos || close + 2 > n) return i + 2;
      add_span(SpanKind::math, i, close + 2);
      return close + 2;
    }
    if (c == '[') {
      while (!label_parts_.empty() && label_parts_.top().first < i) label_parts_.pop();
      if (!label_parts_.empty() && label_parts_.top().first == i) {
        const std::size_t after = label_parts_.top().second;
        label_parts_.pop();
        return after;
      }
    }
    if (c == '[' || (c == '!' && i + 1 < n && body_[i + 1] == '[')) {
      const std::size_t end = try_link(i, c == '!');
      // Link text may hold inline HTML and code: rescan it, then continue
      // after. An image's alt text is plain text: skip it.
      if (end) return c == '!' ? end : i + 1;
      return i + (c == '!' ? 2 : 1);
    }
    return i + 1;
  }

  // A '<' in a text block, read as kramdown's span parsers do: the end tag
  // of the innermost open element, an autolink, a comment, an end tag (text:
  // kramdown shows it), a start tag (text for block elements), or a '<' that
  // is text. Returns where scanning goes on.
  std::size_t span_angle(std::size_t i) {
    if (out_.html_view[i] != '<') return i + 1;  // blanked: Markdown syntax around it took it
    const std::string_view text = body_.substr(0, block_end_);
    const kramdown::Tag end = kramdown::match_end_tag(text, i);
    out_.steps += end.length;
    if (end.length != 0 && !open_.empty() && end.name == open_.back().name) {
      open_.pop_back();
      return i + end.length;
    }
    if (!raw_content()) {
      if (const std::size_t len = autolink_length(text, i, out_.steps)) return autolink(i, len);
    }
    if (const std::size_t c = comment_at(i, block_end_, comment_close_inline_)) {
      add_span(SpanKind::html_comment, i, i + c, false);
      return i + c;
    }
    if (end.length != 0) {
      const bool pairs = std::find(shown_as_text_.begin(), shown_as_text_.end(), end.name) != shown_as_text_.end();
      const auto meant = std::find_if(open_.rbegin(), open_.rend(), [&](const OpenSpanElement& o) { return o.name == end.name; });
      const bool outer = meant != open_.rend();
      if (outer) meant->explained = true;
      out_.text_tags.push_back({u32(base_ + i), u32(base_ + i + end.length), capped_text(end.name, kMaxLinkTextBytes),
                                open_.empty() ? std::string() : capped_text(open_.back().name, kMaxLinkTextBytes), outer,
                                pairs});
      add_span(SpanKind::text_tag, i, i + end.length);
      return i + end.length;
    }
    kramdown::Tag tag = kramdown::match_start_tag(text, i);
    out_.steps += tag.length;
    if (tag.length == 0) {
      if (body_.substr(i, 4) == "<!--" && !open_comment_in_block_) {
        out_.open_comments.push_back(u32(base_ + i));  // what follows in the block is text too: one finding
        open_comment_in_block_ = true;
      }
      if (const std::size_t e = browser_tag_end(i); e != npos) {
        std::size_t k = i + 1;
        while (std::isalpha(static_cast<unsigned char>(body_[k]))) ++k;
        std::string name = to_lower_ascii(body_.substr(i + 1, k - i - 1));
        // its end tag is then text too, and not a second mistake
        if (shown_as_text_.size() < kMaxRememberedTextTags) shown_as_text_.push_back(name);
        out_.text_start_tags.push_back({u32(base_ + i), u32(base_ + e), std::move(name)});
      }
      add_span(SpanKind::text_tag, i, i + 1);  // kramdown writes &lt;
      return i + 1;
    }
    if (kramdown::is_block_element(tag.name)) {
      add_span(SpanKind::text_tag, i, i + tag.length);
      if (shown_as_text_.size() < kMaxRememberedTextTags) shown_as_text_.push_back(std::move(tag.name));
      return i + tag.length;
    }
    const std::size_t length = tag.length;
    open_span_element(std::move(tag), i);
    return i + length;
  }

  // The end of a start tag of a known HTML element at body_[i] that a
  // browser would read (`<img src=a.png>`), on this line, or npos.
  std::size_t browser_tag_end(std::size_t i) const { return browser_tag_end(i, block_end_); }
  std::size_t browser_tag_end(std::size_t i, std::size_t limit) const {
    std::size_t k = i + 1;
    while (k < limit && std::isalpha(static_cast<unsigned char>(body_[k]))) ++k;
    if (k == i + 1 || k >= limit || !(body_[k] == ' ' || body_[k] == '\t' || body_[k] == '>' || body_[k] == '/')) return npos;
    if (!kramdown::is_known_element(to_lower_ascii(body_.substr(i + 1, k - i - 1)))) return npos;
    while (k < limit && body_[k] != '>' && body_[k] != '\n' && body_[k] != '\r' && body_[k] != '<') ++k;
    return k < limit && body_[k] == '>' ? k + 1 : npos;
  }

  void open_span_element(kramdown::Tag tag, std::size_t i) {
    out_.kramdown_tags.push_back(u32(base_ + i));
    if (tag.self_closed || kramdown::is_without_body(tag.name)) return;
    bool parses = !raw_content() && kramdown::content_model(tag.name) != kramdown::ContentModel::raw;
    const auto markdown =
        kramdown::markdown_attribute(body_.substr(tag.attributes_begin, tag.attributes_end - tag.attributes_begin));
    if (markdown.found) {
      if (markdown.value == "span") parses = true;
      if (markdown.value == "0") parses = false;
      if (markdown.value == "1") parses = kramdown::content_model(tag.name) != kramdown::ContentModel::raw;
    }
    open_.push_back({std::move(tag.name), u32(i), parses});
  }

  std::size_t autolink(std::size_t i, std::size_t len) {
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
    std::sort(out_.kramdown_tags.begin(), out_.kramdown_tags.end());
    std::sort(out_.text_tags.begin(), out_.text_tags.end(), [](const TextTag& a, const TextTag& b) { return a.begin < b.begin; });
    std::stable_sort(out_.kramdown_closes.begin(), out_.kramdown_closes.end(),
                     [](const KramdownClose& a, const KramdownClose& b) { return a.at < b.at; });
  }

  std::size_t base_;
  std::string_view body_;
  // Before the finders below: they count their work in out_.steps.
  Segmentation out_;
  std::vector<Line> lines_;
  // What each line is to kramdown's block parser: Markdown text, claimed by
  // a code block, math block, Liquid code or reference definition (blanked),
  // or raw HTML passed to the page as it is (kept, and no Markdown in it).
  static constexpr std::uint8_t kText = 0, kClaimed = 1, kRaw = 2;
  std::vector<std::uint8_t> in_block_;
  std::vector<Definition> definitions_;
  std::unordered_map<std::string, std::uint32_t> first_definition_;  // label -> first definition
  // `[label]` parts of `[text][label]` still ahead of the scan, nearest first.
  std::priority_queue<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::pair<std::uint32_t, std::uint32_t>>,
                      std::greater<>>
      label_parts_;
  ForwardFind comment_close_, comment_close_inline_, liquid_close_, math_close_;
  BytePositions close_paren_, close_angle_, close_bracket_, angles_;
  BacktickRuns backticks_;
  std::array<FirstLongEnough, 2> closers_;  // closing fence lines, for ``` and ~~~
  std::array<bool, 2> closers_built_{};
  std::vector<std::uint32_t> next_html_line_;  // see next_html_start_line
  struct TextBlock {
    std::uint32_t begin, end;  // body offsets
  };
  std::vector<TextBlock> blocks_;  // in order
  bool paragraph_open_ = false, paragraph_quoted_ = false, paragraph_in_container_ = false, table_open_ = false;
  std::size_t table_first_block_ = 0, table_begin_ = 0, table_end_ = 0;
  std::size_t container_indent_ = 0;
  std::vector<std::string> markdown_blocks_;  // open markdown="1" elements, by name
  std::vector<std::pair<std::uint32_t, std::uint32_t>> code_regions_;  // Liquid highlight and comment blocks
  std::size_t block_begin_ = 0, block_end_ = 0;
  std::size_t resume_from_ = 0;
  bool open_comment_in_block_ = false;  // where mark_blocks reads line n from
  std::vector<OpenSpanElement> open_;
  // Block elements' start tags shown as text in the block being scanned (a
  // few suffice to pair an end tag with one).
  static constexpr std::size_t kMaxRememberedTextTags = 64;
  std::vector<std::string> shown_as_text_;
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
  // Liquid runs first: the quotes and brackets of `{{ x | replace: ".", "-" }}`
  // in an attribute value never reach the browser.
  ForwardFind output_end(body, "}}", &out.steps), tag_end(body, "%}", &out.steps);
  for (std::size_t i = body.find('{'); i != std::string_view::npos && i + 1 < body.size(); i = body.find('{', i + 1)) {
    if (body[i + 1] != '{' && body[i + 1] != '%') continue;
    const std::size_t close = body[i + 1] == '{' ? output_end(i + 2) : tag_end(i + 2);
    if (close == std::string_view::npos) continue;
    for (std::size_t k = i + 2; k < close; ++k) {
      char& c = out.html_view[k];
      if (c == '"' || c == '\'' || c == '<' || c == '>' || c == '=') c = 'x';
    }
    i = close;
  }
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
