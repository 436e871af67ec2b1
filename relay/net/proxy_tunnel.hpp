#pragma once
// The CONNECT exchange that turns a connection to an HTTP proxy into a tunnel to an https
// destination; the caller then speaks TLS through it. Coroutine on the stream's executor.
#include <chrono>
#include <string>

#include "relay/config/http_url.hpp"
#include "relay/config/proxy_url.hpp"
#include "relay/net/asio.hpp"

namespace relay::net {

// Asks `proxy`, connected on `stream`, for a tunnel to `target`'s host and port, with
// Proxy-Authorization when the proxy URL has credentials. "" once the tunnel is open;
// otherwise why, e.g. "proxy http://p:3128 refused CONNECT to h:443: 407 Proxy
// Authentication Required" (never the credentials).
awaitable<std::string> open_tunnel(tcp_stream& stream, const config::ProxyUrl& proxy, const config::HttpUrl& target,
                                   std::chrono::steady_clock::time_point deadline);

}  // namespace relay::net
