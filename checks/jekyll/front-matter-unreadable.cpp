#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {
namespace {

// Tags that Jekyll 4's safe YAML loader refuses ("Tried to load unspecified class").
bool refused_tag(const std::string& tag) {
  if (tag.rfind("!ruby/", 0) == 0 || tag.rfind("tag:ruby.yaml.org,2002:", 0) == 0) return true;
  return tag == "tag:yaml.org,2002:set" || tag == "tag:yaml.org,2002:omap" || tag == "!!set" || tag == "!!omap";
}

class FrontMatterUnreadable final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "jekyll/front-matter-unreadable",
        "Front matter that parses as YAML but that Jekyll cannot load",
        "Jekyll 4 loads front matter with Psych's safe loader, which is stricter than plain YAML. Checked "
        "with Jekyll 4.3.1: a plain value starting with a colon (`title: :foo`, a Ruby Symbol), a "
        "`!ruby/...` tag, `!!set` or `!!omap` make it log `Error: could not read file ... Tried to load "
        "unspecified class` and carry on *without the front matter*: the post is published with no "
        "layout or title, dated at build time and at the wrong URL, and the build exits 0. An empty "
        "`date:` stops the build (`Invalid date ''`). Quote such values (`title: \":foo\"`). Syntax errors "
        "are front-matter/yaml-syntax's and calendar errors front-matter/date-invalid's.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    const FrontMatter& fm = doc.front_matter;
    if (!fm.ok() || !fm.root.IsMap()) return;
    const std::uint32_t first_line = doc.lines.line_of(fm.content_begin);
    auto offset_of = [&](const YAML::Mark& mark) -> std::size_t {
      if (mark.is_null() || mark.line < 0) return fm.content_begin;
      const std::uint32_t line = first_line + static_cast<std::uint32_t>(mark.line);
      const std::size_t start = doc.lines.line_start(line);
      return std::min(start + static_cast<std::size_t>(std::max(0, mark.column)), start + doc.line_text(line).size());
    };
    int reported = 0;
    std::set<std::pair<int, int>> seen;
    auto visit = [&](auto&& self, const YAML::Node& node, int depth) -> void {
      if (depth > 64 || reported > 10 || !first_visit(seen, node)) return;
      const std::string& tag = node.Tag();
      if (refused_tag(tag)) {
        const std::size_t at = offset_of(node.Mark());
        emit.report(at, line_end_at(doc, at),
                    fmt::format("tag '{}': Jekyll's safe YAML loader refuses it and publishes the post without its "
                                "front matter",
                                tag));
        ++reported;
        return;
      }
      if (node.IsScalar()) {
        const std::string& v = node.Scalar();
        if (tag == "?" && v.size() > 1 && v[0] == ':') {
          const std::size_t at = offset_of(node.Mark());
          emit.report(at, line_end_at(doc, at),
                      fmt::format("'{}' is a Ruby Symbol to Jekyll's YAML loader, which refuses it and publishes the "
                                  "post without its front matter; quote it: \"{}\"",
                                  v, v));
          ++reported;
        }
        return;
      }
      if (node.IsSequence()) {
        for (const auto& item : node) self(self, item, depth + 1);
      } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
          self(self, it->first, depth + 1);
          self(self, it->second, depth + 1);
        }
      }
    };
    try {
      visit(visit, fm.root, 0);
    } catch (const YAML::Exception&) {
    }
    if (const auto* key = fm.find("date")) {
      const bool empty = key->value.IsNull() || (key->value.IsScalar() && trim(key->value.Scalar()).empty());
      if (empty && doc.is_post()) {
        emit.report(key->key_offset, line_end_at(doc, key->key_offset),
                    "empty `date:`: `jekyll build` fails with \"Invalid date ''\"; give a date or remove the key");
      }
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_jekyll_front_matter_unreadable() { return std::make_unique<FrontMatterUnreadable>(); }
}  // namespace al::checks
