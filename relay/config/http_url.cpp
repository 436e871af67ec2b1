#include "relay/config/http_url.hpp"

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
  switch (url.host_type()) {
    case urls::host_type::ipv4:
      out.host = url.host_ipv4_address().to_string();
      out.host_is_ip = true;
      break;
    case urls::host_type::ipv6:
      out.host = url.host_ipv6_address().to_string();
      out.host_is_ip = true;
      break;
    case urls::host_type::name:
      out.host = url.host();
      if (is_host_name(out.host)) break;
      [[fallthrough]];
    default:
      error = "expected an http:// or https:// URL with a host name or IP address";
      return std::nullopt;
  }
  if (url.has_port() && !url.port().empty()) {
    const std::string_view port = url.port();
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      error = "expected a port between 1 and 65535";
      return std::nullopt;
    }
    out.port = std::to_string(value);
  } else {
    out.port = out.tls ? "443" : "80";
  }
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
