#pragma once
// The attribution roles of a post's links: which link names the article the
// post reposts, and which lead back into the site. These are notions of the
// attribution family, not of a link as such, so the core Document does not
// carry them; the attribution checks, the archive index (the source URL that
// archive/duplicate-source compares) and `archive-lint inspect` ask here.
#include <cstdint>
#include <string_view>
#include <vector>

#include "archive_lint/document.hpp"

namespace al {

enum class AttributionRole : std::uint8_t {
  none,
  source,  // an autolink alone on its line: the article the post reposts
  back,    // a site-internal Markdown link on a line of only links and separators
};
std::string_view to_string(AttributionRole role);

// One role per entry of doc.links, in the same order.
std::vector<AttributionRole> attribution_roles(const Document& doc);

// The first link with the source role, or nullptr.
const Link* source_link(const Document& doc);

}  // namespace al
