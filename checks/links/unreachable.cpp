#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_unreachable() {
  static const CheckMeta m{
      .id = "links/unreachable",
      .summary = "A link's host cannot be reached: DNS failure, refused or reset connection, timeout, TLS error",
      .help = std::string("No HTTP answer came back; the message names the cause. A DNS failure usually means the domain "
          "has expired; a TLS error means the certificate is invalid (verification is always on). "
          "Timeouts and connection errors are retried with backoff before they are reported.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::error,
      .options = {},
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
