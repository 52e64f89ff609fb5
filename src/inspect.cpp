// archive-lint inspect: the Document as the checks see it, in words or JSON.
#include "archive_lint/inspect.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "archive_lint/json.hpp"
#include "archive_lint/liquid.hpp"
#include "archive_lint/markdown.hpp"

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

PostInspection inspect_document(const Document& doc) {
  PostInspection post;
  post.path = doc.path;
  post.front_matter = doc.readable ? front_matter_state(doc.front_matter) : "unreadable: " + doc.read_error;
  for (const auto& k : doc.front_matter.keys)
    post.keys.push_back({k.name, doc.lines.line_of(k.key_offset), one_line_excerpt(value_text(k.value), 200)});
  post.body_line = doc.body_line();
  if (!doc.readable) return post;
  post.spans = body_spans(doc);
  for (const auto& l : doc.links) {
    InspectedSpan s = span(doc, "link " + std::string(to_string(l.role)), l.begin, l.end);
    s.text = one_line_excerpt(l.url, 200);
    post.links.push_back(std::move(s));
  }
  return post;
}

std::string render_inspection_text(const PostInspection& post) {
  std::string out = fmt::format("{}\n  front matter: {}\n", post.path, post.front_matter);
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
  w.begin_object().key("path").value(post.path).key("front_matter").value(post.front_matter);
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
