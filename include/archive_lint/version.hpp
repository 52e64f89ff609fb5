#pragma once
namespace al {
inline constexpr const char* kVersion = ARCHIVE_LINT_VERSION;
inline constexpr const char* kHomepage = "https://github.com/archive-lint/archive-lint";
}  // namespace al
