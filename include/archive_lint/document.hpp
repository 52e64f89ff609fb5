#pragma once
// A post parsed once: bytes, line index, front matter with positions, body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "archive_lint/diagnostic.hpp"
#include "archive_lint/html.hpp"
#include "archive_lint/markdown.hpp"
#include "archive_lint/text.hpp"

namespace al {

// Start offsets of every line; understands LF, CRLF and lone CR. Four bytes
// per line (a file of blank lines has one line per byte): offsets are 32-bit,
// parse_document refuses files of 4 GiB and more, and line ends are read back
// from the text.
class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);

  std::size_t line_count() const { return starts_.size(); }
  // 1-based line containing offset (offset == size maps to the last line).
  std::uint32_t line_of(std::size_t offset) const;
  std::size_t line_start(std::uint32_t line) const;
  // Line content without its terminator; text is the one the index was built from.
  std::string_view line_text(std::string_view text, std::uint32_t line) const;

 private:
  std::vector<std::uint32_t> starts_;
  std::size_t size_ = 0;  // of the text
};

struct YamlError {
  std::string message;
  std::size_t offset = 0;
  bool limit = false;  // not a YAML error: the front matter is past kMaxFrontMatterBytes
};

// yaml-cpp needs about 60 to 200 bytes of memory and a few microseconds per
// byte of YAML: front matter larger than this is not parsed (docs/limits.md).
inline constexpr std::size_t kMaxFrontMatterBytes = 1 << 20;

struct FrontMatterKey {
  std::string name;
  std::size_t key_offset = 0;
  std::size_t value_offset = 0;
  YAML::Node value;
};

struct FrontMatter {
  enum class State : std::uint8_t {
    absent,        // file does not start with a front-matter block
    present,       // `---` ... `---`/`...`, parsed (see error)
    unterminated,  // opening `---` with no closing delimiter
  };
  State state = State::absent;
  std::size_t open_offset = 0;      // the opening `---`
  std::size_t content_begin = 0;    // first byte of YAML
  std::size_t content_end = 0;      // one past the last byte of YAML
  std::size_t close_offset = 0;     // the closing delimiter
  std::optional<YamlError> error;   // set when the YAML does not parse
  bool is_mapping = false;          // YAML parsed to a mapping (or was empty)
  YAML::Node root;
  std::vector<FrontMatterKey> keys; // top-level keys in file order, duplicates kept

  bool ok() const { return state == State::present && !error && is_mapping; }
  const FrontMatterKey* find(std::string_view key) const;
};

// `<!-- archive-lint-disable-next-line id, id -->` and the front-matter key.
struct Suppressions {
  struct Line {
    std::uint32_t line = 0;             // line the suppression applies to
    std::vector<std::string> patterns;  // rule ids, `family/*` or `*`
  };
  std::vector<Line> lines;  // sorted by line (parse_document sorts them)
  std::vector<std::string> file_patterns;
  bool covers(std::string_view rule_id, std::uint32_t line) const;
};

bool rule_pattern_matches(std::string_view pattern, std::string_view rule_id);

// What kind of link the page has; the attribution roles (source and back
// links) are the attribution family's (attribution_links.hpp).
enum class LinkRole : std::uint8_t {
  image,     // img, source, video poster, Markdown images
  in_text,   // any other link the reader can follow
  resource,  // script, link, iframe, video, audio: loaded by the page
};
std::string_view to_string(LinkRole role);

enum class LinkOrigin : std::uint8_t { html_attribute, markdown_inline, markdown_image, markdown_reference, autolink };

struct Link {
  std::string url;          // as written (entities decoded for HTML attributes)
  std::size_t begin = 0;    // file offsets of the URL text
  std::size_t end = 0;
  // File offsets of the whole link as written: the tag, `[text](url)`, the
  // use `[text][label]`, `<url>`.
  std::size_t syntax_begin = 0;
  std::size_t syntax_end = 0;
  LinkRole role = LinkRole::in_text;
  LinkOrigin origin = LinkOrigin::html_attribute;
  std::string element;      // HTML element and attribute, for HTML links
  std::string attribute;
  std::string text;         // link text, alt text or empty
};

struct Document {
  std::string path;          // display path (relative to the run root when possible)
  std::string bytes;         // the file as read, BOM included
  bool readable = true;
  std::string read_error;    // why it could not be read
  bool has_bom = false;
  std::optional<std::size_t> invalid_utf8_offset;
  std::optional<std::size_t> nul_offset;
  LineIndex lines;
  FrontMatter front_matter;
  std::size_t body_offset = 0;
  Suppressions suppressions;
  Segmentation markdown;                  // Markdown spans and the HTML view of the body
  HtmlAnalysis html_analysis;              // tokenizer + open-element pass over markdown.html_view
  std::vector<Link> links;                // every link, in file order (the first kMaxLinks)
  std::size_t links_omitted = 0;          // links past kMaxLinks, not kept (links/malformed says so)
  std::size_t first_omitted_link = 0;     // file offset of the first of them

  std::string_view text() const { return bytes; }
  std::string_view body() const { return std::string_view(bytes).substr(body_offset); }
  std::uint32_t body_line() const { return lines.line_of(body_offset); }
  Position position(std::size_t offset) const;

  // Data derived from the document that several checks need (the attribution
  // facts, say): computed by the first check that asks, then shared. One key
  // always holds one type T.
  template <class T, class Compute>
  const T& derived(const std::string& key, Compute&& compute) const {
    for (const auto& [k, v] : derived_) {
      if (k == key) return *static_cast<const T*>(v.get());
    }
    auto value = std::make_shared<const T>(compute());
    derived_.emplace_back(key, value);
    return *value;
  }

 private:
  mutable std::vector<std::pair<std::string, std::shared_ptr<const void>>> derived_;
  // position() counts columns from the start of the line; on a long line it
  // starts from the nearest checkpoint instead (one per 4 KiB, computed the
  // first time the line is asked about), so any order of questions about a
  // minified 16 MB line stays cheap. A Document is used by one thread at a time.
  mutable std::unordered_map<std::uint32_t, std::vector<ColumnCheckpoint>> checkpoints_;

 public:
  std::string_view line_text(std::uint32_t line) const { return lines.line_text(bytes, line); }
  // File name without directories.
  std::string_view file_name() const;
  // A Jekyll post: under `_posts/` or `_drafts/`, or named `YYYY-MM-DD-slug.ext`.
  bool is_post() const;
  bool in_posts_dir() const;
  // Not an .html/.htm file: Jekyll's kramdown converts it (a file of any other
  // name given on the command line is read as Markdown too).
  bool is_markdown() const;
};

struct ParseOptions {
  bool html = true;  // analyse the body's HTML and extract HTML links
};

// At most this many links of a post are kept in Document::links, checked
// offline and online (docs/limits.md).
inline constexpr std::size_t kMaxLinks = 100000;

// Larger files are not parsed: they yield readable == false (io/unreadable).
inline constexpr std::size_t kMaxDocumentBytes = 0xFFFFFFFFu - 1;

// Builds a Document from bytes already read. Never throws for bad content.
Document parse_document(std::string path, std::string bytes, const ParseOptions& options = {});
// Reads and parses; an unreadable file yields readable == false.
Document load_document(const std::string& filesystem_path, std::string display_path, const ParseOptions& options = {});

}  // namespace al
