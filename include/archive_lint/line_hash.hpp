#pragma once
// GitHub code scanning's `primaryLocationLineHash`, computed the way the
// upload-sarif action does (a rolling hash of the 100 non-blank UTF-16 units
// from the start of each line, with an occurrence count), so that uploads
// through the API de-duplicate alerts like uploads through the action.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace al {

// Hashes for the wanted 1-based lines of a file's bytes (UTF-8).
std::map<std::uint32_t, std::string> github_line_hashes(std::string_view bytes, const std::vector<std::uint32_t>& wanted);

struct Diagnostic;

// Fills Diagnostic::line_hash of findings that all lie in the file of these
// bytes (line 0, a whole-file finding, takes line 1's hash). Every stage that
// makes findings on a file calls it, so that every SARIF result carries one.
void set_line_hashes(std::string_view bytes, std::span<Diagnostic* const> findings);
void set_line_hashes(std::string_view bytes, std::span<Diagnostic> findings);

}  // namespace al
