#pragma once
// "ADDR:PORT" as given to --listen: an IPv4 address, a bracketed IPv6 address or a host
// name, and a port (0 lets the system choose).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay::net {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

std::optional<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace relay::net
