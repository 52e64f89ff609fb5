#pragma once
// `archive-lint inspect FILE`: how archive-lint reads one post, so that a
// disagreement with Jekyll (tools/jekyll-view, `jekyll build`) is easy to
// see. Every span says its kind and where it starts and ends.
#include <cstdint>
#include <string>
#include <vector>

#include "archive_lint/config.hpp"
#include "archive_lint/document.hpp"
#include "archive_lint/site.hpp"

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

// What the Jekyll site model makes of the post (permalink.hpp, jekyll_date.hpp).
struct SiteReading {
  std::string site_root;                       // empty: the post is in no Jekyll site
  std::string collection;                      // "posts" or "drafts" (from the folder), or empty
  std::string relative_path;                   // from the collections directory
  std::string date;                            // as Jekyll reads `date:`, with its zone, or why not
  std::string url, destination;                // empty when Jekyll writes no file for it
  std::vector<std::string> categories;         // folder, defaults and front matter, as Jekyll lists them
  std::vector<std::string> tags;               // front matter `tags`/`tag`, as Jekyll lists them
};

struct PostInspection {
  std::string path;
  SiteReading site;
  std::string front_matter;  // absent, present, unterminated, invalid (with the error)
  std::vector<InspectedKey> keys;
  std::uint32_t body_line = 0;
  std::vector<InspectedSpan> spans;           // in file order
  std::vector<InspectedSpan> links;
};

inline constexpr std::size_t kInspectExcerptBytes = 60;

// `site` may be null (no site model) or not found (a post outside any site);
// `filesystem_path` locates the post in it.
PostInspection inspect_document(const Document& doc, const JekyllSite* site = nullptr,
                                const std::string& filesystem_path = {});
std::string render_inspection_text(const PostInspection& post);
std::string render_inspection_json(const PostInspection& post);

}  // namespace al
