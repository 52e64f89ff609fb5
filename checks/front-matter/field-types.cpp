#include <fmt/format.h>

#include <map>

#include "../common.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {

bool front_matter_value_is_empty(const YAML::Node& value);

namespace {

// Plain scalars that Ruby's YAML 1.1 loader (Jekyll's) turns into booleans.
bool yaml11_boolean(const YAML::Node& node) {
  if (!node.IsScalar() || node.Tag() != "?") return false;
  const std::string v = to_lower_ascii(node.Scalar());
  return v == "true" || v == "false" || v == "yes" || v == "no" || v == "on" || v == "off";
}

bool plain_integer(const YAML::Node& node) {
  if (!node.IsScalar() || node.Tag() != "?") return false;
  std::string_view v = node.Scalar();
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  return !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
}

const char* const kTypes[] = {"string", "string-or-list", "list", "integer", "boolean", "map", "any"};

class FieldTypes final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/field-types",
        "A front-matter field has the wrong type",
        "Checks the YAML type of each listed key. Types: `string` (a scalar that Jekyll will read as text: "
        "`title: yes` becomes the boolean true in Ruby's YAML, so it is reported), `string-or-list` (a "
        "scalar or a list of scalars, as Jekyll accepts for `categories` and `tags`), `list`, `integer`, "
        "`boolean`, `map` and `any`. Empty values are left to front-matter/required-fields, except that an "
        "empty item in a list is reported here. The default checks `title`, `layout`, `categories` and `tags`.",
        Severity::error,
        {{"types", "map", "{title: string, layout: string, categories: string-or-list, tags: string-or-list}",
          "key -> type"}}};
    return m;
  }
  void configure(const YAML::Node& options) override {
    const YAML::Node types = options["types"];
    if (!types.IsDefined() || types.IsNull()) {
      types_ = {{"title", "string"}, {"layout", "string"}, {"categories", "string-or-list"}, {"tags", "string-or-list"}};
      return;
    }
    if (!types.IsMap()) throw OptionError("option 'types' must map field names to types", types.Mark());
    types_.clear();
    for (auto it = types.begin(); it != types.end(); ++it) {
      const std::string type = it->second.IsScalar() ? it->second.Scalar() : "";
      if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes))
        throw OptionError(fmt::format("unknown type '{}' for '{}' (types: string, string-or-list, list, "
                                      "integer, boolean, map, any)",
                                      type, it->first.Scalar()),
                          it->second.Mark());
      types_.emplace_back(it->first.Scalar(), type);
    }
  }
  void check(const Document& doc, Emitter& emit) const override {
    const FrontMatter& fm = doc.front_matter;
    if (!fm.ok()) return;
    for (const auto& [field, type] : types_) {
      const FrontMatterKey* key = fm.find(field);
      if (!key || front_matter_value_is_empty(key->value)) continue;
      const std::string problem = mismatch(key->value, type);
      if (problem.empty()) continue;
      const auto [b, e] = value_span(doc, *key);
      emit.report(b, e, fmt::format("front-matter field '{}' {}", field, problem));
    }
  }

 private:
  static std::string kind(const YAML::Node& n) {
    if (n.IsSequence()) return "a list";
    if (n.IsMap()) return "a mapping";
    return "a scalar";
  }
  static std::string mismatch(const YAML::Node& v, const std::string& type) {
    if (type == "any") return {};
    if (type == "string") {
      if (!v.IsScalar()) return "must be a string, not " + kind(v);
      if (yaml11_boolean(v)) return "reads as a boolean in Jekyll's YAML; quote it to keep it a string";
      return {};
    }
    if (type == "string-or-list") {
      if (v.IsScalar()) return {};
      if (!v.IsSequence()) return "must be a string or a list of strings, not " + kind(v);
      for (const auto& item : v) {
        if (!item.IsScalar()) return "must be a list of strings, but an item is " + kind(item);
        if (trim(item.Scalar()).empty()) return "has an empty item";
      }
      return {};
    }
    if (type == "list") return v.IsSequence() ? std::string() : "must be a list, not " + kind(v);
    if (type == "map") return v.IsMap() ? std::string() : "must be a mapping, not " + kind(v);
    if (type == "integer") return plain_integer(v) ? std::string() : "must be an integer";
    if (type == "boolean") {
      bool b = false;
      return v.IsScalar() && YAML::convert<bool>::decode(v, b) ? std::string() : "must be true or false";
    }
    return {};
  }
  std::vector<std::pair<std::string, std::string>> types_;
};

}  // namespace
std::unique_ptr<Check> make_front_matter_field_types() { return std::make_unique<FieldTypes>(); }
}  // namespace al::checks
