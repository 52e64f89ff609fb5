#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_redirect() {
  static const CheckMeta m{
      .id = "links/redirect",
      .summary = "A link works through a permanent redirect (301/308); the new URL is the suggested fix",
      .help = std::string("The target moved for good. The link still works, but every reader pays the extra round trip "
          "and the old address may not redirect forever. The suggested fix replaces the URL with where the "
          "permanent redirects lead.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::note,
      .options = {},
      .fixable = true,
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
