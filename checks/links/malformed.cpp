// links/malformed: URLs no browser or client can fetch, found without the network.
#include <fmt/format.h>

#include <optional>
#include <string_view>

#include "archive_lint/check.hpp"
#include "links/url.hpp"

namespace al::checks {
namespace {

class Malformed final : public Check {
 public:
  const CheckMeta& meta() const override {
    static const CheckMeta m{
        "links/malformed",
        "A link's URL cannot be parsed (space in the host, missing ':', empty host, bad IPv6 literal)",
        "A URL such as `http://exa mple.com/a`, `http//www.example.com/a` (no colon: a browser reads it as a "
        "relative path), `http://` (no host) or `https://[::1/a` (unterminated IPv6 literal) is broken for every "
        "reader, whatever the network says. This check parses every http, https and protocol-relative link "
        "without any network access and reports the first problem it finds. Fix the URL where it is written.",
        Severity::error, {}};
    return m;
  }
  void check(const Document& doc, Emitter& emit) const override {
    if (doc.links_omitted > 0) {
      emit.report(doc.first_omitted_link, doc.first_omitted_link,
                  fmt::format("the post has {} links, more than the {} archive-lint keeps: {} of them, from this "
                              "one on, are not checked offline or online (a limit of archive-lint, see "
                              "docs/limits.md)",
                              doc.links.size() + doc.links_omitted, kMaxLinks, doc.links_omitted));
    }
    for (const auto& link : doc.links) {
      std::string error;
      switch (links::classify_link(link.url)) {
        case links::LinkForm::missing_colon: {
          const auto slashes = link.url.find("//");
          // The fix goes where the '//' is in the file: link.url is entity-decoded
          // for HTML, the span is the URL as written.
          const std::string_view raw(doc.bytes.data() + link.begin, link.end - link.begin);
          const auto raw_slashes = raw.find("//");
          std::optional<Fix> fix;
          if (raw_slashes != std::string_view::npos)
            fix = Fix{"add the ':'", link.begin + raw_slashes, link.begin + raw_slashes, ":"};
          emit.report(link.begin, link.end,
                      fmt::format("malformed URL '{}': '{}' is missing the ':' after the scheme", link.url,
                                  link.url.substr(0, slashes + 2)),
                      std::move(fix));
          break;
        }
        case links::LinkForm::http: {
          links::Url url;
          if (!links::parse_http_url(link.url, url, error))
            emit.report(link.begin, link.end, fmt::format("malformed URL '{}': {}", link.url, error));
          break;
        }
        case links::LinkForm::protocol_relative: {
          links::Url url;
          if (!links::parse_http_url("https:" + link.url, url, error))
            emit.report(link.begin, link.end, fmt::format("malformed URL '{}': {}", link.url, error));
          break;
        }
        default: break;
      }
    }
  }
};

}  // namespace
std::unique_ptr<Check> make_links_malformed() { return std::make_unique<Malformed>(); }
}  // namespace al::checks
