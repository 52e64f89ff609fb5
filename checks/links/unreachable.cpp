#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_unreachable() {
  static const CheckMeta m{
      "links/unreachable", "A link's host cannot be reached: DNS failure, refused or reset connection, timeout, TLS error",
      std::string("No HTTP answer came back; the message names the cause. A DNS failure usually means the domain "
                  "has expired; a TLS error means the certificate is invalid (verification is always on). "
                  "Timeouts and connection errors are retried with backoff before they are reported.") + kNetworkRuleOptionsNote,
      Severity::error, {}, true, false, true};
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
