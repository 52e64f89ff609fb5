#pragma once
// The only code that does network I/O: checks unique URLs with libcurl multi,
// a global and a per-host concurrency limit, a minimum interval per host,
// HEAD-then-GET, manual redirects, retries with backoff, and the address policy.
#include <cstddef>
#include <string>
#include <vector>

#include "archive_lint/links.hpp"

namespace al::links {

enum class Outcome : std::uint8_t {
  ok,
  redirect,       // alive, but through a permanent redirect (redirect_to holds the new URL)
  dead,           // 4xx
  forbidden,      // 403, 999, 429 or a bot challenge after the GET fallback
  unreachable,    // DNS, refused, reset, timeout, TLS
  server_error,   // 5xx after retries
  redirect_loop,  // a loop or too many redirects
  blocked,        // the address policy refused the connection
};
std::string_view to_string(Outcome outcome);
bool parse_outcome(std::string_view text, Outcome& out);
inline bool is_alive(Outcome o) { return o == Outcome::ok || o == Outcome::redirect; }
// The links/* rule that reports an outcome (empty for ok); in checks/links/outcome-rules.cpp.
std::string_view rule_for(Outcome outcome);

struct CheckResult {
  Outcome outcome = Outcome::unreachable;
  long status = 0;           // last HTTP status, 0 when there was none
  std::string final_url;     // after redirects
  std::string redirect_to;   // for Outcome::redirect: where the permanent redirects lead
  std::string detail;        // human cause ("connection refused", "HTTP 404", ...)
  std::size_t body_bytes = 0;  // body bytes read over every request for this URL
  int requests = 0;            // requests sent (HEAD, GET, hops, retries)
};

// Where one engine run spent its time (ARCHIVE_LINT_TIMING prints it).
struct EngineStats {
  double setup_ms = 0;     // libcurl and the queues, until the first request is handed to libcurl
  double network_ms = 0;   // from there until the last transfer finished
  double teardown_ms = 0;  // closing the connections, freeing the handles
  int requests = 0;        // requests sent (HEAD, GET, hops, retries)
  long connections = 0;    // connections opened; every other request reused one
};

// Checks each URL (already normalised http/https) once; results[i] is for urls[i].
std::vector<CheckResult> check_urls(const std::vector<std::string>& urls, const EngineOptions& options,
                                    const LinkProgressFn& progress = {}, EngineStats* stats = nullptr);

}  // namespace al::links
