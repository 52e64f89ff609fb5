#pragma once
// `archive-lint merge`: combine the SARIF or JSON outputs of several shards.
#include <filesystem>
#include <string>
#include <vector>

namespace al {

// Reads every input (all SARIF or all archive-lint JSON), returns the merged
// document as text. Throws std::runtime_error naming the offending file.
std::string merge_reports(const std::vector<std::filesystem::path>& inputs, std::size_t max_sarif_results = 25000);

}  // namespace al
