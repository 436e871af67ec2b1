#include "relay/config/proxy_url.hpp"

#include "relay/config/http_url.hpp"
#include "relay/core/base64.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace relay::config {

namespace urls = boost::urls;

namespace {

constexpr std::string_view kExpected = "expected an http:// proxy URL such as http://proxy.example:3128";

}  // namespace

std::string ProxyUrl::shown() const {
  return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

std::optional<ProxyUrl> parse_proxy_url(std::string_view text, std::string& error) {
  const std::string with_scheme =
      text.find("://") == std::string_view::npos ? "http://" + std::string(text) : std::string(text);
  const auto parsed = urls::parse_uri(with_scheme);
  if (!parsed || !parsed->has_authority()) {
    error = std::string(kExpected);
    return std::nullopt;
  }
  const urls::url_view& url = *parsed;
  if (url.scheme_id() == urls::scheme::https) {
    error = "a proxy spoken to over TLS (https://) is not supported; give it as http://";
    return std::nullopt;
  }
  if (url.scheme_id() != urls::scheme::http) {
    error = std::string(kExpected) + " (SOCKS and other schemes are not supported)";
    return std::nullopt;
  }
  if ((!url.encoded_path().empty() && url.encoded_path() != "/") || url.has_query() || url.has_fragment()) {
    error = std::string(kExpected) + ", without a path";
    return std::nullopt;
  }
  ProxyUrl out;
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
      error = std::string(kExpected);
      return std::nullopt;
  }
  out.port = "1080";
  if (url.has_port() && !url.port().empty()) {
    const std::string_view port = url.port();
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      error = "expected a proxy port between 1 and 65535";
      return std::nullopt;
    }
    out.port = std::to_string(value);
  }
  if (url.has_userinfo()) out.authorization = "Basic " + core::base64_encode(url.user() + ":" + url.password());
  return out;
}

}  // namespace relay::config
