#pragma once
// Byte-level text helpers: UTF-8 validation and code point counting.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Column counts at character boundaries about every `every` bytes of utf8:
// count_columns(utf8.substr(0, c.offset)) == c.counts for each, and counting on
// from c.offset gives the same as counting from 0. The first is {0, {}}.
struct ColumnCheckpoint {
  std::size_t offset = 0;
  ColumnCounts counts;
};
std::vector<ColumnCheckpoint> column_checkpoints(std::string_view utf8, std::size_t every);

// The first occurrence of a needle at or after a position, for a scan that
// asks with positions that mostly move forward: the answer is kept and
// reused while it still holds, so each byte is searched about once (a post
// of `{{{{...` or `<!--<!--...` would otherwise be searched to its end from
// every opener). Counts the bytes it searched into *steps when given.
class ForwardFind {
 public:
  ForwardFind(std::string_view haystack, std::string_view needle, std::uint64_t* steps = nullptr)
      : haystack_(haystack), needle_(needle), steps_(steps) {}
  std::size_t operator()(std::size_t from) {
    if (!asked_ || from < from_ || (at_ != std::string_view::npos && from > at_)) {
      asked_ = true;
      from_ = from;
      at_ = haystack_.find(needle_, from);
      if (steps_) *steps_ += (at_ == std::string_view::npos ? haystack_.size() : at_) - std::min(from, haystack_.size()) + 1;
    }
    return at_;
  }

 private:
  std::string_view haystack_, needle_;
  std::uint64_t* steps_;
  bool asked_ = false;
  std::size_t from_ = 0, at_ = std::string_view::npos;
};

// Appends the UTF-8 encoding of a code point (callers pass valid scalar values).
void append_utf8(std::string& out, std::uint32_t code_point);
// Length of the well-formed UTF-8 sequence starting at text[i], or 0 if it is not one.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);
struct DecodedCodePoint {
  char32_t code_point;  // for a byte that starts no well-formed sequence: the byte's value
  std::size_t length;   // bytes read: 1 for such a byte
  bool valid;
};
// decode_utf8_at for a lead byte of 0x80 and above.
DecodedCodePoint decode_non_ascii_utf8_at(std::string_view text, std::size_t i);
// The code point at text[i] (i < text.size()): the one UTF-8 decoder of the
// tool, so every reader agrees on what is a character. ASCII is decided
// inline: the body fingerprint asks this of nearly every byte of every post.
inline DecodedCodePoint decode_utf8_at(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return {lead, 1, true};
  return decode_non_ascii_utf8_at(text, i);
}
// The text as JSON output writes it (json_escape): each byte that starts no
// well-formed sequence becomes U+FFFD. A reader that caps a field's length
// caps this, so what it keeps is what it will write.
std::string with_replacement_characters(std::string text);  // unchanged (moved) when valid

std::string_view trim(std::string_view text);
bool starts_with_ci(std::string_view text, std::string_view prefix);
std::string to_lower_ascii(std::string_view text);

// Stable 64-bit FNV-1a, used for fingerprints and sharding; never changes.
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 14695981039346656037ULL);
std::string hex64(std::uint64_t value);

}  // namespace al
