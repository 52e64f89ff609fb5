// Link extraction: HTML attributes from the HTML analysis's start tags,
// Markdown links from the segmentation. Pure; the network engine only ever
// sees Document::links.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include "archive_lint/document.hpp"
#include "archive_lint/html.hpp"
#include "archive_lint/text.hpp"

namespace al {

std::string_view to_string(LinkRole role) {
  switch (role) {
    case LinkRole::image: return "image";
    case LinkRole::in_text: return "in-text";
    case LinkRole::resource: return "resource";
  }
  return "in-text";
}

namespace {

struct UrlAttribute {
  std::string_view element;
  std::string_view attribute;
  LinkRole role;
  bool srcset;
};

constexpr UrlAttribute kUrlAttributes[] = {
    {"a", "href", LinkRole::in_text, false},       {"img", "src", LinkRole::image, false},
    {"img", "srcset", LinkRole::image, true},      {"source", "src", LinkRole::image, false},
    {"source", "srcset", LinkRole::image, true},   {"script", "src", LinkRole::resource, false},
    {"link", "href", LinkRole::resource, false},   {"iframe", "src", LinkRole::resource, false},
    {"video", "src", LinkRole::resource, false},   {"video", "poster", LinkRole::image, false},
    {"audio", "src", LinkRole::resource, false},
};

// Adds a link while fewer than `cap` are kept; counts the others.
void keep_link(Document& doc, Link link, std::size_t cap) {
  if (doc.links.size() < cap) {
    doc.links.push_back(std::move(link));
    return;
  }
  if (doc.links_omitted++ == 0 || link.begin < doc.first_omitted_link) doc.first_omitted_link = link.begin;
}

void add_html_link(Document& doc, const HtmlStartTag& tag, const HtmlAttribute& attr, const UrlAttribute& spec) {
  // value_begin..value_end are the raw value without its quotes.
  const std::size_t begin = attr.value_begin;
  const std::size_t raw_len = attr.value_end - attr.value_begin;
  auto push = [&](std::string url, std::size_t b, std::size_t e) {
    url = std::string(trim(url));
    if (url.empty()) return;
    Link link;
    link.url = std::move(url);
    link.begin = b;
    link.end = e;
    link.syntax_begin = tag.begin;
    link.syntax_end = tag.end;
    link.role = spec.role;
    link.origin = LinkOrigin::html_attribute;
    link.element = std::string(spec.element);
    link.attribute = std::string(spec.attribute);
    if (spec.element == "a") link.text = std::string(trim(tag.text));  // already capped
    if (spec.element == "img") {
      if (const HtmlAttribute* alt = tag.attribute("alt")) link.text = capped_text(alt->value, kMaxLinkTextBytes);
    }
    keep_link(doc, std::move(link), kMaxLinks);
  };
  if (!spec.srcset) {
    // The span is the URL as written, without the spaces around it (trimmed
    // like the URL itself): findings point at the URL, and a fix that adds a
    // scheme lands before its first character.
    const std::string_view raw(doc.bytes.data() + begin, raw_len);
    const std::string_view written = trim(raw);
    const std::size_t b = begin + static_cast<std::size_t>(written.data() - raw.data());
    push(attr.value, b, b + written.size());
    return;
  }
  // srcset: comma-separated candidates, each a URL then an optional descriptor.
  const std::string_view raw(doc.bytes.data() + begin, raw_len);
  std::size_t i = 0;
  while (i < raw.size()) {
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == ',' || raw[i] == '\t' || raw[i] == '\n')) ++i;
    std::size_t e = i;
    while (e < raw.size() && raw[e] != ' ' && raw[e] != '\t' && raw[e] != '\n') ++e;
    std::size_t url_end = e;
    if (url_end > i && raw[url_end - 1] == ',') --url_end;
    if (url_end > i) push(std::string(raw.substr(i, url_end - i)), begin + i, begin + url_end);
    while (e < raw.size() && raw[e] != ',') ++e;
    i = e + 1;
  }
}

void html_links(Document& doc) {
  for (const auto& tag : doc.html_analysis.tags) {
    for (const auto& spec : kUrlAttributes) {
      if (spec.element != tag.name) continue;
      const HtmlAttribute* attr = tag.attribute(spec.attribute);
      if (attr && attr->has_value) add_html_link(doc, tag, *attr, spec);
    }
  }
}

}  // namespace

static std::string markdown_destination(std::string_view raw) {
  std::string unescaped;
  unescaped.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && std::ispunct(static_cast<unsigned char>(raw[i + 1]))) ++i;
    unescaped.push_back(raw[i]);
  }
  return unescaped.find('&') == std::string::npos ? unescaped : decode_html_text(unescaped);
}

void extract_links(Document& doc) {
  html_links(doc);
  const std::size_t html_kept = doc.links.size();
  // Labels with a use: their definitions are reported at each use instead.
  std::unordered_set<std::string_view> used;
  for (const auto& m : doc.markdown.links) {
    if (m.kind == MarkdownLinkKind::reference_use) used.insert(m.label);
  }
  for (const auto& m : doc.markdown.links) {
    Link link;
    // CommonMark: backslash escapes and character references count in link
    // destinations (`my\_site`, `?a=1&amp;b=2`), but not in autolinks.
    link.url = m.kind == MarkdownLinkKind::autolink ? m.destination : markdown_destination(m.destination);
    link.begin = m.dest_begin;
    link.end = m.dest_end;
    link.syntax_begin = m.begin;
    link.syntax_end = m.end;
    link.text = m.text;
    switch (m.kind) {
      case MarkdownLinkKind::autolink:
        link.origin = LinkOrigin::autolink;
        if (m.destination.rfind("mailto:", 0) == 0 || m.destination.find(':') == std::string::npos) continue;
        break;
      case MarkdownLinkKind::inline_image:
        link.origin = LinkOrigin::markdown_image;
        link.role = LinkRole::image;
        break;
      case MarkdownLinkKind::inline_link:
      case MarkdownLinkKind::reference_use:
      case MarkdownLinkKind::reference_definition: {
        if (m.kind == MarkdownLinkKind::reference_definition && used.count(m.label)) continue;
        link.origin = m.kind == MarkdownLinkKind::inline_link ? LinkOrigin::markdown_inline : LinkOrigin::markdown_reference;
        break;
      }
    }
    if (trim(link.url).empty()) continue;
    // HTML links took up to kMaxLinks: Markdown ones get as many again, and
    // after sorting, the first kMaxLinks in file order stay.
    keep_link(doc, std::move(link), html_kept + kMaxLinks);
  }
  std::sort(doc.links.begin(), doc.links.end(), [](const Link& a, const Link& b) { return a.begin < b.begin; });
  if (doc.markdown.links_omitted > 0) {
    if (doc.links_omitted == 0 || doc.markdown.first_omitted_link < doc.first_omitted_link)
      doc.first_omitted_link = doc.markdown.first_omitted_link;
    doc.links_omitted += doc.markdown.links_omitted;
  }
  if (doc.links.size() > kMaxLinks) {
    if (doc.links_omitted == 0 || doc.links[kMaxLinks].begin < doc.first_omitted_link)
      doc.first_omitted_link = doc.links[kMaxLinks].begin;
    doc.links_omitted += doc.links.size() - kMaxLinks;
    doc.links.resize(kMaxLinks);
  }
}

}  // namespace al
