#include "relay/config/proxy_url.hpp"

#include "relay/config/http_url.hpp"
#include "relay/config/url_authority.hpp"
#include "relay/core/base64.hpp"

#include <boost/url/parse.hpp>


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
  auto host = url_host(url);
  if (!host) {
    error = std::string(kExpected);
    return std::nullopt;
  }
  out.host = std::move(host->host);
  out.host_is_ip = host->is_ip;
  auto port = url_port(url, "1080");  // curl's default for a proxy
  if (!port) {
    error = "expected a proxy port between 1 and 65535";
    return std::nullopt;
  }
  out.port = std::move(*port);
  if (url.has_userinfo()) out.authorization = "Basic " + core::base64_encode(url.user() + ":" + url.password());
  return out;
}

}  // namespace relay::config
