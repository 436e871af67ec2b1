#include "relay/config/listen_address.hpp"

#include "relay/pattern/ip_address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace relay::config {

namespace {

constexpr const char* kExpected = "expected ADDRESS:PORT, e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:443";

bool valid_host_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    error = kExpected;
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.front() == '[') {
    const auto ip = host.back() == ']' ? pattern::parse_ip(host.substr(1, host.size() - 2)) : std::nullopt;
    if (!ip || !ip->v6) {
      error = kExpected;
      return std::nullopt;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    error = "an IPv6 address needs brackets: [" + std::string(host) + "]:" + std::string(port);
    return std::nullopt;
  } else if (!valid_host_name(host)) {
    error = kExpected;
    return std::nullopt;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
    error = kExpected;
    return std::nullopt;
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

bool is_loopback(const ListenAddress& address) {
  if (address.host == "localhost") return true;
  const auto ip = pattern::parse_ip(address.host);
  if (!ip) return false;
  if (!ip->v6) return ip->bytes[0] == 127;
  pattern::IpAddress v6_loopback{{}, true};
  v6_loopback.bytes[15] = 1;
  return *ip == v6_loopback;
}

}  // namespace relay::config
