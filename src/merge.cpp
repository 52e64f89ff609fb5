#include "archive_lint/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "archive_lint/io.hpp"
#include "archive_lint/json_value.hpp"

namespace al {

namespace {

JsonValue load(const std::filesystem::path& file) {
  std::string error;
  auto text = read_file(file, error);
  if (!text) throw std::runtime_error(fmt::format("{}: cannot read: {}", file.string(), error));
  try {
    return parse_json(*text);
  } catch (const JsonParseError& e) {
    throw std::runtime_error(fmt::format("{}:{}:{}: not valid JSON: {}", file.string(), e.line, e.column, e.what()));
  }
}

std::string merge_sarif(std::vector<JsonValue>& docs, const std::vector<std::filesystem::path>& inputs, std::size_t max_results) {
  JsonValue merged = docs.front();
  JsonValue* runs = merged.find("runs");
  JsonValue& run = runs->as_array().front();
  JsonValue::Array rules;
  std::map<std::string, std::size_t> rule_index;
  JsonValue::Array results;
  for (std::size_t k = 0; k < docs.size(); ++k) {
    const JsonValue* doc_runs = docs[k].find("runs");
    if (!doc_runs || !doc_runs->is_array())
      throw std::runtime_error(fmt::format("{}: SARIF without runs", inputs[k].string()));
    for (const auto& r : doc_runs->as_array()) {
      const JsonValue* tool = r.find("tool");
      const JsonValue* driver = tool ? tool->find("driver") : nullptr;
      if (!driver || driver->get_string("name") != "archive-lint")
        throw std::runtime_error(fmt::format("{}: a run from another tool cannot be merged", inputs[k].string()));
      std::vector<std::string> local_ids;
      if (const JsonValue* rr = driver->find("rules"); rr && rr->is_array()) {
        for (const auto& rule : rr->as_array()) {
          const std::string id = rule.get_string("id");
          local_ids.push_back(id);
          if (rule_index.emplace(id, rules.size()).second) rules.push_back(rule);
        }
      }
      if (const JsonValue* res = r.find("results"); res && res->is_array()) {
        for (JsonValue result : res->as_array()) {
          const std::string id = result.get_string("ruleId");
          if (auto it = rule_index.find(id); it != rule_index.end()) result.set("ruleIndex", static_cast<std::int64_t>(it->second));
          results.push_back(std::move(result));
        }
      }
    }
  }
  // Same order as a single run: by file, line, column, rule.
  auto key = [](const JsonValue& r) {
    std::string uri;
    std::int64_t line = 0, col = 0;
    if (const JsonValue* locs = r.find("locations"); locs && locs->is_array() && !locs->as_array().empty()) {
      const JsonValue* phys = locs->as_array().front().find("physicalLocation");
      if (phys) {
        if (const JsonValue* art = phys->find("artifactLocation")) uri = art->get_string("uri");
        if (const JsonValue* reg = phys->find("region")) {
          if (const JsonValue* l = reg->find("startLine")) line = l->as_int();
          if (const JsonValue* c = reg->find("startColumn")) col = c->as_int();
        }
      }
    }
    return std::make_tuple(uri, line, col, r.get_string("ruleId"));
  };
  std::stable_sort(results.begin(), results.end(), [&](const JsonValue& a, const JsonValue& b) { return key(a) < key(b); });
  const std::size_t total = results.size();
  if (total > max_results) {
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
  run.find("tool")->find("driver")->set("rules", std::move(rules));
  run.set("results", std::move(results));
  runs->as_array().resize(1);
  return merged.dump(2);
}

std::string merge_json(std::vector<JsonValue>& docs, const std::vector<std::filesystem::path>& inputs) {
  JsonValue merged = docs.front();
  JsonValue::Array diagnostics;
  std::int64_t files = 0, errors = 0, warnings = 0, notes = 0;
  for (std::size_t k = 0; k < docs.size(); ++k) {
    const JsonValue* d = docs[k].find("diagnostics");
    if (!d || !d->is_array()) throw std::runtime_error(fmt::format("{}: no diagnostics array", inputs[k].string()));
    for (const auto& item : d->as_array()) {
      const std::string sev = item.get_string("severity");
      errors += sev == "error";
      warnings += sev == "warning";
      notes += sev == "note";
      diagnostics.push_back(item);
    }
    if (const JsonValue* s = docs[k].find("summary")) {
      if (const JsonValue* f = s->find("files"); f && f->is_number()) files += f->as_int();
    }
  }
  auto key = [](const JsonValue& d) {
    std::int64_t line = 0, col = 0;
    if (const JsonValue* s = d.find("start")) {
      if (const JsonValue* l = s->find("line")) line = l->as_int();
      if (const JsonValue* c = s->find("column")) col = c->as_int();
    }
    return std::make_tuple(d.get_string("path"), line, col, d.get_string("rule"));
  };
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [&](const JsonValue& a, const JsonValue& b) { return key(a) < key(b); });
  JsonValue summary(JsonValue::Object{});
  summary.set("files", files);
  summary.set("errors", errors);
  summary.set("warnings", warnings);
  summary.set("notes", notes);
  merged.set("summary", std::move(summary));
  merged.set("diagnostics", std::move(diagnostics));
  return merged.dump(2);
}

}  // namespace

std::string merge_reports(const std::vector<std::filesystem::path>& inputs, std::size_t max_sarif_results) {
  if (inputs.empty()) throw std::runtime_error("nothing to merge");
  std::vector<JsonValue> docs;
  for (const auto& f : inputs) docs.push_back(load(f));
  const bool sarif = docs.front().find("runs") != nullptr;
  for (std::size_t k = 0; k < docs.size(); ++k) {
    const bool is_sarif = docs[k].find("runs") != nullptr;
    const bool is_json = docs[k].find("diagnostics") != nullptr;
    if (!is_sarif && !is_json)
      throw std::runtime_error(fmt::format("{}: neither SARIF nor archive-lint JSON", inputs[k].string()));
    if (is_sarif != sarif)
      throw std::runtime_error(fmt::format("{}: cannot merge SARIF with archive-lint JSON", inputs[k].string()));
  }
  return sarif ? merge_sarif(docs, inputs, max_sarif_results) : merge_json(docs, inputs);
}

}  // namespace al
