#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_forbidden() {
  static const CheckMeta m{
      "links/forbidden", "A link answers 403, 999, 429 or a bot-protection challenge, even to GET",
      std::string("Many sites refuse automated clients: LinkedIn answers 999, Cloudflare answers a challenge. The "
                  "page may work in a browser, so this is a warning. Check it by hand, then exclude the URL with "
                  "`links.exclude` if it is fine.") + kNetworkRuleOptionsNote,
      Severity::warning, {}, true, false, true};
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
