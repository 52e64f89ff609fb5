#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_redirect_loop() {
  static const CheckMeta m{
      .id = "links/redirect-loop",
      .summary = "A link's redirects loop or exceed links.max_redirects",
      .help = std::string("Following the Location headers leads back to a URL already visited, or goes on longer than the "
          "limit (default 10). No reader reaches the page.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::error,
      .options = {},
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
