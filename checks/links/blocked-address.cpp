#include "network_rule.hpp"

namespace al::checks {

std::unique_ptr<Check> make_links_blocked_address() {
  static const CheckMeta m{
      .id = "links/blocked-address",
      .summary = "A link resolves to a loopback, private, link-local, CGNAT or unspecified address and was not fetched",
      .help = std::string("A content change can put any URL in front of the CI runner. By default archive-lint never "
          "connects to 127.0.0.0/8, ::1, 10/8, 172.16/12, 192.168/16, fc00::/7, 169.254/16 (cloud "
          "metadata), fe80::/10, 100.64/10 or unspecified addresses. The check applies to the address "
          "actually connected to, after DNS and on every redirect hop. Lift it with --allow-private or "
          "`links: {allow_private: true}` when you mean to check an internal site.") + kNetworkRuleOptionsNote,
      .default_severity = Severity::warning,
      .options = {},
      .stage = Stage::links,
  };
  return std::make_unique<NetworkRule>(m);
}

}  // namespace al::checks
