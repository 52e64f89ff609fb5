// The reachability rules. Their findings come from the link pass
// (src/links/pass.cpp), which runs once per run after the per-file checks;
// check() here is a no-op, the metadata feeds `rules`, `explain`, config
// severities and SARIF rules[].
#include "archive_lint/check.hpp"

namespace al::checks {
namespace {

class NetworkRule final : public Check {
 public:
  explicit NetworkRule(const CheckMeta& meta) : meta_(meta) {}
  const CheckMeta& meta() const override { return meta_; }
  void check(const Document&, Emitter&) const override {}

 private:
  const CheckMeta& meta_;
};

const char* const kOptionsNote =
    " Engine settings (timeouts, concurrency, retries, cache, exclusions, accepted status codes) live under the "
    "top-level `links:` key of .archive-lint.yml, not under this rule; see docs/links.md.";

const CheckMeta& dead() {
  static const CheckMeta m{
      "links/dead", "A link answers 404, 410 or another 4xx status (or a remapped local file is missing)",
      std::string("The server says the page is gone. Find the new address (the Wayback Machine helps), link an "
                  "archived copy, or remove the link. Failures are rechecked on every run; the cache remembers since "
                  "when a link has been dead.") + kOptionsNote,
      Severity::error, {}, true, false, true};
  return m;
}
const CheckMeta& forbidden() {
  static const CheckMeta m{
      "links/forbidden", "A link answers 403, 999, 429 or a bot-protection challenge, even to GET",
      std::string("Many sites refuse automated clients: LinkedIn answers 999, Cloudflare answers a challenge. The "
                  "page may work in a browser, so this is a warning. Check it by hand, then exclude the URL with "
                  "`links.exclude` if it is fine.") + kOptionsNote,
      Severity::warning, {}, true, false, true};
  return m;
}
const CheckMeta& unreachable() {
  static const CheckMeta m{
      "links/unreachable", "A link's host cannot be reached: DNS failure, refused or reset connection, timeout, TLS error",
      std::string("No HTTP answer came back; the message names the cause. A DNS failure usually means the domain "
                  "has expired; a TLS error means the certificate is invalid (verification is always on). "
                  "Timeouts and connection errors are retried with backoff before they are reported.") + kOptionsNote,
      Severity::error, {}, true, false, true};
  return m;
}
const CheckMeta& server_error() {
  static const CheckMeta m{
      "links/server-error", "A link answers a 5xx status, still after retries",
      std::string("The server failed on every attempt (with exponential backoff and jitter between them). It may be "
                  "a passing outage: rerun later before you change the link.") + kOptionsNote,
      Severity::error, {}, true, false, true};
  return m;
}
const CheckMeta& redirect_loop() {
  static const CheckMeta m{
      "links/redirect-loop", "A link's redirects loop or exceed links.max_redirects",
      std::string("Following the Location headers leads back to a URL already visited, or goes on longer than the "
                  "limit (default 10). No reader reaches the page.") + kOptionsNote,
      Severity::error, {}, true, false, true};
  return m;
}
const CheckMeta& redirect() {
  static const CheckMeta m{
      "links/redirect", "A link works through a permanent redirect (301/308); the new URL is the suggested fix",
      std::string("The target moved for good. The link still works, but every reader pays the extra round trip "
                  "and the old address may not redirect forever. The suggested fix replaces the URL with where the "
                  "permanent redirects lead.") + kOptionsNote,
      Severity::note, {}, true, true, true};
  return m;
}
const CheckMeta& blocked_address() {
  static const CheckMeta m{
      "links/blocked-address",
      "A link resolves to a loopback, private, link-local, CGNAT or unspecified address and was not fetched",
      std::string("A content change can put any URL in front of the CI runner. By default archive-lint never "
                  "connects to 127.0.0.0/8, ::1, 10/8, 172.16/12, 192.168/16, fc00::/7, 169.254/16 (cloud "
                  "metadata), fe80::/10, 100.64/10 or unspecified addresses. The check applies to the address "
                  "actually connected to, after DNS and on every redirect hop. Lift it with --allow-private or "
                  "`links: {allow_private: true}` when you mean to check an internal site.") + kOptionsNote,
      Severity::warning, {}, true, false, true};
  return m;
}
const CheckMeta& protocol_relative() {
  static const CheckMeta m{
      "links/protocol-relative", "A protocol-relative link (//host/path), reported only with links.protocol_relative: error",
      std::string("`//host/path` takes the scheme of the page that shows it: https on the live site, but `file:` in "
                  "a saved copy and whatever a feed reader uses. Set `links.protocol_relative: error` to require "
                  "explicit schemes; the suggested fix adds site.url's scheme. With https (the default for an https "
                  "site.url), http or both, such links are checked with that scheme instead.") + kOptionsNote,
      Severity::error, {}, true, true, true};
  return m;
}

}  // namespace
std::unique_ptr<Check> make_links_dead() { return std::make_unique<NetworkRule>(dead()); }
std::unique_ptr<Check> make_links_forbidden() { return std::make_unique<NetworkRule>(forbidden()); }
std::unique_ptr<Check> make_links_unreachable() { return std::make_unique<NetworkRule>(unreachable()); }
std::unique_ptr<Check> make_links_server_error() { return std::make_unique<NetworkRule>(server_error()); }
std::unique_ptr<Check> make_links_redirect_loop() { return std::make_unique<NetworkRule>(redirect_loop()); }
std::unique_ptr<Check> make_links_redirect() { return std::make_unique<NetworkRule>(redirect()); }
std::unique_ptr<Check> make_links_blocked_address() { return std::make_unique<NetworkRule>(blocked_address()); }
std::unique_ptr<Check> make_links_protocol_relative() { return std::make_unique<NetworkRule>(protocol_relative()); }
}  // namespace al::checks
