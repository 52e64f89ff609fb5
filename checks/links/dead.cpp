#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_dead() {
  static const CheckMeta m{
      .id = "links/dead",
      .summary = "A link answers 404, 410 or another 4xx status (or a remapped local file is missing)",
      .help = std::string("The server says the page is gone. Find the new address (the Wayback Machine helps), link an "
          "archived copy, or remove the link. Failures are rechecked on every run; the cache remembers since "
          "when a link has been dead.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::error,
      .options = {},
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
