// Which links/* rule reports each outcome of the link engine. It lives beside
// the rules it names, so a new outcome and its rule are added together;
// tests/registry_test.cpp checks that every outcome but ok names a registered
// link rule.
#include "links/engine.hpp"

namespace al::links {

std::string_view rule_for(Outcome outcome) {
  switch (outcome) {
    case Outcome::redirect: return "links/redirect";
    case Outcome::dead: return "links/dead";
    case Outcome::forbidden: return "links/forbidden";
    case Outcome::unreachable: return "links/unreachable";
    case Outcome::server_error: return "links/server-error";
    case Outcome::redirect_loop: return "links/redirect-loop";
    case Outcome::blocked: return "links/blocked-address";
    case Outcome::ok: break;
  }
  return {};
}

}  // namespace al::links
