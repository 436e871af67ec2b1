#include "relay/net/url.hpp"

#include <algorithm>
#include <cctype>

namespace relay::net {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(), [](char p, char c) {
           return p == std::tolower(static_cast<unsigned char>(c));
         });
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string HttpUrl::host_header() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == (tls ? "443" : "80") ? h : h + ":" + port;
}

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl out;
  if (starts_with_ci(url, "https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (starts_with_ci(url, "http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view{} : url.substr(end);
  rest = rest.substr(0, rest.find('#'));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty() && !all_digits(port)) return std::nullopt;
  out.host = std::string(host);
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  out.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return out;
}

}  // namespace relay::net
