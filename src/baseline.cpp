#include "archive_lint/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "archive_lint/json_value.hpp"

namespace al {

Baseline Baseline::load(const std::filesystem::path& file) {
  const JsonFile in(file, "the baseline");
  const JsonValue& root = in.root();
  if (!root.is_object() || !root.find("archiveLintBaseline") || !root.find("findings"))
    in.fail(root, "not an archive-lint baseline (expected an object with \"archiveLintBaseline\" and \"findings\")");
  const JsonValue& version = *root.find("archiveLintBaseline");
  if (!version.is_number() || version.as_int() != 1)
    in.fail(version, fmt::format("baseline version {} is not supported (this archive-lint reads 1)", in.written(version)));
  const auto& findings = in.array(*root.find("findings"), "findings");
  Baseline baseline;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const std::string where = fmt::format("findings[{}]", i);
    auto text = [&](std::string_view key) { return in.string(in.required(findings[i], where, key), fmt::format("{}.{}", where, key)); };
    Entry e{text("rule"), text("path"), text("fingerprint"), std::string()};
    if (const JsonValue* message = in.member(findings[i], where, "message")) e.message = in.string(*message, where + ".message");
    if (e.rule.empty() || e.path.empty() || e.fingerprint.empty())
      in.fail(findings[i], fmt::format("{} has an empty rule, path or fingerprint", where));
    baseline.entries_.push_back(std::move(e));
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
