// The one place where checks are registered. Adding a check: scripts/add-check
// FAMILY/NAME writes checks/<family>/<name>.cpp with its make_* factory, its docs
// page and fixtures, and adds its line to ARCHIVE_LINT_CHECKS below
// (docs/contributing.md).
#include "archive_lint/registry.hpp"

#include <algorithm>

namespace al {

// Every check, one line each: X(family_name) for checks/<family>/<name>.cpp's
// make_<family>_<name>() (scripts/add-check adds the line).
#define ARCHIVE_LINT_CHECKS(X) \
  X(io_unreadable) \
  X(io_empty_file) \
  X(encoding_invalid_utf8) \
  X(encoding_nul_byte) \
  X(front_matter_missing) \
  X(front_matter_not_at_start) \
  X(front_matter_unterminated) \
  X(front_matter_yaml_syntax) \
  X(front_matter_duplicate_key) \
  X(front_matter_required_fields) \
  X(front_matter_field_types) \
  X(front_matter_date_format) \
  X(front_matter_date_invalid) \
  X(front_matter_filename_date) \
  X(front_matter_filename_skipped) \
  X(html_unclosed_element) \
  X(html_stray_end_tag) \
  X(html_misnested) \
  X(html_duplicate_attribute) \
  X(html_unterminated_comment) \
  X(html_invalid_character_reference) \
  X(html_tokenizer_error) \
  X(html_void_end_tag) \
  X(html_implicitly_closed) \
  X(html_disallowed_element) \
  X(html_disallowed_attribute) \
  X(links_malformed) \
  X(links_dead) \
  X(links_forbidden) \
  X(links_unreachable) \
  X(links_server_error) \
  X(links_redirect_loop) \
  X(links_redirect) \
  X(links_blocked_address) \
  X(links_protocol_relative) \
  X(attribution_marker_missing) \
  X(attribution_marker_repeated) \
  X(attribution_marker_position) \
  X(attribution_source_mismatch) \
  X(attribution_backlink_mismatch) \
  X(attribution_source_link_missing) \
  X(archive_duplicate_post) \
  X(archive_permalink_collision) \
  X(archive_singleton_category) \
  X(jekyll_liquid_syntax) \
  X(jekyll_future_date) \
  X(jekyll_front_matter_unreadable) \
  X(internal_check_failed) \
  X(jekyll_liquid_in_code)

namespace checks {
#define ARCHIVE_LINT_DECLARE(name) std::unique_ptr<Check> make_##name();
ARCHIVE_LINT_CHECKS(ARCHIVE_LINT_DECLARE)
#undef ARCHIVE_LINT_DECLARE
}  // namespace checks

namespace {
const CheckFactory kFactories[] = {
#define ARCHIVE_LINT_FACTORY(name) checks::make_##name,
    ARCHIVE_LINT_CHECKS(ARCHIVE_LINT_FACTORY)
#undef ARCHIVE_LINT_FACTORY
};
}  // namespace

const std::vector<RegisteredCheck>& registry() {
  static const std::vector<RegisteredCheck> all = [] {
    std::vector<RegisteredCheck> out;
    for (const auto& make : kFactories) out.push_back({make()->meta(), make});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.meta.id < b.meta.id; });
    return out;
  }();
  return all;
}

const RegisteredCheck* find_check(std::string_view id) {
  for (const auto& c : registry()) {
    if (c.meta.id == id) return &c;
  }
  return nullptr;
}

}  // namespace al
