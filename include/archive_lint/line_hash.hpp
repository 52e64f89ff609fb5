#pragma once
// GitHub code scanning's `primaryLocationLineHash`, computed the way the
// upload-sarif action does (a rolling hash of the 100 non-blank UTF-16 units
// from the start of each line, with an occurrence count), so that uploads
// through the API de-duplicate alerts like uploads through the action.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace al {

// Hashes for the wanted 1-based lines of a file's bytes (UTF-8).
std::map<std::uint32_t, std::string> github_line_hashes(std::string_view bytes, const std::vector<std::uint32_t>& wanted);

}  // namespace al
