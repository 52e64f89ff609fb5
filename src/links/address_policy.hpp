#pragma once
// SSRF defence: which addresses the engine never connects to by default.
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace al::links {

// Why an address must not be connected to ("loopback", "private (RFC 1918)",
// ...), or nothing when it is a public address.
std::optional<std::string> blocked_reason(const sockaddr* address);
// The same for a host written as an IP literal; nothing for a name.
std::optional<std::string> blocked_literal(std::string_view host);
// Text form of an address, for messages.
std::string address_text(const sockaddr* address);

}  // namespace al::links
