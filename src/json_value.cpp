#include "archive_lint/json_value.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "archive_lint/io.hpp"
#include "archive_lint/json.hpp"
#include "archive_lint/text.hpp"

namespace al {

std::optional<std::int64_t> JsonValue::as_int() const {
  if (auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  const auto* d = std::get_if<double>(&v_);
  // A cast outside [-2^63, 2^63) is undefined. -2^63 itself is left out too: as a
  // double it may be -9223372036854775809 rounded (what strtoll rejected).
  if (!d || !std::isfinite(*d) || std::trunc(*d) != *d || *d <= -9223372036854775808.0 || *d >= 9223372036854775808.0)
    return std::nullopt;
  return static_cast<std::int64_t>(*d);
}

std::string_view JsonValue::kind() const {
  if (is_null()) return "null";
  if (is_bool()) return "true or false";
  if (is_number()) return "a number";
  if (is_string()) return "a string";
  if (is_array()) return "an array";
  return "an object";
}

double JsonValue::as_double() const {
  if (auto* d = std::get_if<double>(&v_)) return *d;
  return static_cast<double>(std::get<std::int64_t>(v_));
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

JsonValue* JsonValue::find(std::string_view key) {
  if (!is_object()) return nullptr;
  for (auto& [k, v] : as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

void JsonValue::set(std::string key, JsonValue value) {
  if (!is_object()) v_ = Object{};
  if (JsonValue* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  as_object().emplace_back(std::move(key), std::move(value));
}

std::string JsonValue::get_string(std::string_view key, std::string fallback) const {
  const JsonValue* v = find(key);
  if (v && v->is_string()) return v->as_string();
  return fallback;
}

std::string JsonValue::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  if (indent > 0) out.push_back('\n');
  return out;
}

void JsonValue::dump_to(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent <= 0) return;
    out.push_back('\n');
    out.append(static_cast<std::size_t>(d) * static_cast<std::size_t>(indent), ' ');
  };
  if (is_null()) {
    out += "null";
  } else if (is_bool()) {
    out += as_bool() ? "true" : "false";
  } else if (auto* i = std::get_if<std::int64_t>(&v_)) {
    out += std::to_string(*i);
  } else if (auto* d = std::get_if<double>(&v_)) {
    if (!std::isfinite(*d)) {
      out += "null";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", *d);
      out += buf;
    }
  } else if (is_string()) {
    out += json_escape(as_string());
  } else if (is_array()) {
    const auto& a = as_array();
    out.push_back('[');
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (k) out.push_back(',');
      newline(depth + 1);
      a[k].dump_to(out, indent, depth + 1);
    }
    if (!a.empty()) newline(depth);
    out.push_back(']');
  } else {
    const auto& o = as_object();
    out.push_back('{');
    for (std::size_t k = 0; k < o.size(); ++k) {
      if (k) out.push_back(',');
      newline(depth + 1);
      out += json_escape(o[k].first);
      out += indent > 0 ? ": " : ":";
      o[k].second.dump_to(out, indent, depth + 1);
    }
    if (!o.empty()) newline(depth);
    out.push_back('}');
  }
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text, std::string_view stream_key = {}, const JsonMemberFn* on_member = nullptr)
      : s_(text), stream_key_(stream_key), on_member_(on_member) {}

  JsonValue parse_document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    JsonValue v = value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    const auto [line, col] = json_line_column(s_, pos_);
    throw JsonParseError(what, line, col);
  }

  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  bool consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  JsonValue value(int depth) {
    skip_ws();
    const std::size_t start = pos_;
    JsonValue v = bare_value(depth);
    v.set_offset(start);
    return v;
  }

  JsonValue bare_value(int depth) {
    if (depth > 512) fail("JSON nests too deeply");
    if (pos_ >= s_.size()) fail("unexpected end of input");
    const char c = s_[pos_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return JsonValue(string());
    if (consume("true")) return JsonValue(true);
    if (consume("false")) return JsonValue(false);
    if (consume("null")) return JsonValue(nullptr);
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    fail(std::string("unexpected character '") + c + "'");
  }

  // `{...}`: calls on_member(key) with the position at each member's value,
  // which on_member parses.
  template <typename OnMember>
  void members(OnMember&& on_member) {
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string key");
      std::string key = string();
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') fail("expected ':'");
      ++pos_;
      on_member(std::move(key));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return;
      }
      fail("expected ',' or '}'");
    }
  }

  JsonValue object(int depth) {
    JsonValue::Object out;
    members([&](std::string key) {
      skip_ws();
      if (depth == 0 && on_member_ && key == stream_key_ && pos_ < s_.size() && s_[pos_] == '{') {
        // Streamed: each member goes to on_member_ and is not kept.
        members([&](std::string inner) { (*on_member_)(std::move(inner), value(depth + 2)); });
        out.emplace_back(std::move(key), JsonValue(JsonValue::Object{}));
      } else {
        out.emplace_back(std::move(key), value(depth + 1));
      }
    });
    return JsonValue(std::move(out));
  }

  JsonValue array(int depth) {
    ++pos_;
    JsonValue::Array items;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return JsonValue(std::move(items));
    }
    for (;;) {
      items.push_back(value(depth + 1));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return JsonValue(std::move(items));
      }
      fail("expected ',' or ']'");
    }
  }


  std::uint32_t hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
      else fail("bad \\u escape");
    }
    return v;
  }

  std::string string() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      // Plain characters in one append: a link cache is mostly URLs, and a
      // push_back per character was a third of its load time.
      const std::size_t plain = pos_;
      while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\\' && static_cast<unsigned char>(s_[pos_]) >= 0x20)
        ++pos_;
      out.append(s_.substr(plain, pos_ - plain));
      if (pos_ >= s_.size()) fail("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) fail("unterminated string");
      const char e = s_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            const std::uint32_t low = hex4();
            if (low >= 0xDC00 && low <= 0xDFFF) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            else cp = 0xFFFD;
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          append_utf8(out, cp);
          break;
        }
        default: fail(std::string("bad escape '\\") + e + "'");
      }
    }
  }

  JsonValue number() {
    const std::size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    bool is_int = true;
    auto digits = [&] {
      const std::size_t b = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > b;
    };
    if (!digits()) fail("bad number");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      is_int = false;
      if (!digits()) fail("bad number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      is_int = false;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) fail("bad number");
    }
    const std::string text(s_.substr(start, pos_ - start));
    if (is_int) {
      errno = 0;
      const long long v = std::strtoll(text.c_str(), nullptr, 10);
      if (errno != ERANGE) return JsonValue(static_cast<std::int64_t>(v));
    }
    return JsonValue(std::strtod(text.c_str(), nullptr));  // beyond 64 bits: as_int() says so
  }

  std::string_view s_;
  std::string_view stream_key_;
  const JsonMemberFn* on_member_ = nullptr;
  std::size_t pos_ = 0;
};

}  // namespace

JsonValue parse_json(std::string_view text) { return Parser(text).parse_document(); }

std::pair<std::size_t, std::size_t> json_line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++col;  // not a UTF-8 continuation byte: a new code point
    }
  }
  return {line, col};
}

JsonFile::JsonFile(const std::filesystem::path& file, std::string_view what) : name_(file.string()) {
  std::string error;
  auto text = read_file(file, error);
  if (!text) throw std::runtime_error(fmt::format("{}: cannot read {}: {}", name_, what, error));
  text_ = std::move(*text);
  try {
    root_ = parse_json(text_);
  } catch (const JsonParseError& e) {
    throw std::runtime_error(fmt::format("{}:{}:{}: {} is not valid JSON: {}", name_, e.line, e.column, what, e.what()));
  }
}

void JsonFile::fail(const JsonValue& at, const std::string& message) const {
  const auto [line, col] = json_line_column(text_, at.offset());
  throw std::runtime_error(fmt::format("{}:{}:{}: {}", name_, line, col, message));
}

std::string JsonFile::written(const JsonValue& v) const {
  if (!v.is_number()) return v.dump(0);
  // As written: 1e999 was parsed as infinity, which dump() would show as null.
  const std::size_t end = std::min(text_.find_first_not_of("0123456789+-.eE", v.offset()), text_.size());
  return text_.substr(v.offset(), end - v.offset());
}

const JsonValue::Object& JsonFile::object(const JsonValue& v, const std::string& where) const {
  if (!v.is_object()) fail(v, fmt::format("{} must be an object, not {}", where, v.kind()));
  return v.as_object();
}

const JsonValue::Array& JsonFile::array(const JsonValue& v, const std::string& where) const {
  if (!v.is_array()) fail(v, fmt::format("{} must be an array, not {}", where, v.kind()));
  return v.as_array();
}

const std::string& JsonFile::string(const JsonValue& v, const std::string& where) const {
  if (!v.is_string()) fail(v, fmt::format("{} must be a string, not {}", where, v.kind()));
  return v.as_string();
}

std::int64_t JsonFile::integer(const JsonValue& v, const std::string& where, std::int64_t low, std::int64_t high) const {
  const auto n = v.as_int();
  if (!v.is_number()) fail(v, fmt::format("{} must be a whole number, not {}", where, v.kind()));
  if (!n || *n < low || *n > high)
    fail(v, fmt::format("{} must be a whole number from {} to {}, not {}", where, low, high, written(v)));
  return *n;
}

const JsonValue* JsonFile::member(const JsonValue& v, const std::string& where, std::string_view key) const {
  (void)object(v, where);
  return v.find(key);
}

const JsonValue& JsonFile::required(const JsonValue& v, const std::string& where, std::string_view key) const {
  const JsonValue* m = member(v, where, key);
  if (!m) fail(v, fmt::format("{} has no \"{}\"", where, key));
  return *m;
}

JsonValue parse_json_streaming(std::string_view text, std::string_view key, const JsonMemberFn& on_member) {
  return Parser(text, key, &on_member).parse_document();
}

}  // namespace al
