#include "links/address_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

namespace al::links {

namespace {

std::optional<std::string> check_v4(std::uint32_t a) {  // host byte order
  auto in = [&](std::uint32_t net, int bits) {
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (a & mask) == (net & mask);
  };
  if (in(0x00000000, 8)) return "unspecified (0.0.0.0/8)";
  if (in(0x7f000000, 8)) return "loopback (127.0.0.0/8)";
  if (in(0x0a000000, 8)) return "private (10.0.0.0/8)";
  if (in(0xac100000, 12)) return "private (172.16.0.0/12)";
  if (in(0xc0a80000, 16)) return "private (192.168.0.0/16)";
  if (in(0xa9fe0000, 16)) return "link-local (169.254.0.0/16, includes cloud metadata)";
  if (in(0x64400000, 10)) return "carrier-grade NAT (100.64.0.0/10)";
  if (in(0xc0000000, 24)) return "IETF protocol assignments (192.0.0.0/24)";
  if (in(0xc6120000, 15)) return "benchmarking (198.18.0.0/15)";
  if (in(0xe0000000, 4)) return "multicast (224.0.0.0/4)";
  if (in(0xf0000000, 4)) return "reserved (240.0.0.0/4)";
  return std::nullopt;
}

std::optional<std::string> check_v6(const in6_addr& addr) {
  const unsigned char* b = addr.s6_addr;
  static const unsigned char kZero[16] = {};
  if (std::memcmp(b, kZero, 15) == 0 && (b[15] == 0 || b[15] == 1))
    return b[15] == 0 ? std::string("unspecified (::)") : std::string("loopback (::1)");
  auto embedded_v4 = [&](int at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) |
           std::uint32_t{b[at + 3]};
  };
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64),
  // ::ffff:0:a.b.c.d (translated, RFC 2765): judged by the IPv4 address inside.
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  static const unsigned char kTranslated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kZero, 12) == 0 || std::memcmp(b, kNat64, 12) == 0 ||
      std::memcmp(b, kTranslated, 12) == 0) {
    if (auto why = check_v4(embedded_v4(12))) return "IPv4-embedded " + *why;
  }
  // 6to4 (2002::/16) carries its relay's IPv4 address in bits 16-48.
  if (b[0] == 0x20 && b[1] == 0x02) {
    if (auto why = check_v4(embedded_v4(2))) return "6to4 (2002::/16) IPv4-embedded " + *why;
  }
  if ((b[0] & 0xfe) == 0xfc) return "unique local (fc00::/7)";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local (fe80::/10)";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local (fec0::/10)";
  if (b[0] == 0xff) return "multicast (ff00::/8)";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> blocked_reason(const sockaddr* address) {
  if (!address) return "no address";
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return check_v4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    return check_v6(v6.sin6_addr);
  }
  return "not an IP address";
}

std::optional<std::string> blocked_literal(std::string_view host) {
  std::string h(host);
  if (!h.empty() && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (const auto zone = h.find('%'); zone != std::string::npos) h.erase(zone);
  in_addr v4{};
  if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) return check_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (::inet_pton(AF_INET6, h.c_str(), &v6) == 1) return check_v6(v6);
  return std::nullopt;
}

std::string address_text(const sockaddr* address) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (address && address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    ::inet_ntop(AF_INET, &v4.sin_addr, buf, sizeof buf);
  } else if (address && address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, buf, sizeof buf);
  }
  return buf;
}

}  // namespace al::links
