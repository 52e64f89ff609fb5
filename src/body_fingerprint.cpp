#include "archive_lint/body_fingerprint.hpp"

#include <algorithm>
#include <array>
#include <bit>

#include "archive_lint/text.hpp"

namespace al {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: spreads every input bit
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr std::uint64_t kSeed = 0x9e3779b97f4a7c15ULL;

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Scripts written without spaces (CJK, kana, Hangul, fullwidth forms): each
// character is a word, or a Chinese post would be one token per paragraph.
bool is_ideographic(std::uint32_t cp) {
  return (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) ||
         (cp >= 0xff00 && cp <= 0xffef) || (cp >= 0x20000 && cp <= 0x3ffff);
}

// The loose hash of a word: its letters and digits only (ASCII lower-cased, any
// non-ASCII character kept), so `[text](https://a/1)`, `<b>Text</b>,` and `text`
// agree; 0 when nothing is left (a link, a lone `-`), and the word is dropped.
// Digits stay: release notes that differ in their version numbers only are
// different posts.
std::uint64_t loose_hash(std::string_view word) {
  if (word.find("://") != std::string_view::npos) {
    const auto destination = word.find("](");  // a Markdown link's text stays, its URL goes
    if (destination == std::string_view::npos) return 0;
    word = word.substr(0, destination);
  }
  std::uint64_t h = 0;
  bool any = false;
  bool in_tag = false;
  for (unsigned char c : word) {
    if (c == '<') in_tag = true;
    else if (c == '>') in_tag = false;
    if (in_tag || c == '>') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      h = (h ^ c) * kFnvPrime;
      any = true;
    }
  }
  return any ? mix(h + 1) : 0;
}

class Shingler {
 public:
  explicit Shingler(std::vector<std::uint64_t>* shingles = nullptr) : shingles_(shingles) {}
  void add(std::string_view raw, std::uint64_t loose) {
    ++tokens_;
    std::uint64_t h = kSeed;
    for (unsigned char c : raw) h = (h ^ c) * kFnvPrime;
    exact_ = mix(exact_ ^ h);
    if (shingles_) collect_raw(mix(h));
    if (loose == 0) return;
    loose_ = mix(loose_ ^ loose);
    window_[loose_tokens_++ % window_.size()] = loose;
    if (loose_tokens_ < window_.size()) return;
    std::uint64_t s = 0;
    for (std::size_t k = 0; k < window_.size(); ++k) s = mix(s ^ window_[(loose_tokens_ + k) % window_.size()]);
    for (int bit = 0; bit < 64; ++bit) weights_[bit] += (s >> bit) & 1 ? 1 : -1;
  }
  BodyFingerprint result() const {
    BodyFingerprint f;
    f.exact = exact_;
    f.loose = loose_;
    f.tokens = tokens_ > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(tokens_);
    if (loose_tokens_ >= window_.size()) {
      for (int bit = 0; bit < 64; ++bit) f.simhash |= weights_[bit] > 0 ? (1ULL << bit) : 0;
    }
    return f;
  }

 private:
  // Shingles of the words as written (links and numbers included), for
  // shingle_similarity: what a reader would call the same text.
  void collect_raw(std::uint64_t word) {
    raw_window_[raw_tokens_++ % raw_window_.size()] = word;
    if (raw_tokens_ < raw_window_.size()) return;
    std::uint64_t s = 0;
    for (std::size_t k = 0; k < raw_window_.size(); ++k) s = mix(s ^ raw_window_[(raw_tokens_ + k) % raw_window_.size()]);
    shingles_->push_back(s);
  }

  std::vector<std::uint64_t>* shingles_;
  std::array<std::uint64_t, 4> raw_window_{};
  std::uint64_t raw_tokens_ = 0;
  std::array<std::uint64_t, 4> window_{};
  std::array<long long, 64> weights_{};
  std::uint64_t exact_ = kSeed, loose_ = kSeed;
  std::uint64_t tokens_ = 0, loose_tokens_ = 0;
};

BodyFingerprint fingerprint(std::string_view body, std::vector<std::uint64_t>* collected) {
  Shingler shingles(collected);
  std::size_t word_start = std::string_view::npos;
  auto end_word = [&](std::size_t at) {
    if (word_start == std::string_view::npos) return;
    const std::string_view word = body.substr(word_start, at - word_start);
    shingles.add(word, loose_hash(word));
    word_start = std::string_view::npos;
  };
  for (std::size_t i = 0; i < body.size();) {
    const auto c = static_cast<unsigned char>(body[i]);
    if (is_space(c)) {
      end_word(i);
      ++i;
      continue;
    }
    const DecodedCodePoint decoded = decode_utf8_at(body, i);
    const std::uint32_t cp = decoded.code_point;
    const std::size_t n = decoded.length;
    if (cp == 0x3000) {  // the ideographic space
      end_word(i);
    } else if (is_ideographic(cp)) {
      end_word(i);
      const std::string_view ch = body.substr(i, n);
      const bool punctuation = (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xff00 && cp <= 0xffef);  // 。、「」（），
      shingles.add(ch, punctuation ? 0 : loose_hash(ch));
    } else if (word_start == std::string_view::npos) {
      word_start = i;
    }
    i += n;
  }
  end_word(body.size());
  return shingles.result();
}

}  // namespace

BodyFingerprint fingerprint_body(std::string_view body) { return fingerprint(body, nullptr); }

ShingledBody shingle_body(std::string_view body) {
  ShingledBody out;
  out.fingerprint = fingerprint(body, &out.shingles);
  std::sort(out.shingles.begin(), out.shingles.end());
  out.shingles.erase(std::unique(out.shingles.begin(), out.shingles.end()), out.shingles.end());
  return out;
}

double shingle_similarity(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  std::size_t shared = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) ++shared, ++i, ++j;
    else if (a[i] < b[j]) ++i;
    else ++j;
  }
  return static_cast<double>(shared) / static_cast<double>(a.size() + b.size() - shared);
}

int simhash_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

}  // namespace al
