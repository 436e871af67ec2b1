#include "relay/config/http_url.hpp"

#include "relay/config/url_authority.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace relay::config {

namespace urls = boost::urls;

bool is_host_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

std::optional<UrlHost> url_host(const urls::url_view& url) {
  switch (url.host_type()) {
    case urls::host_type::ipv4: return UrlHost{url.host_ipv4_address().to_string(), true};
    case urls::host_type::ipv6: return UrlHost{url.host_ipv6_address().to_string(), true};
    case urls::host_type::name:
      if (std::string name = url.host(); is_host_name(name)) return UrlHost{std::move(name), false};
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<std::string> url_port(const urls::url_view& url, std::string fallback) {
  if (!url.has_port() || url.port().empty()) return fallback;
  const std::string_view port = url.port();
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
  return std::to_string(value);
}

std::string HttpUrl::host_header() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == (tls ? "443" : "80") ? h : h + ":" + port;
}

std::string HttpUrl::redacted() const { return (tls ? "https://" : "http://") + host_header() + "/<redacted>"; }

std::optional<HttpUrl> parse_http_url(std::string_view text, std::string& error) {
  const auto parsed = urls::parse_uri(text);
  if (!parsed) {
    error = "expected an http:// or https:// URL with a host";
    return std::nullopt;
  }
  const urls::url_view& url = *parsed;
  HttpUrl out;
  if (url.scheme_id() == urls::scheme::https) {
    out.tls = true;
  } else if (url.scheme_id() != urls::scheme::http) {
    error = "expected an http:// or https:// URL with a host";
    return std::nullopt;
  }
  if (url.has_userinfo()) {
    error = "user info (user:password@) is not allowed in a URL: it would be logged and sent in clear; "
            "put credentials in a header (headers: {authorization: env:NAME})";
    return std::nullopt;
  }
  auto host = url_host(url);
  if (!host) {
    error = "expected an http:// or https:// URL with a host name or IP address";
    return std::nullopt;
  }
  out.host = std::move(host->host);
  out.host_is_ip = host->is_ip;
  auto port = url_port(url, out.tls ? "443" : "80");
  if (!port) {
    error = "expected a port between 1 and 65535";
    return std::nullopt;
  }
  out.port = std::move(*port);
  out.target = url.encoded_path();
  // Boost.URL 1.81 reads "http://h:80x/" as port 80 and path "x/": after an authority the
  // path must be empty or start with a slash (RFC 3986 path-abempty).
  if (!out.target.empty() && out.target.front() != '/') {
    error = "expected a port between 1 and 65535";
    return std::nullopt;
  }
  if (out.target.empty()) out.target = "/";
  if (url.has_query()) out.target += "?" + std::string(url.encoded_query());
  return out;
}

}  // namespace relay::config
