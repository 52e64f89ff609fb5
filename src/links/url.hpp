#pragma once
// A small URL parser and validator for http(s) links: enough to find broken
// URLs without the network and to normalise the ones the engine fetches.
#include <string>
#include <string_view>

namespace al::links {

struct Url {
  std::string scheme;  // lower-case
  std::string host;    // lower-case; IPv6 literals without brackets
  bool ipv6 = false;
  int port = -1;       // -1: the scheme's default
  std::string path;    // starts with '/'
  std::string query;   // without '?'; empty and has_query false when absent
  bool has_query = false;
  bool had_userinfo = false;

  int effective_port() const { return port >= 0 ? port : (scheme == "https" ? 443 : 80); }
  // host[:port], brackets around IPv6: the per-host politeness key.
  std::string host_key() const;
  // scheme://host[:port]/path?query, percent-encoding spaces, controls and
  // non-ASCII bytes; no userinfo, no fragment. Used as the dedup key.
  std::string normalized() const;
};

// Parses an absolute http or https URL. On failure returns false and sets
// error to a short human reason ("the host contains a space", ...).
bool parse_http_url(std::string_view text, Url& out, std::string& error);

enum class LinkForm {
  http,               // http: or https:
  other_scheme,       // mailto:, tel:, data:, javascript:, ftp: ... (not fetched)
  protocol_relative,  // //host/path
  site_relative,      // /path
  relative,           // path relative to the page (not checked)
  fragment,           // #anchor
  missing_colon,      // http//host/path: a scheme without its colon
};
LinkForm classify_link(std::string_view url);

// Replaces the path and query of base with a site-relative reference.
std::string join_site_relative(const Url& base, std::string_view reference);

}  // namespace al::links
