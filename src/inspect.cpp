// archive-lint inspect: the Document as the checks see it, in words or JSON.
#include "archive_lint/inspect.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "archive_lint/attribution_links.hpp"
#include "archive_lint/jekyll_date.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/liquid.hpp"
#include "archive_lint/markdown.hpp"
#include "archive_lint/permalink.hpp"

namespace al {

namespace {

std::string_view markdown_kind(SpanKind kind) {
  switch (kind) {
    case SpanKind::code_block: return "code block";
    case SpanKind::code_span: return "code span";
    case SpanKind::autolink: return "autolink";
    case SpanKind::link_syntax: return "link syntax";
    case SpanKind::reference_definition: return "reference definition";
    case SpanKind::escape: return "escape";
    case SpanKind::html_comment: return "html comment";
    case SpanKind::math: return "math";
    case SpanKind::liquid_code: return "liquid code block";
    case SpanKind::text_tag: return "shown as text";
  }
  return "span";
}

std::string_view liquid_kind(liquid::SpanKind kind) {
  switch (kind) {
    case liquid::SpanKind::output: return "liquid output";
    case liquid::SpanKind::tag: return "liquid tag";
    case liquid::SpanKind::raw_block: return "liquid raw block";
    case liquid::SpanKind::comment_block: return "liquid comment block";
  }
  return "liquid";
}

InspectedPlace place(const Document& doc, std::size_t offset) {
  const Position p = doc.position(std::min(offset, doc.bytes.size()));
  return {p.line, p.column};
}

InspectedSpan span(const Document& doc, std::string kind, std::size_t begin, std::size_t end) {
  const std::size_t b = std::min(begin, doc.bytes.size()), e = std::min(std::max(begin, end), doc.bytes.size());
  return {std::move(kind), place(doc, b), place(doc, e),
          one_line_excerpt(std::string_view(doc.bytes).substr(b, e - b), kInspectExcerptBytes)};
}

std::string front_matter_state(const FrontMatter& fm) {
  switch (fm.state) {
    case FrontMatter::State::absent: return "absent";
    case FrontMatter::State::unterminated: return "unterminated";
    case FrontMatter::State::present: break;
  }
  if (fm.error) return "invalid: " + one_line_excerpt(fm.error->message, 200);
  return fm.is_mapping ? "present" : "not a mapping";
}

std::string value_text(const YAML::Node& node) {
  try {
    if (node.IsScalar()) return node.Scalar();
    YAML::Emitter flow;
    flow << YAML::Flow << node;
    return flow.c_str();
  } catch (const YAML::Exception&) {
    return "?";
  }
}

// The body's spans in file order: Markdown (kramdown reading), HTML start
// tags (what is markup) and Liquid (Jekyll's tags).
std::vector<InspectedSpan> body_spans(const Document& doc) {
  struct Ordered {
    std::size_t begin;
    InspectedSpan span;
  };
  std::vector<Ordered> all;
  for (const auto& s : doc.markdown.spans)
    all.push_back({s.begin, span(doc, std::string("markdown ") + std::string(markdown_kind(s.kind)), s.begin, s.end)});
  for (const auto& t : doc.html_analysis.tags) all.push_back({t.begin, span(doc, "html <" + t.name + ">", t.begin, t.end)});
  // Where kramdown closes an element itself (docs/markdown.md): from its start tag to that place.
  for (const auto& c : doc.markdown.kramdown_closes) {
    const char* kind = c.scope == KramdownCloseScope::block_text ? "kramdown closes at the end of its block"
                                                                 : "kramdown reads as HTML to the end of the post";
    if (c.scope == KramdownCloseScope::document) continue;  // said once, for the block
    all.push_back({c.start, span(doc, kind, c.start, c.at)});
  }
  const liquid::ParseResult parsed =
      liquid::parse(doc.body(), doc.body_offset, liquid::KnownTags::jekyll());
  for (const auto& s : parsed.spans) all.push_back({s.begin, span(doc, std::string(liquid_kind(s.kind)), s.begin, s.end)});
  for (const auto& e : parsed.errors) all.push_back({e.begin, span(doc, "liquid error: " + liquid::describe(e), e.begin, e.end)});
  std::stable_sort(all.begin(), all.end(), [](const Ordered& a, const Ordered& b) { return a.begin < b.begin; });
  std::vector<InspectedSpan> out;
  out.reserve(all.size());
  for (auto& o : all) out.push_back(std::move(o.span));
  return out;
}

std::string scalar_of(const Document& doc, std::string_view key) {
  const FrontMatterKey* k = doc.front_matter.find(key);
  if (!k || !k->value.IsScalar()) return {};
  return k->value.Scalar();
}

// The date as Jekyll reads it, in words: the moment and zone, or why not.
std::string date_reading(const Document& doc, const JekyllSite& site) {
  const FrontMatterKey* key = doc.front_matter.find("date");
  if (!key) return "none in the front matter: the file name's date";
  std::optional<std::string_view> zone;
  if (site.timezone) zone = site.timezone->name;
  const JekyllDate d = read_front_matter_date(doc, *key, zone);
  switch (d.kind) {
    case JekyllDate::Kind::not_judged: return "not judged (a shape archive-lint does not model)";
    case JekyllDate::Kind::rejected: return "rejected: " + d.rejection;
    case JekyllDate::Kind::moment:
    case JekyllDate::Kind::local: break;
  }
  std::string out = d.build_day ? std::string("the day of the build") : fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
  out += fmt::format(" {:02}:{:02}:{:02}", d.hour, d.minute, d.second);
  if (d.kind == JekyllDate::Kind::moment) {
    const int m = std::abs(d.offset_seconds) / 60;
    out += fmt::format(" {}{:02}{:02}", d.offset_seconds < 0 ? '-' : '+', m / 60, m % 60);
  } else {
    out += zone ? fmt::format(" in {}", *zone) : std::string(" in the build machine's zone (taken as UTC)");
  }
  for (const auto& difference : d.differences) out += "; " + difference;
  if (!d.nonexistent.empty()) out += "; " + d.nonexistent;
  return out;
}

std::string collection_of(std::string_view relative_path) {
  if (relative_path.find("_drafts/") != std::string_view::npos) return "drafts";
  if (relative_path.find("_posts/") != std::string_view::npos) return "posts";
  return {};
}

std::vector<std::string> front_matter_list(const Document& doc, const char* plural, const char* singular) {
  const FrontMatterKey* p = doc.front_matter.find(plural);
  const FrontMatterKey* s = doc.front_matter.find(singular);
  return jekyll_front_matter_categories(p ? p->value : YAML::Node(), s ? s->value : YAML::Node());
}

SiteReading site_reading(const Document& doc, const JekyllSite& site, const std::string& filesystem_path) {
  SiteReading r;
  r.site_root = site.root.generic_string();
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(filesystem_path, ec).lexically_normal();
  const std::filesystem::path base = site.collections_dir.empty() ? site.root : site.root / site.collections_dir;
  const std::filesystem::path rel = abs.lexically_relative(base);
  r.relative_path = rel.empty() || *rel.begin() == ".." ? abs.filename().generic_string() : rel.generic_string();
  r.collection = collection_of(r.relative_path);
  r.date = date_reading(doc, site);
  r.tags = front_matter_list(doc, "tags", "tag");
  PostFacts facts;
  facts.relative_path = r.relative_path;
  facts.date = scalar_of(doc, "date");
  facts.slug = scalar_of(doc, "slug");
  facts.permalink = scalar_of(doc, "permalink");
  facts.categories = front_matter_list(doc, "categories", "category");
  if (const auto post = jekyll_post(site, facts, 0)) {  // no `timezone:`: the build machine's, taken as UTC
    r.url = post->url;
    r.destination = post->destination;
    r.categories = post->categories;
  } else {
    r.categories = facts.categories;
  }
  return r;
}

void write_place(JsonWriter& w, const char* name, const InspectedPlace& p) {
  w.key(name).begin_object().key("line").value(p.line).key("column").value(p.column).end_object();
}

void write_spans(JsonWriter& w, const char* name, const std::vector<InspectedSpan>& spans) {
  w.key(name).begin_array();
  for (const auto& s : spans) {
    w.begin_object().key("kind").value(s.kind);
    write_place(w, "begin", s.begin);
    write_place(w, "end", s.end);
    w.key("text").value(s.text).end_object();
  }
  w.end_array();
}

}  // namespace

PostInspection inspect_document(const Document& doc, const JekyllSite* site, const std::string& filesystem_path) {
  PostInspection post;
  post.path = doc.path;
  if (site && site->found() && doc.readable && doc.front_matter.ok()) post.site = site_reading(doc, *site, filesystem_path);
  post.front_matter = doc.readable ? front_matter_state(doc.front_matter) : "unreadable: " + doc.read_error;
  for (const auto& k : doc.front_matter.keys)
    post.keys.push_back({k.name, doc.lines.line_of(k.key_offset), one_line_excerpt(value_text(k.value), 200)});
  post.body_line = doc.body_line();
  if (!doc.readable) return post;
  post.spans = body_spans(doc);
  const std::vector<AttributionRole> roles = attribution_roles(doc);
  for (std::size_t i = 0; i < doc.links.size(); ++i) {
    const Link& l = doc.links[i];
    // The attribution role where the link has one (source, back), else the link's own.
    const std::string_view role = roles[i] == AttributionRole::none ? to_string(l.role) : to_string(roles[i]);
    InspectedSpan s = span(doc, "link " + std::string(role), l.begin, l.end);
    s.text = one_line_excerpt(l.url, 200);
    post.links.push_back(std::move(s));
  }
  return post;
}

std::string render_inspection_text(const PostInspection& post) {
  std::string out = fmt::format("{}\n", post.path);
  const SiteReading& site = post.site;
  if (site.site_root.empty()) {
    out += "  site: none (no _config.yml above the post, or its front matter does not parse)\n";
  } else {
    out += fmt::format("  site: {}\n  collection: {} ({})\n  date: {}\n", site.site_root,
                       site.collection.empty() ? "none" : site.collection, site.relative_path, site.date);
    out += fmt::format("  url: {}\n  destination: {}\n", site.url.empty() ? "none (Jekyll writes no file)" : site.url,
                       site.destination.empty() ? "none" : site.destination);
    out += fmt::format("  categories: {}\n  tags: {}\n", fmt::join(site.categories, ", "), fmt::join(site.tags, ", "));
  }
  out += fmt::format("  front matter: {}\n", post.front_matter);
  for (const auto& k : post.keys) out += fmt::format("    {}:{} = {}\n", k.line, k.name, k.value);
  out += fmt::format("  body from line {}\n", post.body_line);
  auto list = [&](const char* title, const std::vector<InspectedSpan>& spans) {
    out += fmt::format("  {} ({}):\n", title, spans.size());
    for (const auto& s : spans)
      out += fmt::format("    {}:{}-{}:{} {}: {}\n", s.begin.line, s.begin.column, s.end.line, s.end.column, s.kind, s.text);
  };
  list("spans", post.spans);
  list("links", post.links);
  return out;
}

std::string render_inspection_json(const PostInspection& post) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("path").value(post.path);
  const SiteReading& site = post.site;
  if (site.site_root.empty()) {
    w.key("site").null();
  } else {
    w.key("site").begin_object().key("root").value(site.site_root).key("collection").value(site.collection);
    w.key("relative_path").value(site.relative_path).key("date").value(site.date);
    w.key("url").value(site.url).key("destination").value(site.destination);
    w.key("categories").begin_array();
    for (const auto& c : site.categories) w.value(c);
    w.end_array().key("tags").begin_array();
    for (const auto& t : site.tags) w.value(t);
    w.end_array().end_object();
  }
  w.key("front_matter").value(post.front_matter);
  w.key("keys").begin_array();
  for (const auto& k : post.keys) w.begin_object().key("name").value(k.name).key("line").value(k.line).key("value").value(k.value).end_object();
  w.end_array();
  w.key("body_line").value(post.body_line);
  write_spans(w, "spans", post.spans);
  write_spans(w, "links", post.links);
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace al
