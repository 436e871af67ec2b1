#include "relay/net/proxy_tunnel.hpp"

namespace relay::net {

awaitable<std::string> open_tunnel(tcp_stream& stream, const config::ProxyUrl& proxy, const config::HttpUrl& target,
                                   std::chrono::steady_clock::time_point deadline) {
  const std::string authority =
      (target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host) + ":" + target.port;
  const std::string which = "proxy " + proxy.shown();
  http::request<http::empty_body> connect{http::verb::connect, authority, 11};
  connect.set(http::field::host, authority);
  connect.set(http::field::user_agent, "relay/0.1");
  if (!proxy.authorization.empty()) connect.set(http::field::proxy_authorization, proxy.authorization);
  stream.expires_at(deadline);
  auto [wec, wn] = co_await http::async_write(stream, connect);
  if (wec) co_return which + ": sending CONNECT: " + wec.message();
  // The answer to CONNECT has no body; whatever follows its header is the target's.
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);
  auto [rec, rn] = co_await http::async_read_header(stream, buffer, parser);
  if (rec) co_return which + ": reading its answer to CONNECT: " + rec.message();
  const auto& answer = parser.get();
  if (answer.result_int() / 100 != 2)
    co_return which + " refused CONNECT to " + authority + ": " + std::to_string(answer.result_int()) + " " +
        std::string(answer.reason());
  // A TLS server speaks only after the client's hello: earlier bytes are not the target's.
  if (buffer.size() != 0) co_return which + ": sent bytes after its answer to CONNECT";
  co_return std::string();
}

}  // namespace relay::net
