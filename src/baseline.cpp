#include "archive_lint/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "archive_lint/io.hpp"
#include "archive_lint/json_value.hpp"

namespace al {

Baseline Baseline::load(const std::filesystem::path& file) {
  std::string error;
  auto text = read_file(file, error);
  if (!text) throw std::runtime_error(fmt::format("{}: cannot read baseline: {}", file.string(), error));
  JsonValue root;
  try {
    root = parse_json(*text);
  } catch (const JsonParseError& e) {
    throw std::runtime_error(fmt::format("{}:{}:{}: malformed baseline: {}", file.string(), e.line, e.column, e.what()));
  }
  const JsonValue* version = root.find("archiveLintBaseline");
  const JsonValue* findings = root.find("findings");
  if (!version || !version->is_number() || !findings || !findings->is_array())
    throw std::runtime_error(fmt::format("{}: not an archive-lint baseline (expected \"archiveLintBaseline\" and \"findings\")",
                                         file.string()));
  if (version->as_int() != 1)
    throw std::runtime_error(fmt::format("{}: baseline version {} is not supported (this archive-lint reads 1)",
                                         file.string(), version->as_int()));
  Baseline baseline;
  std::size_t index = 0;
  for (const auto& f : findings->as_array()) {
    Entry e{f.get_string("rule"), f.get_string("path"), f.get_string("fingerprint"), f.get_string("message")};
    if (e.rule.empty() || e.path.empty() || e.fingerprint.empty())
      throw std::runtime_error(fmt::format("{}: finding #{} lacks rule, path or fingerprint", file.string(), index + 1));
    baseline.entries_.push_back(std::move(e));
    ++index;
  }
  return baseline;
}

Baseline Baseline::from(const std::vector<Diagnostic>& diagnostics) {
  Baseline baseline;
  for (const auto& d : diagnostics) baseline.entries_.push_back({d.rule_id, d.path, d.fingerprint, d.message});
  std::sort(baseline.entries_.begin(), baseline.entries_.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.path, a.rule, a.fingerprint) < std::tie(b.path, b.rule, b.fingerprint);
  });
  return baseline;
}

std::size_t Baseline::filter(std::vector<Diagnostic>& diagnostics) const {
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> budget;
  for (const auto& e : entries_) ++budget[{e.rule, e.path, e.fingerprint}];
  const auto before = diagnostics.size();
  diagnostics.erase(std::remove_if(diagnostics.begin(), diagnostics.end(),
                                   [&](const Diagnostic& d) {
                                     auto it = budget.find({d.rule_id, d.path, d.fingerprint});
                                     if (it == budget.end() || it->second == 0) return false;
                                     --it->second;
                                     return true;
                                   }),
                    diagnostics.end());
  return before - diagnostics.size();
}

std::string Baseline::serialise() const {
  JsonValue::Array findings;
  for (const auto& e : entries_) {
    JsonValue item(JsonValue::Object{});
    item.set("rule", e.rule);
    item.set("path", e.path);
    item.set("fingerprint", e.fingerprint);
    item.set("message", e.message);
    findings.push_back(std::move(item));
  }
  JsonValue root(JsonValue::Object{});
  root.set("archiveLintBaseline", 1);
  root.set("findings", std::move(findings));
  return root.dump(2);
}

}  // namespace al
