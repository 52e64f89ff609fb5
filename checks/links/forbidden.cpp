#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_forbidden() {
  static const CheckMeta m{
      .id = "links/forbidden",
      .summary = "A link answers 403, 999, 429 or a bot-protection challenge, even to GET",
      .help = std::string("Many sites refuse automated clients: LinkedIn answers 999, Cloudflare answers a challenge. The "
          "page may work in a browser, so this is a warning. Check it by hand, then exclude the URL with "
          "`links.exclude` if it is fine.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::warning,
      .options = {},
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
