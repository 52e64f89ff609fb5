#pragma once
// One post as the archive-wide checks see it: front matter and source link,
// cheap to extract and to cache (see archive.hpp).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "archive_lint/body_fingerprint.hpp"
#include "archive_lint/dates.hpp"
#include "archive_lint/document.hpp"

namespace al {

// What the archive checks know of one post.
struct PostRecord {
  std::string filesystem_path;     // absolute, lexically normal
  std::string path;                // display path (relative to the config root when inside it)
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool front_matter_ok = false;
  bool published = true;           // `published: false` is not written by Jekyll
  std::string title;
  std::string date;                // front-matter `date` as written (empty: none)
  std::vector<std::string> categories;  // `categories` (or `category`), split like Jekyll
  std::string source_url;          // the source link (source_link in attribution_links.hpp)
  std::string info_code;           // `infoCode=` of the source URL, else the file slug if it looks like one
  std::string slug;                // front-matter `slug`, else the file name's slug
  std::string permalink;           // front-matter `permalink`
  std::string lang;                // front-matter `lang` (else `language`): a translation's language
  BodyFingerprint body;            // the body's words, for archive/duplicate-post
  std::uint32_t title_line = 1;    // 1-based lines where each value is written
  std::uint32_t date_line = 1;
  std::uint32_t categories_line = 1;
  std::uint32_t source_line = 1;

  std::string file_name() const;
  std::string extension() const;   // ".md"
  // The post's date as Jekyll uses it: front matter, else the file name.
  std::optional<PostDate> post_date() const;
};

// Extracts a record from a parsed document (HTML parse not needed).
PostRecord make_post_record(const Document& doc, const std::filesystem::path& filesystem_path);

}  // namespace al
