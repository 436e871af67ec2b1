#pragma once
// "ADDR:PORT" as given to `listen` and --listen: an IPv4 address, a bracketed IPv6 address
// or a host name, and a port (0 lets the system choose). The one parser config validation,
// `relay serve` and `relay sink` share.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay::config {

struct ListenAddress {
  std::string host;  // without brackets
  std::uint16_t port = 0;
};

// nullopt with `error` set for anything else; a bare IPv6 address ("::1:8080") gets a
// suggestion with brackets ("[::1]:8080").
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error);

// True when only this machine can connect: 127.0.0.0/8, ::1 or "localhost". A host name
// or a wildcard (0.0.0.0, ::) is not.
bool is_loopback(const ListenAddress& address);

}  // namespace relay::config
