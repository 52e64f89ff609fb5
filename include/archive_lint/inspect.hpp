#pragma once
// `archive-lint inspect FILE`: how archive-lint reads one post, so that a
// disagreement with Jekyll (tools/jekyll-view, `jekyll build`) is easy to
// see. Every span says its kind and where it starts and ends.
#include <cstdint>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/document.hpp"

namespace al {

struct InspectedPlace {
  std::uint32_t line = 0, column = 0;  // 1-based, columns in code points
};

struct InspectedSpan {
  std::string kind;     // "markdown code_block", "liquid tag", "html <div>", ...
  InspectedPlace begin, end;
  std::string text;     // the span's first line, at most kInspectExcerptBytes, one line
};

struct InspectedKey {
  std::string name;
  std::uint32_t line = 0;
  std::string value;  // a scalar as written, or the YAML flow form of a collection
};

struct PostInspection {
  std::string path;
  std::string front_matter;  // absent, present, unterminated, invalid (with the error)
  std::vector<InspectedKey> keys;
  std::uint32_t body_line = 0;
  std::vector<std::string> categories, tags;  // from the front matter, as Jekyll lists them
  std::vector<InspectedSpan> spans;           // in file order
  std::vector<InspectedSpan> links;
};

inline constexpr std::size_t kInspectExcerptBytes = 60;

PostInspection inspect_document(const Document& doc);
std::string render_inspection_text(const PostInspection& post);
std::string render_inspection_json(const PostInspection& post);

}  // namespace al
