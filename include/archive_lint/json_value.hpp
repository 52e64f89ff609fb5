#pragma once
// A small JSON document model: parse (with line:column errors) and serialise.
// Used for baselines and `merge`; formats write with JsonWriter directly.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace al {

struct JsonParseError : std::runtime_error {
  JsonParseError(const std::string& what, std::size_t line_, std::size_t column_)
      : std::runtime_error(what), line(line_), column(column_) {}
  std::size_t line;
  std::size_t column;
};

class JsonValue {
 public:
  using Array = std::vector<JsonValue>;
  using Object = std::vector<std::pair<std::string, JsonValue>>;  // keeps key order

  JsonValue() = default;
  JsonValue(std::nullptr_t) {}
  JsonValue(bool b) : v_(b) {}
  JsonValue(double d) : v_(d) {}
  JsonValue(std::int64_t i) : v_(i) {}
  JsonValue(int i) : v_(static_cast<std::int64_t>(i)) {}
  JsonValue(std::string s) : v_(std::move(s)) {}
  JsonValue(const char* s) : v_(std::string(s)) {}
  JsonValue(Array a) : v_(std::move(a)) {}
  JsonValue(Object o) : v_(std::move(o)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_number() const { return std::holds_alternative<double>(v_) || std::holds_alternative<std::int64_t>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_array() const { return std::holds_alternative<Array>(v_); }
  bool is_object() const { return std::holds_alternative<Object>(v_); }

  bool as_bool() const { return std::get<bool>(v_); }
  // A whole number that fits in 64 bits (also written as 3.0 or 3e2), else nullopt:
  // never a cast of 1e300 or of a string.
  std::optional<std::int64_t> as_int() const;
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // Object member or nullptr (also nullptr when this is not an object).
  const JsonValue* find(std::string_view key) const;
  JsonValue* find(std::string_view key);
  // Sets or replaces an object member.
  void set(std::string key, JsonValue value);
  // String member or fallback.
  std::string get_string(std::string_view key, std::string fallback = {}) const;

  std::string dump(int indent = 2) const;
  // "a string", "an array"...: what this is, for messages.
  std::string_view kind() const;

  // Where parse_json found this value in its text (a byte offset; 0 when built in code).
  std::size_t offset() const { return offset_; }
  void set_offset(std::size_t offset) { offset_ = offset; }

 private:
  void dump_to(std::string& out, int indent, int depth) const;
  std::variant<std::monostate, bool, double, std::int64_t, std::string, Array, Object> v_;
  std::size_t offset_ = 0;
};

// Throws JsonParseError (1-based line and column) on malformed input,
// including trailing garbage and nesting deeper than 512.
JsonValue parse_json(std::string_view text);

// 1-based line and column (in code points) of a byte offset in text.
std::pair<std::size_t, std::size_t> json_line_column(std::string_view text, std::size_t offset);

// A JSON file read for its shape: every accessor checks the type it expects and
// otherwise throws std::runtime_error naming the place and what is wrong, as in
// `shard-1.sarif:7:24: runs[0].results[0].ruleId must be a string, not a number`.
class JsonFile {
 public:
  // Reads and parses; `what` names the file's kind in messages ("baseline").
  JsonFile(const std::filesystem::path& file, std::string_view what);

  const JsonValue& root() const { return root_; }
  const std::string& name() const { return name_; }
  [[noreturn]] void fail(const JsonValue& at, const std::string& message) const;
  // A value as the file writes it (a number's own digits), for messages.
  std::string written(const JsonValue& v) const;

  // `where` is the value's path in the document, for messages: "runs[0].tool".
  const JsonValue::Object& object(const JsonValue& v, const std::string& where) const;
  const JsonValue::Array& array(const JsonValue& v, const std::string& where) const;
  const std::string& string(const JsonValue& v, const std::string& where) const;
  std::int64_t integer(const JsonValue& v, const std::string& where, std::int64_t low, std::int64_t high) const;
  // The member of an object (checked to be one), or nullptr when it is absent.
  const JsonValue* member(const JsonValue& v, const std::string& where, std::string_view key) const;
  // The same, required.
  const JsonValue& required(const JsonValue& v, const std::string& where, std::string_view key) const;

 private:
  std::string name_;
  std::string text_;
  JsonValue root_;
};
// parse_json for a top-level object with one large object member `key` (the
// link cache's entries): each of that object's members goes to on_member as
// soon as it is parsed and is not kept, so the whole tree is never in memory;
// `key` is left in the result as an empty object.
using JsonMemberFn = std::function<void(std::string key, JsonValue value)>;
JsonValue parse_json_streaming(std::string_view text, std::string_view key, const JsonMemberFn& on_member);

}  // namespace al
