#include "archive_lint/line_hash.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <unordered_map>

#include "archive_lint/diagnostic.hpp"

namespace al {

namespace {

constexpr int kBlockSize = 100;
constexpr std::uint64_t kMod = 37;
constexpr std::uint32_t kEof = 65535;

class RollingHasher {
 public:
  explicit RollingHasher(const std::vector<std::uint32_t>& wanted) : wanted_(wanted.begin(), wanted.end()) {
    std::sort(wanted_.begin(), wanted_.end());
    wanted_.erase(std::unique(wanted_.begin(), wanted_.end()), wanted_.end());
    first_mod_ = 1;
    for (int i = 0; i < kBlockSize; ++i) first_mod_ *= kMod;  // wraps like a 64-bit Long
    line_numbers_.fill(-1);
    window_.fill(0);
  }

  void feed(std::uint32_t unit) {
    if (unit == ' ' || unit == '\t' || (prev_cr_ && unit == '\n')) {
      prev_cr_ = false;
      return;
    }
    if (unit == '\r') {
      unit = '\n';
      prev_cr_ = true;
    } else {
      prev_cr_ = false;
    }
    if (line_numbers_[index_] != -1) output();
    if (line_start_) {
      line_start_ = false;
      ++line_number_;
      line_numbers_[index_] = line_number_;
    }
    if (unit == '\n') line_start_ = true;
    update(unit);
  }

  // Every wanted line has its hash: a line's hash and count depend only on
  // the lines before it, so the rest of the file need not be read.
  bool complete() const { return result_.size() == wanted_.size(); }
  std::map<std::uint32_t, std::string> take() { return std::move(result_); }

  std::map<std::uint32_t, std::string> finish() {
    feed(kEof);
    for (int i = 0; i < kBlockSize; ++i) {
      if (line_numbers_[index_] != -1) output();
      update(0);
    }
    return std::move(result_);
  }

 private:
  void update(std::uint32_t unit) {
    const std::uint64_t begin = window_[index_];
    window_[index_] = unit;
    hash_ = kMod * hash_ + unit - first_mod_ * begin;
    index_ = (index_ + 1) % kBlockSize;
  }

  // Counted by the hash's value, and spelt out only for the wanted lines:
  // every line of a file is counted, few are wanted.
  void output() {
    const unsigned count = ++counts_[hash_];
    const auto line = static_cast<std::uint32_t>(line_numbers_[index_]);
    if (std::binary_search(wanted_.begin(), wanted_.end(), line)) {
      char buf[20];
      std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(hash_));
      result_[line] = std::string(buf) + ":" + std::to_string(count);
    }
    line_numbers_[index_] = -1;
  }

  std::vector<std::uint32_t> wanted_;
  std::array<std::uint64_t, kBlockSize> window_{};
  std::array<std::int64_t, kBlockSize> line_numbers_{};
  std::uint64_t hash_ = 0;
  std::uint64_t first_mod_ = 1;
  int index_ = 0;
  std::int64_t line_number_ = 0;
  bool line_start_ = true;
  bool prev_cr_ = false;
  std::unordered_map<std::uint64_t, unsigned> counts_;
  std::map<std::uint32_t, std::string> result_;
};

}  // namespace

std::map<std::uint32_t, std::string> github_line_hashes(std::string_view bytes, const std::vector<std::uint32_t>& wanted) {
  RollingHasher hasher(wanted);
  // Node reads the file as UTF-8 and hashes UTF-16 code units; a malformed
  // byte becomes U+FFFD.
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    std::uint32_t cp = 0xFFFD;
    std::size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
      if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    } else if (c >= 0xF0 && c <= 0xF4 && i + 3 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
               (s[i + 3] & 0xC0) == 0x80) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
      len = 4;
      if (cp < 0x10000 || cp > 0x10FFFF) cp = 0xFFFD;
    }
    if (cp >= 0x10000 && cp != 0xFFFD) {
      cp -= 0x10000;
      hasher.feed(0xD800 + (cp >> 10));
      hasher.feed(0xDC00 + (cp & 0x3FF));
    } else {
      hasher.feed(cp);
    }
    i += len;
    if (hasher.complete()) return hasher.take();
  }
  return hasher.finish();
}

void set_line_hashes(std::string_view bytes, std::span<Diagnostic* const> findings) {
  if (findings.empty()) return;
  // Hash only the lines that carry findings; most files have none.
  std::vector<std::uint32_t> lines;
  lines.reserve(findings.size());
  for (const Diagnostic* d : findings) lines.push_back(std::max<std::uint32_t>(1, d->start.line));
  const auto hashes = github_line_hashes(bytes, lines);
  for (Diagnostic* d : findings) {
    if (auto it = hashes.find(std::max<std::uint32_t>(1, d->start.line)); it != hashes.end()) d->line_hash = it->second;
  }
}

void set_line_hashes(std::string_view bytes, std::span<Diagnostic> findings) {
  std::vector<Diagnostic*> each;
  each.reserve(findings.size());
  for (auto& d : findings) each.push_back(&d);
  set_line_hashes(bytes, each);
}

}  // namespace al
