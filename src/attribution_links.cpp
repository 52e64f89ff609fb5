// The attribution roles of links (see attribution_links.hpp).
#include "archive_lint/attribution_links.hpp"

#include <algorithm>
#include <string>

#include "archive_lint/text.hpp"

namespace al {

namespace {

// Whether the line holds only Markdown links and separators. links are all
// the Markdown links, sorted by begin: those on the line are one range of them.
bool is_navigation_line(std::string_view line, const std::vector<MarkdownLink>& links, std::size_t line_begin) {
  // Blank out the links on this line; what remains must be separators.
  std::string rest(line);
  const auto first = std::lower_bound(links.begin(), links.end(), line_begin,
                                      [](const MarkdownLink& l, std::size_t v) { return l.begin < v; });
  std::size_t blanked = 0;  // rest[0, blanked) holds no link left to blank: nested links are blanked once
  for (auto l = first; l != links.end() && l->begin <= line_begin + line.size(); ++l) {
    if (l->end > line_begin + line.size()) continue;
    for (std::size_t k = std::max(blanked, l->begin - line_begin); k < l->end - line_begin; ++k) rest[k] = ' ';
    blanked = std::max(blanked, l->end - line_begin);
  }
  static constexpr std::string_view kSeparators[] = {"｜", "|", "·", "•", "/", "、", "，", ","};
  for (auto sep : kSeparators) {
    for (auto pos = rest.find(sep); pos != std::string::npos; pos = rest.find(sep, pos)) rest.replace(pos, sep.size(), sep.size(), ' ');
  }
  return trim(rest).empty();
}

bool is_autolink_alone_on_its_line(const Document& doc, const Link& link) {
  const std::string_view line = doc.line_text(doc.lines.line_of(link.syntax_begin));
  return trim(line).size() == link.syntax_end - link.syntax_begin;
}

// `//host/...` or `/path`, as written (not as resolved).
bool is_site_internal(const Document& doc, const Link& link) {
  return link.begin < doc.bytes.size() && doc.bytes[link.begin] == '/';
}

}  // namespace

std::string_view to_string(AttributionRole role) {
  switch (role) {
    case AttributionRole::source: return "source";
    case AttributionRole::back: return "back";
    case AttributionRole::none: break;
  }
  return "none";
}

std::vector<AttributionRole> attribution_roles(const Document& doc) {
  std::vector<AttributionRole> roles(doc.links.size(), AttributionRole::none);
  // Whether the line last asked about is a navigation line: a line of many
  // links is judged once.
  std::uint32_t judged_line = 0;
  bool judged_navigation = false;
  for (std::size_t i = 0; i < doc.links.size(); ++i) {
    const Link& link = doc.links[i];
    if (link.origin == LinkOrigin::autolink) {
      if (is_autolink_alone_on_its_line(doc, link)) roles[i] = AttributionRole::source;
      continue;
    }
    if (link.origin != LinkOrigin::markdown_inline && link.origin != LinkOrigin::markdown_reference) continue;
    if (!is_site_internal(doc, link)) continue;
    const std::uint32_t line = doc.lines.line_of(link.syntax_begin);
    if (judged_line != line) {
      judged_line = line;
      judged_navigation = is_navigation_line(doc.line_text(line), doc.markdown.links, doc.lines.line_start(line));
    }
    if (judged_navigation) roles[i] = AttributionRole::back;
  }
  return roles;
}

const Link* source_link(const Document& doc) {
  const auto found = std::find_if(doc.links.begin(), doc.links.end(), [&](const Link& link) {
    return link.origin == LinkOrigin::autolink && is_autolink_alone_on_its_line(doc, link);
  });
  return found == doc.links.end() ? nullptr : &*found;
}

}  // namespace al
