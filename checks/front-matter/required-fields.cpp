#include <fmt/format.h>

#include "../common.hpp"
#include "archive_lint/text.hpp"

namespace al::checks {

// Shared with field-types: a value that says nothing (null, "", [], {}).
bool front_matter_value_is_empty(const YAML::Node& value) {
  if (!value.IsDefined() || value.IsNull()) return true;
  if (value.IsScalar()) return trim(value.Scalar()).empty();
  return value.size() == 0;
}

namespace {

class RequiredFields final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "front-matter/required-fields",
        "A required front-matter field is missing or empty",
        "Lists the front-matter keys every post must have, with a non-empty value. Jekyll itself needs "
        "none (the `jekyll` preset requires nothing); an archive's layouts and feeds usually do: the "
        "`news-archive` preset requires `layout`, `title`, `date`, `categories` and `tags`. A missing key "
        "is reported at the opening `---`; an empty one (`title: \"\"`, `tags: []`, `title:`) at its value.",
        Severity::error,
        {{"fields", "string-list", "[]", "keys that must be present with a non-empty value"}}};
    return m;
  }
  void configure(const YAML::Node& options) override { fields_ = option_string_list(options, "fields", {}); }
  void check(const Document& doc, Emitter& emit) const override {
    const FrontMatter& fm = doc.front_matter;
    if (!fm.ok()) return;
    for (const auto& field : fields_) {
      const FrontMatterKey* key = fm.find(field);
      if (!key) {
        emit.report(fm.open_offset, fm.open_offset + 3, fmt::format("required front-matter field '{}' is missing", field));
      } else if (front_matter_value_is_empty(key->value)) {
        const auto [b, e] = value_span(doc, *key);
        emit.report(key->key_offset, std::max(e, b), fmt::format("required front-matter field '{}' is empty", field));
      }
    }
  }

 private:
  std::vector<std::string> fields_;
};

}  // namespace
std::unique_ptr<Check> make_front_matter_required_fields() { return std::make_unique<RequiredFields>(); }
}  // namespace al::checks
