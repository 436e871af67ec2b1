#pragma once
// The parts of an http:// or https:// URL a client needs to connect and send.
#include <optional>
#include <string>
#include <string_view>

namespace relay::net {

struct HttpUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // always set: explicit, or 80 / 443
  std::string target;  // path and query, "/" when empty

  // The Host header value: host, with ":port" when not the scheme's default.
  std::string host_header() const;
};

// nullopt for anything but an absolute http(s) URL with a host; user info is refused.
std::optional<HttpUrl> parse_http_url(std::string_view url);

}  // namespace relay::net
