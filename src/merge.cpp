#include "archive_lint/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>

#include "archive_lint/json_value.hpp"

namespace al {

namespace {

constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();

// What results and diagnostics are sorted by: file, line, column, rule.
using SortKey = std::tuple<std::string, std::int64_t, std::int64_t, std::string>;
using Keyed = std::pair<SortKey, JsonValue>;

void sort_by_key(std::vector<Keyed>& items) {
  std::stable_sort(items.begin(), items.end(), [](const Keyed& a, const Keyed& b) { return a.first < b.first; });
}

JsonValue::Array values_of(std::vector<Keyed>& items) {
  JsonValue::Array out;
  out.reserve(items.size());
  for (auto& item : items) out.push_back(std::move(item.second));
  return out;
}

// An optional integer member, 0 when absent.
std::int64_t optional_integer(const JsonFile& in, const JsonValue& object, const std::string& where, std::string_view key) {
  const JsonValue* v = in.member(object, where, key);
  return v ? in.integer(*v, fmt::format("{}.{}", where, key), 0, kMaxCount) : 0;
}

// A SARIF result's sort key, reading (and checking) only what it needs.
SortKey sarif_key(const JsonFile& in, const JsonValue& result, const std::string& where) {
  SortKey key;
  std::get<3>(key) = in.string(in.required(result, where, "ruleId"), where + ".ruleId");
  const JsonValue* locations = in.member(result, where, "locations");
  if (!locations || in.array(*locations, where + ".locations").empty()) return key;
  const std::string at = where + ".locations[0]";
  const JsonValue* physical = in.member(locations->as_array().front(), at, "physicalLocation");
  if (!physical) return key;
  const std::string phys = at + ".physicalLocation";
  if (const JsonValue* artifact = in.member(*physical, phys, "artifactLocation"))
    std::get<0>(key) = in.string(in.required(*artifact, phys + ".artifactLocation", "uri"), phys + ".artifactLocation.uri");
  if (const JsonValue* region = in.member(*physical, phys, "region")) {
    std::get<1>(key) = optional_integer(in, *region, phys + ".region", "startLine");
    std::get<2>(key) = optional_integer(in, *region, phys + ".region", "startColumn");
  }
  return key;
}

// The run's results truncated to the cap GitHub accepts, with a notification saying so.
void cap_results(JsonValue& run, std::vector<Keyed>& results, std::size_t max_results) {
  const std::size_t total = results.size();
  if (total <= max_results) return;
  results.resize(max_results);
  JsonValue note(JsonValue::Object{});
  note.set("level", "warning");
  JsonValue message(JsonValue::Object{});
  message.set("text", fmt::format("Results truncated: {} of {} results are included, the limit GitHub code scanning "
                                  "accepts per run.", max_results, total));
  note.set("message", std::move(message));
  JsonValue invocation(JsonValue::Object{});
  invocation.set("executionSuccessful", true);
  invocation.set("toolExecutionNotifications", JsonValue::Array{std::move(note)});
  run.set("invocations", JsonValue::Array{std::move(invocation)});
}

std::string merge_sarif(const std::vector<JsonFile>& docs, std::size_t max_results) {
  JsonValue::Array rules;
  std::map<std::string, std::size_t> rule_index;
  std::vector<Keyed> results;
  for (const JsonFile& in : docs) {
    const JsonValue& runs_value = in.required(in.root(), "the document", "runs");
    const auto& runs = in.array(runs_value, "runs");
    if (runs.empty()) in.fail(runs_value, "runs is empty: a SARIF file from archive-lint has one run");
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const std::string where = fmt::format("runs[{}]", r);
      const JsonValue& driver = in.required(in.required(runs[r], where, "tool"), where + ".tool", "driver");
      const std::string& name = in.string(in.required(driver, where + ".tool.driver", "name"), where + ".tool.driver.name");
      if (name != "archive-lint") in.fail(driver, fmt::format("{} comes from {}, not archive-lint: it cannot be merged", where, name));
      if (const JsonValue* list = in.member(driver, where + ".tool.driver", "rules")) {
        const auto& items = in.array(*list, where + ".tool.driver.rules");
        for (std::size_t i = 0; i < items.size(); ++i) {
          const std::string at = fmt::format("{}.tool.driver.rules[{}]", where, i);
          const std::string& id = in.string(in.required(items[i], at, "id"), at + ".id");
          if (rule_index.emplace(id, rules.size()).second) rules.push_back(items[i]);
        }
      }
      const JsonValue* list = in.member(runs[r], where, "results");
      if (!list) continue;
      const auto& items = in.array(*list, where + ".results");
      for (std::size_t i = 0; i < items.size(); ++i) {
        SortKey key = sarif_key(in, items[i], fmt::format("{}.results[{}]", where, i));
        JsonValue result = items[i];
        if (auto it = rule_index.find(std::get<3>(key)); it != rule_index.end())
          result.set("ruleIndex", static_cast<std::int64_t>(it->second));
        results.emplace_back(std::move(key), std::move(result));
      }
    }
  }
  // Same order as a single run: by file, line, column, rule.
  sort_by_key(results);
  JsonValue merged = docs.front().root();
  JsonValue::Array& runs = merged.find("runs")->as_array();  // checked above: a non-empty array
  runs.resize(1);
  JsonValue& run = runs.front();
  cap_results(run, results, max_results);
  run.find("tool")->find("driver")->set("rules", std::move(rules));
  run.set("results", values_of(results));
  return merged.dump(2);
}

SortKey json_key(const JsonFile& in, const JsonValue& d, const std::string& where) {
  SortKey key;
  std::get<0>(key) = in.string(in.required(d, where, "path"), where + ".path");
  std::get<3>(key) = in.string(in.required(d, where, "rule"), where + ".rule");
  if (const JsonValue* start = in.member(d, where, "start")) {
    std::get<1>(key) = optional_integer(in, *start, where + ".start", "line");
    std::get<2>(key) = optional_integer(in, *start, where + ".start", "column");
  }
  return key;
}

std::string merge_json(const std::vector<JsonFile>& docs) {
  std::vector<Keyed> diagnostics;
  std::int64_t files = 0, errors = 0, warnings = 0, notes = 0;
  for (const JsonFile& in : docs) {
    const auto& items = in.array(in.required(in.root(), "the document", "diagnostics"), "diagnostics");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string where = fmt::format("diagnostics[{}]", i);
      const JsonValue& severity_value = in.required(items[i], where, "severity");
      const std::string& severity = in.string(severity_value, where + ".severity");
      if (severity != "error" && severity != "warning" && severity != "note")
        in.fail(severity_value, fmt::format("{}.severity must be error, warning or note, not '{}'", where, severity));
      errors += severity == "error";
      warnings += severity == "warning";
      notes += severity == "note";
      diagnostics.emplace_back(json_key(in, items[i], where), items[i]);
    }
    const JsonValue* summary = in.member(in.root(), "the document", "summary");
    const JsonValue* count = summary ? in.member(*summary, "summary", "files") : nullptr;
    if (!count) continue;
    const std::int64_t n = in.integer(*count, "summary.files", 0, kMaxCount);
    if (n > kMaxCount - files) in.fail(*count, "summary.files: the inputs' file counts add up to more than 2^63 - 1");
    files += n;
  }
  sort_by_key(diagnostics);
  JsonValue summary(JsonValue::Object{});
  summary.set("files", files);
  summary.set("errors", errors);
  summary.set("warnings", warnings);
  summary.set("notes", notes);
  JsonValue merged = docs.front().root();
  merged.set("summary", std::move(summary));
  merged.set("diagnostics", values_of(diagnostics));
  return merged.dump(2);
}

}  // namespace

std::string merge_reports(const std::vector<std::filesystem::path>& inputs, std::size_t max_sarif_results) {
  if (inputs.empty()) throw std::runtime_error("nothing to merge");
  std::vector<JsonFile> docs;
  for (const auto& f : inputs) docs.emplace_back(f, "the report");
  const bool sarif = docs.front().root().find("runs") != nullptr;
  for (const JsonFile& in : docs) {
    const bool is_sarif = in.root().find("runs") != nullptr;
    const bool is_json = in.root().find("diagnostics") != nullptr;
    if (!is_sarif && !is_json)
      in.fail(in.root(), fmt::format("neither SARIF (\"runs\") nor archive-lint JSON (\"diagnostics\"): the document is {}",
                                     in.root().is_object() ? "an object without either" : in.root().kind()));
    if (is_sarif != sarif)
      throw std::runtime_error(fmt::format("{}: cannot merge SARIF with archive-lint JSON", in.name()));
  }
  return sarif ? merge_sarif(docs, max_sarif_results) : merge_json(docs);
}

}  // namespace al
