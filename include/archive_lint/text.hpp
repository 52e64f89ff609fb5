#pragma once
// Byte-level text helpers: UTF-8 validation and code point counting.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace al {

// Offset of the first byte that is not part of well-formed UTF-8, if any.
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);

struct ColumnCounts {
  std::uint32_t code_points = 0;
  std::uint32_t utf16_units = 0;
};
// Counts code points and UTF-16 units in a (valid or not) UTF-8 span; an
// invalid byte counts as one unit of each, like a replacement character.
ColumnCounts count_columns(std::string_view utf8);

// Appends the UTF-8 encoding of a code point (callers pass valid scalar values).
void append_utf8(std::string& out, std::uint32_t code_point);

std::string_view trim(std::string_view text);
bool starts_with_ci(std::string_view text, std::string_view prefix);
std::string to_lower_ascii(std::string_view text);

// Stable 64-bit FNV-1a, used for fingerprints and sharding; never changes.
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 14695981039346656037ULL);
std::string hex64(std::uint64_t value);

}  // namespace al
