#pragma once
// A destination's http:// or https:// URL (parsed with Boost.URL): the parts a client needs
// to connect and send. The one parser that both config validation and delivery use.
#include <optional>
#include <string>
#include <string_view>

namespace relay::config {

struct HttpUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6 literals; IP literals in canonical form
  bool host_is_ip = false;
  std::string port;    // always set: explicit, or 80 / 443
  std::string target;  // path and query, "/" when empty; the fragment is dropped

  // The Host header value: host, with ":port" when not the scheme's default.
  std::string host_header() const;
  // scheme://host[:port]/<redacted>: how a URL that is a secret (env:, file:) is shown.
  std::string redacted() const;
};

// Letters, digits, '-', '.' and '_' only: a name DNS can be asked about.
bool is_host_name(std::string_view name);

// nullopt for anything but an absolute http(s) URL with a host name or IP address and a
// port in 1-65535; `error` then says what is wrong without quoting the URL (it may be a
// secret). User info (user:password@) is refused: it would be logged and sent in clear.
std::optional<HttpUrl> parse_http_url(std::string_view text, std::string& error);

}  // namespace relay::config
