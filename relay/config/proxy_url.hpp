#pragma once
// An HTTP proxy's URL, as the `proxy` key and HTTPS_PROXY / HTTP_PROXY give it:
// http://[user:password@]host[:port][/], or host[:port] (curl's form, taken as http://).
// The port defaults to 1080, as curl's does. Proxies spoken to over TLS (https://) or
// SOCKS are refused.
#include <optional>
#include <string>
#include <string_view>

namespace relay::config {

struct ProxyUrl {
  std::string host;  // without brackets for IPv6 literals
  bool host_is_ip = false;
  std::string port;
  // "Basic base64(user:password)" when the URL has user info (percent-decoded), else empty.
  std::string authorization;

  // http://host:port: how the proxy may be printed (never its credentials).
  std::string shown() const;
};

// nullopt with `error` (which never quotes the text: it may hold a password) when `text` is
// not such a URL.
std::optional<ProxyUrl> parse_proxy_url(std::string_view text, std::string& error);

}  // namespace relay::config
