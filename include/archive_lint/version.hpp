#pragma once
namespace al {
// The release, from CMake's project(VERSION): what packages and the man page carry.
inline constexpr const char* kRelease = ARCHIVE_LINT_VERSION;
// The release and, in a build from a git checkout, `git describe` in parentheses,
// e.g. "0.1.0 (v0.1.0-4-g1a2b3c4-dirty)": what --version, SARIF and JSON report.
// Defined in a file generated at build time (cmake/version.cmake).
extern const char* const kVersion;
inline constexpr const char* kHomepage = "https://github.com/archive-lint/archive-lint";
}  // namespace al
