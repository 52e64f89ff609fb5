// The one place where checks are registered. Adding a check: write
// checks/<family>/<name>.cpp with a make_* factory, declare it and list it here,
// and add docs/checks/<family>/<name>.md (a test enforces the page).
#include "archive_lint/registry.hpp"

#include <algorithm>

namespace al {
namespace checks {
std::unique_ptr<Check> make_io_unreadable();
std::unique_ptr<Check> make_io_empty_file();
std::unique_ptr<Check> make_encoding_invalid_utf8();
std::unique_ptr<Check> make_encoding_nul_byte();
std::unique_ptr<Check> make_front_matter_missing();
std::unique_ptr<Check> make_front_matter_not_at_start();
std::unique_ptr<Check> make_front_matter_unterminated();
std::unique_ptr<Check> make_front_matter_yaml_syntax();
std::unique_ptr<Check> make_front_matter_duplicate_key();
std::unique_ptr<Check> make_front_matter_required_fields();
std::unique_ptr<Check> make_front_matter_field_types();
std::unique_ptr<Check> make_front_matter_date_format();
std::unique_ptr<Check> make_front_matter_date_invalid();
std::unique_ptr<Check> make_front_matter_filename_date();
std::unique_ptr<Check> make_front_matter_filename_skipped();
std::unique_ptr<Check> make_html_unclosed_element();
std::unique_ptr<Check> make_html_stray_end_tag();
std::unique_ptr<Check> make_html_misnested();
std::unique_ptr<Check> make_html_duplicate_attribute();
std::unique_ptr<Check> make_html_unterminated_comment();
std::unique_ptr<Check> make_html_invalid_character_reference();
std::unique_ptr<Check> make_html_tokenizer_error();
std::unique_ptr<Check> make_html_void_end_tag();
std::unique_ptr<Check> make_html_implicitly_closed();
std::unique_ptr<Check> make_html_disallowed_element();
std::unique_ptr<Check> make_html_disallowed_attribute();
std::unique_ptr<Check> make_links_malformed();
std::unique_ptr<Check> make_links_dead();
std::unique_ptr<Check> make_links_forbidden();
std::unique_ptr<Check> make_links_unreachable();
std::unique_ptr<Check> make_links_server_error();
std::unique_ptr<Check> make_links_redirect_loop();
std::unique_ptr<Check> make_links_redirect();
std::unique_ptr<Check> make_links_blocked_address();
std::unique_ptr<Check> make_links_protocol_relative();
std::unique_ptr<Check> make_attribution_marker_missing();
std::unique_ptr<Check> make_attribution_marker_repeated();
std::unique_ptr<Check> make_attribution_marker_position();
std::unique_ptr<Check> make_attribution_source_mismatch();
std::unique_ptr<Check> make_attribution_backlink_mismatch();
std::unique_ptr<Check> make_attribution_source_link_missing();
std::unique_ptr<Check> make_archive_duplicate_post();
std::unique_ptr<Check> make_archive_permalink_collision();
std::unique_ptr<Check> make_archive_singleton_category();
std::unique_ptr<Check> make_jekyll_liquid_syntax();
std::unique_ptr<Check> make_jekyll_future_date();
std::unique_ptr<Check> make_jekyll_front_matter_unreadable();
std::unique_ptr<Check> make_internal_check_failed();
}  // namespace checks

namespace {
const CheckFactory kFactories[] = {
    checks::make_io_unreadable,
    checks::make_io_empty_file,
    checks::make_encoding_invalid_utf8,
    checks::make_encoding_nul_byte,
    checks::make_front_matter_missing,
    checks::make_front_matter_not_at_start,
    checks::make_front_matter_unterminated,
    checks::make_front_matter_yaml_syntax,
    checks::make_front_matter_duplicate_key,
    checks::make_front_matter_required_fields,
    checks::make_front_matter_field_types,
    checks::make_front_matter_date_format,
    checks::make_front_matter_date_invalid,
    checks::make_front_matter_filename_date,
    checks::make_front_matter_filename_skipped,
    checks::make_html_unclosed_element,
    checks::make_html_stray_end_tag,
    checks::make_html_misnested,
    checks::make_html_duplicate_attribute,
    checks::make_html_unterminated_comment,
    checks::make_html_invalid_character_reference,
    checks::make_html_tokenizer_error,
    checks::make_html_void_end_tag,
    checks::make_html_implicitly_closed,
    checks::make_html_disallowed_element,
    checks::make_html_disallowed_attribute,
    checks::make_links_malformed,
    checks::make_links_dead,
    checks::make_links_forbidden,
    checks::make_links_unreachable,
    checks::make_links_server_error,
    checks::make_links_redirect_loop,
    checks::make_links_redirect,
    checks::make_links_blocked_address,
    checks::make_links_protocol_relative,
    checks::make_attribution_marker_missing,
    checks::make_attribution_marker_repeated,
    checks::make_attribution_marker_position,
    checks::make_attribution_source_mismatch,
    checks::make_attribution_backlink_mismatch,
    checks::make_attribution_source_link_missing,
    checks::make_archive_duplicate_post,
    checks::make_archive_permalink_collision,
    checks::make_archive_singleton_category,
    checks::make_jekyll_liquid_syntax,
    checks::make_jekyll_future_date,
    checks::make_jekyll_front_matter_unreadable,
    checks::make_internal_check_failed,
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
