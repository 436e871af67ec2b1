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

// True when only this machine can connect: 127.0.0.0/8, ::1 or "localhost". A host name
// or a wildcard (0.0.0.0, ::) is not.
bool is_loopback(const ListenAddress& address);

}  // namespace relay::net
