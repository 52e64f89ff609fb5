#include "analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "archive_lint/attribution_links.hpp"
#include "archive_lint/config.hpp"
#include "archive_lint/text.hpp"

namespace al::checks::attribution {

namespace {

bool ieq_prefix(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != std::tolower(static_cast<unsigned char>(word[i])))
      return false;
  }
  return true;
}

bool name_end(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '>' || c == '/'; }

// The class attribute's words of the start tag at view[lt] ('<'); end = after '>'.
std::vector<std::string> start_tag_classes(std::string_view view, std::size_t lt, std::size_t tag_len, std::size_t& end) {
  std::vector<std::string> classes;
  std::size_t i = lt + 1 + tag_len;
  end = std::string_view::npos;
  while (i < view.size()) {
    while (i < view.size() && (view[i] == ' ' || view[i] == '\t' || view[i] == '\n' || view[i] == '\r' || view[i] == '/')) ++i;
    if (i >= view.size()) return classes;
    if (view[i] == '>') {
      end = i + 1;
      return classes;
    }
    const std::size_t name_begin = i;
    while (i < view.size() && view[i] != '=' && view[i] != '>' && !std::isspace(static_cast<unsigned char>(view[i]))) ++i;
    const std::string name = to_lower_ascii(view.substr(name_begin, i - name_begin));
    while (i < view.size() && std::isspace(static_cast<unsigned char>(view[i]))) ++i;
    std::string value;
    if (i < view.size() && view[i] == '=') {
      ++i;
      while (i < view.size() && std::isspace(static_cast<unsigned char>(view[i]))) ++i;
      if (i < view.size() && (view[i] == '"' || view[i] == '\'')) {
        const char q = view[i];
        const std::size_t close = view.find(q, i + 1);
        if (close == std::string_view::npos) return classes;
        value = std::string(view.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        const std::size_t b = i;
        while (i < view.size() && view[i] != '>' && !std::isspace(static_cast<unsigned char>(view[i]))) ++i;
        value = std::string(view.substr(b, i - b));
      }
    }
    if (name == "class" && classes.empty()) {  // HTML keeps the first of duplicate attributes
      std::size_t k = 0;
      while (k < value.size()) {
        while (k < value.size() && std::isspace(static_cast<unsigned char>(value[k]))) ++k;
        std::size_t e = k;
        while (e < value.size() && !std::isspace(static_cast<unsigned char>(value[e]))) ++e;
        if (e > k) classes.push_back(value.substr(k, e - k));
        k = e;
      }
    }
  }
  return classes;
}

// The first marker in doc.bytes[begin, end): `^` and `$` anchor to that range.
std::optional<Marker> search_marker(const Document& doc, const MarkerRule& rule, std::size_t begin, std::size_t end) {
  const std::string_view range = std::string_view(doc.bytes).substr(begin, end - begin);
  // Every match starts with the literal prefix: skip to its first occurrence.
  // The search still sees the range before it, for `\b`.
  const std::size_t from = rule.literal_prefix.empty() ? 0 : range.find(rule.literal_prefix);
  if (from == std::string_view::npos) return std::nullopt;
  const auto m = rule.re->find(range, from);
  if (!m) return std::nullopt;
  Marker marker;
  marker.begin = begin + (*m)[0].begin;
  marker.end = begin + (*m)[0].end;
  const GroupSpan& g = (*m)[rule.source_group];
  if (g.matched) {
    marker.source_begin = begin + g.begin;
    marker.source_end = begin + g.end;
    marker.source = std::string(trim(g.in(range)));
  } else {
    marker.source_begin = marker.begin;
    marker.source_end = marker.end;
  }
  marker.element_begin = marker.begin;
  marker.element_end = marker.end;
  return marker;
}

void find_markers(const Document& doc, const MarkerRule& rule, Facts& facts) {
  if (rule.element_tag.empty()) {
    // No element: every match in the body counts.
    std::size_t from = doc.body_offset;
    while (auto m = search_marker(doc, rule, from, doc.bytes.size())) {
      facts.markers.push_back(*m);
      from = std::max(m->end, m->begin + 1);
      if (from >= doc.bytes.size() || facts.markers.size() > 100) break;
    }
    return;
  }
  const std::string_view view = doc.markdown.html_view;
  const std::string_view tag = rule.element_tag;
  std::size_t i = view.find('<');
  while (i != std::string_view::npos) {
    if (ieq_prefix(view, i + 1, tag) && i + 1 + tag.size() < view.size() && name_end(view[i + 1 + tag.size()])) {
      std::size_t open_end = 0;
      const auto classes = start_tag_classes(view, i, tag.size(), open_end);
      if (open_end == std::string_view::npos) break;
      const bool wanted = std::all_of(rule.element_classes.begin(), rule.element_classes.end(), [&](const std::string& c) {
        return std::find(classes.begin(), classes.end(), c) != classes.end();
      });
      // Content runs to `</tag`, or to the next `<tag` when the element is left open.
      std::size_t close = open_end;
      std::size_t content_end = view.size();
      while ((close = view.find('<', close)) != std::string_view::npos) {
        if (view.substr(close + 1, 1) == "/" && ieq_prefix(view, close + 2, tag) &&
            (close + 2 + tag.size() >= view.size() || name_end(view[close + 2 + tag.size()]))) {
          content_end = close;
          break;
        }
        if (ieq_prefix(view, close + 1, tag) && close + 1 + tag.size() < view.size() && name_end(view[close + 1 + tag.size()])) {
          content_end = close;
          break;
        }
        ++close;
      }
      if (wanted) {
        // The element ends after the `>` of what ended its content, or with the
        // body when it is left open there (not one byte past the end of the file).
        const std::size_t gt = content_end == view.size() ? std::string_view::npos : view.find('>', content_end);
        const std::size_t element_end_view = gt == std::string_view::npos ? view.size() : gt + 1;
        auto m = search_marker(doc, rule, doc.body_offset + open_end, doc.body_offset + content_end);
        if (m) {
          m->element_begin = doc.body_offset + i;
          m->element_end = doc.body_offset + element_end_view;
          facts.markers.push_back(*m);
        } else {
          facts.candidate_elements.push_back(doc.body_offset + i);
        }
      }
      i = view.find('<', open_end);
      continue;
    }
    i = view.find('<', i + 1);
  }
}

}  // namespace

std::string quote_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "'" : ", '") + s + "'";
  return out.empty() ? std::string("(none)") : out;
}

Facts analyze(const Document& doc, const AttributionRules& rules) {
  Facts facts;
  // Only posts carry attribution (not pages such as about.md), and only when
  // they have a body: an empty post is no repost.
  if (!rules.configured || !doc.readable || !doc.front_matter.ok() || !doc.is_post()) return facts;
  if (trim(doc.body()).empty()) return facts;
  facts.applies = true;
  const FrontMatter& fm = doc.front_matter;
  if (const auto* key = fm.find("categories")) {
    facts.has_categories_key = true;
    facts.categories = front_matter_words(key->value);
  }
  if (const auto* key = fm.find("category"); key && facts.categories.empty()) {
    facts.has_categories_key = true;
    facts.categories = front_matter_words(key->value);
  }
  facts.tags_duplicated =
      std::count_if(fm.keys.begin(), fm.keys.end(), [](const FrontMatterKey& k) { return k.name == "tags"; }) > 1;
  if (const auto* key = fm.find("tags")) {
    facts.has_tags_key = true;
    facts.tags = front_matter_words(key->value);
  }
  facts.category = rules.for_categories(facts.categories);
  facts.marker_expected = rules.marker.has_value() && facts.category.marker;
  if (rules.tags) {
    for (const auto& tag : facts.tags) {
      std::map<std::string, std::string> values;
      if (rules.tags->match(tag, &values) && !values["source"].empty()) facts.tag_sources.push_back(values["source"]);
    }
  }
  if (rules.marker && facts.category.marker) {
    find_markers(doc, *rules.marker, facts);
    if (facts.markers.empty() && !rules.marker->element_tag.empty())
      facts.stray = search_marker(doc, *rules.marker, doc.body_offset, doc.bytes.size());
  }
  const std::vector<AttributionRole> roles = attribution_roles(doc);
  for (std::size_t i = 0; i < doc.links.size(); ++i) {
    const Link& link = doc.links[i];
    if (roles[i] == AttributionRole::source) facts.has_source_link = true;
    // Back links: the `back` role, or a Markdown link whose text has the
    // back-link form (absolute https: back links are not `back` by position).
    const bool markdown_link = link.origin == LinkOrigin::markdown_inline || link.origin == LinkOrigin::markdown_reference;
    if (!rules.backlink_text || !(roles[i] == AttributionRole::back || markdown_link)) continue;
    const std::string text(trim(link.text));
    std::map<std::string, std::string> values;
    if (!rules.backlink_text->match(text, &values)) continue;
    BackLink b;
    b.link = &link;
    b.source = values["source"];
    std::string url = link.url;
    for (const auto& t : rules.backlink_url) {
      std::string candidate = url;
      // A protocol-relative template also accepts http: and https: URLs.
      if (t.text.rfind("//", 0) == 0) {
        if (candidate.rfind("https:", 0) == 0) candidate.erase(0, 6);
        else if (candidate.rfind("http:", 0) == 0) candidate.erase(0, 5);
      }
      if (t.match(candidate, &b.url_values)) {
        b.url_matched = true;
        break;
      }
    }
    facts.backlinks.push_back(std::move(b));
  }
  // End of the body: the end of its last non-blank line.
  const std::string_view text(doc.bytes);
  std::size_t end = text.size();
  while (end > doc.body_offset && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  facts.body_end = std::max(end, doc.body_offset);
  return facts;
}

const Facts& analyze_once(const Document& doc, const AttributionRules& rules) {
  return doc.derived<Facts>("attribution\n" + rules.identity, [&] { return analyze(doc, rules); });
}

void AttributionCheck::configure_shared(const Config& config) {
  rules_ = std::make_shared<AttributionRules>(
      compile_attribution(config.attribution, config.file.empty() ? std::string("<config>") : config.file.string()));
}

}  // namespace al::checks::attribution
