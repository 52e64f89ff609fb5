#pragma once
// A small, strict JSON reader for the link cache. Never throws for bad input:
// parse_json returns false with a message naming the byte offset.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace al::links {

struct JsonValue {
  enum class Type : std::uint8_t { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;

  const JsonValue* get(const std::string& key) const;
  bool is_object() const { return type == Type::object; }
};

bool parse_json(std::string_view text, JsonValue& out, std::string& error);

}  // namespace al::links
