#include "archive_lint/document.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "archive_lint/config.hpp"
#include "archive_lint/io.hpp"
#include "archive_lint/text.hpp"

namespace al {

LineIndex::LineIndex(std::string_view text) : size_(text.size()) {
  const char* data = text.data();
  const std::size_t n = text.size();
  // Reserved from a count (CRLF counts twice: a few bytes too many) so the
  // vector does not grow by doubling: for a file of blank lines it is 4x the file.
  starts_.reserve(1 + static_cast<std::size_t>(std::count(data, data + n, '\n') + std::count(data, data + n, '\r')));
  starts_.push_back(0);
  std::size_t i = 0;
  std::size_t next_nl = 0;  // the first '\n' at or after i (n when none), found again only once passed
  bool nl_known = false;
  while (i < n) {
    if (!nl_known || next_nl < i) {
      const void* nl = std::memchr(data + i, '\n', n - i);
      next_nl = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : n;
      nl_known = true;
    }
    // Lone '\r' is rare: look for it only in the gap before the next '\n'.
    const void* cr = std::memchr(data + i, '\r', next_nl - i);
    const std::size_t at = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - data) : next_nl;
    if (at >= n) break;
    const std::size_t after = (data[at] == '\r' && at + 1 < n && data[at + 1] == '\n') ? at + 2 : at + 1;
    starts_.push_back(static_cast<std::uint32_t>(after));
    i = after;
  }
}

std::uint32_t LineIndex::line_of(std::size_t offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset,
                             [](std::size_t v, std::uint32_t start) { return v < start; });
  return static_cast<std::uint32_t>(std::max<std::ptrdiff_t>(1, it - starts_.begin()));
}

std::size_t LineIndex::line_start(std::uint32_t line) const {
  if (line == 0) return 0;
  if (line > starts_.size()) return size_;
  return starts_[line - 1];
}

std::string_view LineIndex::line_text(std::string_view text, std::uint32_t line) const {
  if (line == 0 || line > starts_.size()) return {};
  const std::size_t b = starts_[line - 1];
  std::size_t e = size_;
  if (line < starts_.size()) {
    // The terminator before the next line: LF, CR or CRLF (content holds neither).
    e = starts_[line] - 1;
    if (text[e] == '\n' && e > b && text[e - 1] == '\r') --e;
  }
  return text.substr(b, e >= b ? e - b : 0);
}

const FrontMatterKey* FrontMatter::find(std::string_view key) const {
  // Ruby's YAML (what Jekyll uses) keeps the last of duplicate keys.
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    if (it->name == key) return &*it;
  }
  return nullptr;
}

bool rule_pattern_matches(std::string_view pattern, std::string_view rule_id) {
  pattern = trim(pattern);
  if (pattern == "*" || pattern == "all") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == "/*") {
    const auto family = pattern.substr(0, pattern.size() - 1);  // keeps the '/'
    return rule_id.substr(0, family.size()) == family;
  }
  if (pattern.find('/') == std::string_view::npos) {  // a bare family name
    return rule_id.size() > pattern.size() && rule_id.substr(0, pattern.size()) == pattern &&
           rule_id[pattern.size()] == '/';
  }
  return pattern == rule_id;
}

bool Suppressions::covers(std::string_view rule_id, std::uint32_t line) const {
  for (const auto& p : file_patterns) {
    if (rule_pattern_matches(p, rule_id)) return true;
  }
  // Sorted by line: a post with a suppression on every line stays linear.
  auto it = std::lower_bound(lines.begin(), lines.end(), line, [](const Line& l, std::uint32_t v) { return l.line < v; });
  for (; it != lines.end() && it->line == line; ++it) {
    for (const auto& p : it->patterns) {
      if (rule_pattern_matches(p, rule_id)) return true;
    }
  }
  return false;
}

Position Document::position(std::size_t offset) const {
  static constexpr std::size_t kCheckpointEvery = 4096;
  offset = std::min(offset, bytes.size());
  Position pos;
  pos.offset = offset;
  pos.line = lines.line_of(offset);
  std::size_t from = lines.line_start(pos.line);
  // A UTF-8 BOM is not a character anyone sees: editors and SARIF viewers count
  // line 1's columns from after it.
  if (pos.line == 1 && has_bom) from = std::min(offset, std::max<std::size_t>(from, 3));
  ColumnCounts base{};
  if (offset - from > kCheckpointEvery) {
    auto cached = checkpoints_.find(pos.line);
    if (cached == checkpoints_.end()) {
      const std::size_t line_end = lines.line_start(pos.line) + lines.line_text(bytes, pos.line).size();
      const std::string_view line = std::string_view(bytes).substr(from, std::max(line_end, from) - from);
      cached = checkpoints_.emplace(pos.line, column_checkpoints(line, kCheckpointEvery)).first;
    }
    const auto& points = cached->second;
    const auto at = std::upper_bound(points.begin(), points.end(), offset - from,
                                     [](std::size_t v, const ColumnCheckpoint& c) { return v < c.offset; }) - 1;
    base = at->counts;
    from += at->offset;
  }
  const auto counts = count_columns(std::string_view(bytes).substr(from, offset - from));
  pos.column = base.code_points + counts.code_points + 1;
  pos.column_utf16 = base.utf16_units + counts.utf16_units + 1;
  return pos;
}

std::string_view Document::file_name() const {
  const auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
}

bool Document::is_markdown() const {
  const std::string_view name = file_name();
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos || !is_html_extension(name.substr(dot + 1));
}

bool Document::in_posts_dir() const {
  const std::string_view p = path;
  return p.rfind("_posts/", 0) == 0 || p.find("/_posts/") != std::string_view::npos ||
         p.rfind("_drafts/", 0) == 0 || p.find("/_drafts/") != std::string_view::npos;
}

bool Document::is_post() const {
  if (in_posts_dir()) return true;
  const std::string_view name = file_name();
  auto d = [&](std::size_t i) { return i < name.size() && name[i] >= '0' && name[i] <= '9'; };
  return name.size() > 11 && d(0) && d(1) && d(2) && d(3) && name[4] == '-' && d(5) && d(6) && name[7] == '-' &&
         d(8) && d(9) && name[10] == '-';
}

namespace {

// A line consisting of `marker` plus optional trailing blanks (Jekyll: `---\s*$`).
bool is_delimiter_line(std::string_view line, std::string_view marker) {
  if (line.substr(0, marker.size()) != marker) return false;
  for (char c : line.substr(marker.size())) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

std::vector<std::string> split_rule_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find_first_of(", \t", i);
    if (j == std::string_view::npos) j = text.size();
    auto item = trim(text.substr(i, j - i));
    if (!item.empty()) out.emplace_back(item);
    i = j + 1;
  }
  return out;
}

// yaml-cpp 0.7 recurses per nesting level; refuse absurd depth before it can
// overflow the stack on hostile input.
bool too_deeply_nested(std::string_view yaml) {
  int depth = 0;
  for (char c : yaml) {
    if (c == '[' || c == '{') {
      if (++depth > 200) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

void parse_front_matter_yaml(Document& doc) {
  FrontMatter& fm = doc.front_matter;
  if (fm.content_end - fm.content_begin > kMaxFrontMatterBytes) {
    fm.error = YamlError{fmt::format("the front matter is {} bytes, more than the {} archive-lint parses: its keys "
                                     "are not checked (a limit of archive-lint, see docs/limits.md)",
                                     fm.content_end - fm.content_begin, kMaxFrontMatterBytes),
                         fm.content_begin, true};
    return;
  }
  std::string yaml = doc.bytes.substr(fm.content_begin, fm.content_end - fm.content_begin);
  // Keep byte offsets identical while giving yaml-cpp plain LF line breaks.
  for (std::size_t i = 0; i < yaml.size(); ++i) {
    if (yaml[i] == '\r') yaml[i] = (i + 1 < yaml.size() && yaml[i + 1] == '\n') ? ' ' : '\n';
  }
  const std::uint32_t first_line = doc.lines.line_of(fm.content_begin);
  auto offset_of = [&](const YAML::Mark& mark) -> std::size_t {
    if (mark.is_null() || mark.line < 0) return fm.content_begin;
    const std::size_t line_start = doc.lines.line_start(first_line + static_cast<std::uint32_t>(mark.line));
    const std::size_t line_end = line_start + doc.lines.line_text(doc.bytes, first_line + static_cast<std::uint32_t>(mark.line)).size();
    return std::min(line_start + static_cast<std::size_t>(std::max(0, mark.column)), std::max(line_start, line_end));
  };
  if (too_deeply_nested(yaml)) {
    fm.error = YamlError{"front matter nests more than 200 levels deep", fm.content_begin};
    return;
  }
  try {
    fm.root = YAML::Load(yaml);
    if (fm.root.IsNull()) {
      fm.is_mapping = true;
      return;
    }
    if (!fm.root.IsMap()) {
      fm.is_mapping = false;
      return;
    }
    fm.is_mapping = true;
    fm.keys.reserve(fm.root.size());
    // One dereference per entry: each `it->` builds a fresh key/value pair of
    // Nodes (shared_ptr copies), which showed up at ~7% of a whole run.
    for (const auto& entry : fm.root) {
      const YAML::Node& k = entry.first;
      const YAML::Node& v = entry.second;
      FrontMatterKey key;
      key.name = k.IsScalar() ? k.Scalar() : std::string("<complex key>");
      key.key_offset = offset_of(k.Mark());
      const YAML::Mark value_mark = v.Mark();
      key.value_offset = value_mark.is_null() ? key.key_offset : offset_of(value_mark);
      key.value = v;
      fm.keys.push_back(std::move(key));
    }
  } catch (const YAML::Exception& e) {
    fm.error = YamlError{e.msg, offset_of(e.mark)};
    fm.root = YAML::Node();
    fm.keys.clear();
  }
}

void collect_suppressions(Document& doc) {
  static constexpr std::string_view kDirective = "archive-lint-disable";
  static constexpr std::string_view kNextLine = "archive-lint-disable-next-line";
  static constexpr std::string_view kThisLine = "archive-lint-disable-line";
  const std::string_view text = doc.bytes;
  // Directives come in file order, so the comment opener before each one and
  // the closer after it are found with cursors that only move forward: a post
  // of nothing but directives stays linear.
  std::size_t comment_open = std::string_view::npos;   // the last "<!--" at or before pos
  std::size_t next_open = text.find("<!--");
  std::size_t comment_close = std::string_view::npos;  // the first "-->" at or after pos
  std::size_t pos = text.find(kDirective, doc.body_offset);
  while (pos != std::string_view::npos) {
    const std::size_t next_directive = text.find(kDirective, pos + 1);
    while (next_open != std::string_view::npos && next_open <= pos) {
      comment_open = next_open;
      next_open = text.find("<!--", next_open + 1);
    }
    if (comment_close == std::string_view::npos || comment_close < pos) comment_close = text.find("-->", pos);
    if (comment_close == std::string_view::npos) break;  // no directive after this one is closed either
    bool next_line = text.substr(pos, kNextLine.size()) == kNextLine;
    bool this_line = !next_line && text.substr(pos, kThisLine.size()) == kThisLine;
    if (comment_open != std::string_view::npos && doc.lines.line_of(comment_open) == doc.lines.line_of(pos) &&
        (next_line || this_line)) {
      const std::size_t list_begin = pos + (next_line ? kNextLine.size() : kThisLine.size());
      // The list ends at the comment's end, or where the next directive starts.
      const std::size_t list_end = std::max(list_begin, std::min(comment_close, next_directive));
      auto patterns = split_rule_list(text.substr(list_begin, list_end - list_begin));
      if (patterns.empty()) patterns.emplace_back("*");
      const std::uint32_t line = doc.lines.line_of(comment_close) + (next_line ? 1 : 0);
      doc.suppressions.lines.push_back({line, std::move(patterns)});
    }
    pos = next_directive;
  }
  std::stable_sort(doc.suppressions.lines.begin(), doc.suppressions.lines.end(),
                   [](const Suppressions::Line& a, const Suppressions::Line& b) { return a.line < b.line; });
  if (const auto* key = doc.front_matter.find("archive-lint-disable")) {
    try {
      if (key->value.IsScalar()) {
        for (auto& p : split_rule_list(key->value.Scalar())) doc.suppressions.file_patterns.push_back(p);
      } else if (key->value.IsSequence()) {
        for (const auto& item : key->value) {
          if (item.IsScalar()) doc.suppressions.file_patterns.push_back(item.Scalar());
        }
      }
    } catch (const YAML::Exception&) {
    }
  }
}

}  // namespace

void extract_links(Document& doc);     // links.cpp

Document parse_document(std::string path, std::string bytes, const ParseOptions& options) {
  Document doc;
  doc.path = std::move(path);
  if (bytes.size() > kMaxDocumentBytes) {  // offsets are 32-bit (LineIndex)
    doc.readable = false;
    doc.read_error = fmt::format("the file is {} bytes; archive-lint reads files up to {} bytes", bytes.size(), kMaxDocumentBytes);
    doc.lines = LineIndex("");
    return doc;
  }
  doc.bytes = std::move(bytes);
  const std::string_view text = doc.bytes;
  doc.lines = LineIndex(text);
  doc.has_bom = text.substr(0, 3) == "\xEF\xBB\xBF";
  const std::size_t content_start = doc.has_bom ? 3 : 0;
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    doc.nul_offset = static_cast<std::size_t>(static_cast<const char*>(nul) - text.data());
  }
  if (auto bad = find_invalid_utf8(text.substr(content_start))) doc.invalid_utf8_offset = *bad + content_start;

  // Jekyll: `---` (plus blanks) on the very first line, closed by `---` or `...`.
  FrontMatter& fm = doc.front_matter;
  const std::string_view first = doc.lines.line_text(text, 1).substr(doc.has_bom ? 3 : 0);
  if (doc.lines.line_count() >= 1 && is_delimiter_line(first, "---") && doc.lines.line_count() > 1) {
    fm.open_offset = content_start;
    fm.content_begin = doc.lines.line_start(2);
    fm.state = FrontMatter::State::unterminated;
    for (std::uint32_t line = 2; line <= doc.lines.line_count(); ++line) {
      const auto lt = doc.lines.line_text(text, line);
      if (is_delimiter_line(lt, "---") || is_delimiter_line(lt, "...")) {
        // A closing delimiter needs a line terminator or the end of file after it.
        fm.state = FrontMatter::State::present;
        fm.close_offset = doc.lines.line_start(line);
        fm.content_end = fm.close_offset;
        doc.body_offset = line < doc.lines.line_count() ? doc.lines.line_start(line + 1) : text.size();
        break;
      }
    }
    if (fm.state == FrontMatter::State::unterminated) {
      fm.content_end = text.size();
      doc.body_offset = content_start;
    }
  } else if (doc.lines.line_count() >= 1 && is_delimiter_line(first, "---")) {
    fm.state = FrontMatter::State::unterminated;  // a lone `---` line
    fm.open_offset = content_start;
    fm.content_begin = fm.content_end = text.size();
    doc.body_offset = content_start;
  } else {
    doc.body_offset = content_start;
  }
  if (fm.state == FrontMatter::State::present) parse_front_matter_yaml(doc);
  collect_suppressions(doc);
  // Jekyll converts Markdown files only; the body of an .html file is HTML as written.
  doc.markdown = doc.is_markdown() ? segment_markdown(doc.bytes, doc.body_offset)
                                   : segment_html(doc.bytes, doc.body_offset);
  if (options.html) doc.html_analysis = analyse_html(doc.markdown, doc.body_offset);
  extract_links(doc);
  return doc;
}

Document load_document(const std::string& filesystem_path, std::string display_path, const ParseOptions& options) {
  std::string error;
  auto bytes = read_file(filesystem_path, error);
  if (!bytes) {
    Document doc;
    doc.path = std::move(display_path);
    doc.readable = false;
    doc.read_error = error;
    doc.lines = LineIndex("");
    return doc;
  }
  return parse_document(std::move(display_path), std::move(*bytes), options);
}

}  // namespace al
