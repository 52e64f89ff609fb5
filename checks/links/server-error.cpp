#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_server_error() {
  static const CheckMeta m{
      .id = "links/server-error",
      .summary = "A link answers a 5xx status, still after retries",
      .help = std::string("The server failed on every attempt (with exponential backoff and jitter between them). It may be "
          "a passing outage: rerun later before you change the link.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::error,
      .options = {},
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
