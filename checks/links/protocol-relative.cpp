#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_protocol_relative() {
  static const CheckMeta m{
      .id = "links/protocol-relative",
      .summary = "A protocol-relative link (//host/path), reported only with links.protocol_relative: error",
      .help = std::string("`//host/path` takes the scheme of the page that shows it: https on the live site, but `file:` in "
          "a saved copy and whatever a feed reader uses. Set `links.protocol_relative: error` to require "
          "explicit schemes; the suggested fix adds site.url's scheme. With https (the default for an https "
          "site.url), http or both, such links are checked with that scheme instead.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::error,
      .options = {},
      .fixable = true,
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
