#include "links/url.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <optional>

#include <cctype>

namespace al::links {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Length of a leading `scheme:` (including the colon), or 0.
std::size_t scheme_length(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return 0;
  std::size_t i = 1;
  while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
  return i < s.size() && s[i] == ':' ? i + 1 : 0;
}

std::string printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (u < 0x20 || u == 0x7f) return fmt::format("the control character 0x{:02x}", u);
  return fmt::format("'{}'", c);
}

void append_encoded(std::string& out, std::string_view part) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : part) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' ||
        c == '|' || c == '}') {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
}

bool valid_host_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || u >= 0x80;
}

}  // namespace

std::string Url::host_key() const {
  const std::string h = ipv6 ? "[" + host + "]" : host;
  return fmt::format("{}:{}", h, effective_port());
}

std::string Url::normalized() const {
  std::string out = scheme + "://";
  out += ipv6 ? "[" + host + "]" : host;
  const bool default_port = port < 0 || (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) out += fmt::format(":{}", port);
  append_encoded(out, path.empty() ? std::string_view("/") : std::string_view(path));
  if (has_query) {
    out.push_back('?');
    append_encoded(out, query);
  }
  return out;
}

namespace {

// Where the port's digits are, when the authority has a ':' port.
struct HostPart {
  std::string_view port_text;
  bool has_port = false;
};

// `[v6]` or `[v6]:port`; sets out.host and out.ipv6. Returns the error in words, or nothing.
std::optional<std::string> parse_ipv6_host(std::string_view authority, Url& out, HostPart& part) {
  const auto close = authority.find(']');
  if (close == std::string_view::npos) return "the IPv6 address has no closing ']'";
  std::string literal(authority.substr(1, close - 1));
  if (const auto zone = literal.find('%'); zone != std::string::npos) literal.erase(zone);
  in6_addr addr{};
  if (literal.empty() || ::inet_pton(AF_INET6, literal.c_str(), &addr) != 1)
    return fmt::format("'{}' is not a valid IPv6 address", authority.substr(1, close - 1));
  out.host = lower(authority.substr(1, close - 1));
  out.ipv6 = true;
  const std::string_view after = authority.substr(close + 1);
  if (after.empty()) return std::nullopt;
  if (after[0] != ':') return "unexpected text after the IPv6 address";
  part.has_port = true;
  part.port_text = after.substr(1);
  return std::nullopt;
}

// A name or IPv4 host, with an optional `:port`; sets out.host.
std::optional<std::string> parse_named_host(std::string_view authority, Url& out, HostPart& part) {
  const auto colon = authority.rfind(':');
  std::string_view host = authority;
  if (colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    part.has_port = true;
    part.port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return "the host is empty";
  for (const char c : host) {
    if (!valid_host_char(c)) return fmt::format("the host '{}' contains {}", host, printable(c));
  }
  if (host.front() == '.' || host.find("..") != std::string_view::npos)
    return fmt::format("the host '{}' has an empty label", host);
  bool numeric = true;
  for (const char c : host) numeric &= is_digit(c) || c == '.';
  if (numeric) {
    in_addr addr{};
    const std::string h(host);
    if (::inet_pton(AF_INET, h.c_str(), &addr) != 1) return fmt::format("'{}' is not a valid IPv4 address", host);
  }
  out.host = lower(host);
  return std::nullopt;
}

// 1 to 65535, or nothing.
std::optional<int> parse_port(std::string_view text) {
  long port = 0;
  for (const char c : text) {
    if (!is_digit(c) || port > 65535) return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return static_cast<int>(port);
}

// The path and query after the authority; the fragment is dropped.
void set_path_and_query(std::string_view tail, Url& out) {
  if (const auto hash = tail.find('#'); hash != std::string_view::npos) tail = tail.substr(0, hash);
  const auto q = tail.find('?');
  // One assignment of a fresh string: assigning "/" over the path just built
  // trips GCC 12's false -Wrestrict at -O3 (GCC bug 105329).
  const std::string_view path = tail.substr(0, q);
  out.path = path.empty() ? std::string(1, '/') : std::string(path);
  if (q != std::string_view::npos) {
    out.has_query = true;
    out.query = std::string(tail.substr(q + 1));
  }
}

}  // namespace

bool parse_http_url(std::string_view text, Url& out, std::string& error) {
  out = Url{};
  const std::size_t slen = scheme_length(text);
  if (slen == 0) {
    error = "no scheme";
    return false;
  }
  out.scheme = lower(text.substr(0, slen - 1));
  if (out.scheme != "http" && out.scheme != "https") {
    error = fmt::format("the scheme '{}' is not http or https", out.scheme);
    return false;
  }
  std::string_view rest = text.substr(slen);
  if (rest.substr(0, 2) != "//") {
    error = fmt::format("'{}:' is not followed by '//'", out.scheme);
    return false;
  }
  rest.remove_prefix(2);
  const std::size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    out.had_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  HostPart part;
  const bool ipv6 = !authority.empty() && authority[0] == '[';
  if (auto problem = ipv6 ? parse_ipv6_host(authority, out, part) : parse_named_host(authority, out, part)) {
    error = std::move(*problem);
    return false;
  }
  if (part.has_port && !part.port_text.empty()) {
    const auto port = parse_port(part.port_text);
    if (!port) {
      error = fmt::format("the port '{}' is not a number from 1 to 65535", part.port_text);
      return false;
    }
    out.port = *port;
  }
  set_path_and_query(auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end), out);
  return true;
}

LinkForm classify_link(std::string_view url) {
  if (url.substr(0, 2) == "//") return LinkForm::protocol_relative;
  if (!url.empty() && url[0] == '#') return LinkForm::fragment;
  if (!url.empty() && url[0] == '/') return LinkForm::site_relative;
  if (const std::size_t n = scheme_length(url)) {
    const std::string scheme = lower(url.substr(0, n - 1));
    return scheme == "http" || scheme == "https" ? LinkForm::http : LinkForm::other_scheme;
  }
  const std::string head = lower(url.substr(0, 8));
  if (head.rfind("http//", 0) == 0 || head.rfind("https//", 0) == 0) return LinkForm::missing_colon;
  return LinkForm::relative;
}

std::string join_site_relative(const Url& base, std::string_view reference) {
  std::string out = base.scheme + "://" + (base.ipv6 ? "[" + base.host + "]" : base.host);
  if (base.port >= 0) out += fmt::format(":{}", base.port);
  // A browser resolves `/path` against the host's root, whatever site.url's path.
  out += reference;
  return out;
}

}  // namespace al::links
