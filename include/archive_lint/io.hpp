#pragma once
// File I/O that never loses data: reads report errors, writes are atomic.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace al {

// Reads a whole file; returns std::nullopt and sets error on failure.
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& error);

// How much a write must survive. `durable` fsyncs the temporary file before
// the rename (reports, baselines, the link cache's failure history);
// `rebuildable` skips it for caches that are recomputed when they are found
// missing or corrupt after a crash (the post index: fsync of its 5 MB took
// 30-60 ms of a 20,000-post pre-commit run).
enum class Durability { durable, rebuildable };

// Writes to a temporary file in the same directory, then renames it over
// path. Throws std::runtime_error naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       Durability durability = Durability::durable);

// Glob with `*` (not `/`), `**` (any depth), `?`, `[...]` and `{a,b}`.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace al
