#pragma once
// The tree half of the HTML analysis: a light open-element stack that follows
// the "in body" insertion mode rules closely enough to decide whether an end
// tag closes, implies, crosses or matches nothing. It deliberately does not
// reconstruct formatting elements: one authoring mistake gives one finding,
// where a browser would repeat the element in every later paragraph. The
// tokenizer (tokenizer.cpp) feeds it tokens and asks it the few questions the
// spec's tokenizer asks of the tree.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "html/parts.hpp"

namespace al::html_detail {

// How the tokenizer reads what follows a start tag.
enum class ContentModel : std::uint8_t { data, raw_text, rcdata, plaintext };

class TreeBuilder {
 public:
  // view: the whole input; the tree reads it back for element names past
  // kMaxHtmlDepth and to look ahead for end tags.
  TreeBuilder(std::string_view view, AnalysisLog& log)
      : s_(view), n_(view.size()), log_(log), out_(log.out()), base_(log.base()) {}

  // The end tags kramdown writes where the author left them out (sorted by
  // place): each closes its element when the tokens reach that place.
  void kramdown_closes(const std::vector<KramdownClose>* closes) { closes_ = closes; }

  // What the tokenizer asks of the tree.
  bool in_foreign() const;  // in SVG or MathML: CDATA sections are allowed
  bool inside_element() const { return !stack_.empty(); }  // raw HTML content, not Markdown text
  bool collects_text() const { return open_anchors_ > 0; }  // a link's text is being kept

  // The tokens.
  void text(std::string_view t);
  ContentModel start_tag(HtmlStartTag st, std::size_t b, std::size_t e);
  void end_tag(const std::string& name, std::size_t b, std::size_t e);
  void end_of_input();

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

  // The open-element stack.
  void push_open(Open o);
  void forget_name(const Open& o);
  bool is_open(std::string_view name) const;
  void pop_open();
  void erase_open(std::size_t k);
  static std::uint8_t scope_boundaries(const Open& o);
  std::size_t in_scope(std::string_view name, std::uint16_t extra_boundary_kind = 0);
  std::size_t in_table_scope(std::string_view name);
  void finish(const Open& o, std::size_t end);
  void pop_above(std::size_t k, std::size_t at, const std::string& why);
  void pop_to(std::size_t k, std::size_t at, const std::string& why);
  void report_unclosed(const Open& o, const std::string& why);

  // Start tags.
  void close_p(const std::string& by, std::size_t b, std::size_t e);
  void implied_closes(const std::string& name, std::uint16_t flags, std::size_t b, std::size_t e);
  void close_list_item(const std::string& name, std::size_t at);
  void close_in_table(std::initializer_list<std::string_view> names, std::size_t at);
  int ignore_region(const HtmlStartTag& st);
  std::size_t keep_tag(HtmlStartTag st, std::size_t b, std::size_t e);

  // Elements past kMaxHtmlDepth.
  void enter_overflow(std::size_t b, std::size_t e, std::uint16_t flags, bool foreign, bool self_closing,
                      int ignore_index);
  void leave_overflow(std::size_t end);
  void report_unclosed(const Deeper& d, const std::string& why);

  // kramdown's end tags.
  void apply_kramdown_closes(std::size_t view_offset);
  void kramdown_close(const KramdownClose& c);
  std::string kramdown_unclosed_message(const Open& o) const;
  void pop_silently(std::size_t k, std::size_t at);
  std::string written_name(std::size_t start) const;

  // End tags.
  void formatting_end_tag(const std::string& name, std::size_t b, std::size_t e);
  void close_misnested(const std::string& name, std::string_view inner, std::size_t k, std::size_t b, std::size_t e);
  void special_end_tag(const std::string& name, std::size_t b, std::size_t e);
  void other_end_tag(const std::string& name, std::size_t b, std::size_t e);
  std::size_t find_end_tag(std::string_view name, std::size_t from);

  std::string_view s_;
  std::size_t n_;
  AnalysisLog& log_;
  HtmlAnalysis& out_;
  std::size_t base_;
  std::vector<Open> stack_;  // at most kMaxHtmlDepth
  std::unordered_map<std::string, int> open_names_;
  int open_anchors_ = 0;              // open <a> outside SVG and MathML
  std::vector<Anchor> anchors_;       // every open <a> with a kept tag, outermost first
  std::vector<Deeper> overflow_;      // open elements past kMaxHtmlDepth, outermost first
  std::size_t max_depth_ = 0;
  std::size_t depth_issue_ = npos;    // index of the depth limit's issue
  bool tags_limit_reported_ = false;
  bool end_tags_listed_ = false;
  std::unordered_map<std::string, std::vector<std::uint32_t>> end_tags_;  // for find_end_tag
  const std::vector<KramdownClose>* closes_ = nullptr;
  std::size_t next_close_ = 0;
  std::string unclosed_inside_block_;  // the innermost element left open in the HTML block being closed
};

}  // namespace al::html_detail
