#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_server_error() {
  static const CheckMeta m{
      "links/server-error", "A link answers a 5xx status, still after retries",
      std::string("The server failed on every attempt (with exponential backoff and jitter between them). It may be "
                  "a passing outage: rerun later before you change the link.") + kNetworkRuleOptionsNote,
      Severity::error, {}, true, false, true};
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
