#pragma once
// A post body reduced to what archive/duplicate-post compares: hashes of its
// words and a 64-bit simhash of its word shingles, so that the archive index
// keeps four numbers a post instead of the text.
#include <cstdint>
#include <string_view>
#include <vector>

namespace al {

struct BodyFingerprint {
  std::uint64_t exact = 0;    // hash of the token sequence: whitespace, line ends and indentation do not count
  std::uint64_t loose = 0;    // the same, of the words' letters and digits only, lower-cased: links and markup aside
  std::uint64_t simhash = 0;  // Charikar simhash of 4-word shingles of the loose words; 0 with fewer than 4
  std::uint32_t tokens = 0;   // words, and each CJK character (scripts written without spaces) as one
};

// Linear in the body's size; invalid UTF-8 bytes are tokens of their own.
BodyFingerprint fingerprint_body(std::string_view body);

// Bits in which two simhashes differ.
int simhash_distance(std::uint64_t a, std::uint64_t b);

// The body's fingerprint and, in the same pass, its distinct 4-word shingles
// of its words as written (links and numbers included), sorted; and the
// Jaccard similarity of two such sets (shared / all). The loose hash and the
// simhash find candidates; this measures them.
struct ShingledBody {
  BodyFingerprint fingerprint;
  std::vector<std::uint64_t> shingles;
};
ShingledBody shingle_body(std::string_view body);
double shingle_similarity(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

}  // namespace al
