#pragma once
// File I/O that never loses data: reads report errors, writes are atomic, and
// nothing that is not a regular file is ever replaced.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace al {

// Reads a whole file; returns std::nullopt and sets error on failure.
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& error);
// The same for files archive-lint owns (caches) at paths anyone who can commit
// may have replaced: only a regular file, never through a symbolic link, never
// waiting on a FIFO.
std::optional<std::string> read_regular_file(const std::filesystem::path& path, std::string& error);

// How much a write must survive. `durable` fsyncs the temporary file before
// the rename (reports, baselines, the link cache's failure history);
// `rebuildable` skips it for caches that are recomputed when they are found
// missing or corrupt after a crash (the post index: fsync of its 5 MB took
// 30-60 ms of a 20,000-post pre-commit run).
enum class Durability { durable, rebuildable };

// For files archive-lint owns (caches and their .gitignore): writes a
// temporary file in the same directory, then renames it over path. A path that
// exists and is not a regular file (a symbolic link, a directory, a FIFO, a
// device) is left alone. Throws std::runtime_error naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       Durability durability = Durability::durable);

// For output the user names (--output, --report FORMAT=FILE, the -o of
// baseline and merge): `-`, /dev/stdout, /dev/stderr and /dev/fd/N are written
// to that descriptor; an existing FIFO or character device is written through;
// a regular file is replaced atomically as above, and a symbolic link to one
// has its target replaced (the link stays, as with an editor). A directory,
// socket, block device or dangling link is an error in words.
void write_output_file(const std::string& path, std::string_view content);

// write_file_atomic's temporaries are `.NAME.tmp-PID-RANDOM` beside NAME; a
// writer killed mid-write leaves one. Removes those of target whose process
// is gone and that have not been modified for kStaleTemporaryGrace, and any
// not modified for kStaleTemporaryMaxAge; returns how many. Every write runs it.
inline constexpr std::chrono::minutes kStaleTemporaryGrace{5};
inline constexpr std::chrono::hours kStaleTemporaryMaxAge{24};
std::size_t remove_stale_temporaries(const std::filesystem::path& target);

// Glob with `*` (not `/`), `**` (any depth), `?`, `[...]` and `{a,b}`.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace al
