#pragma once
// An HTTP/1.x response written as its head (status line and fields, built into one string)
// and its body, in one gather write. Beast's serializer walks a buffer sequence over every
// field on each write, which cost more CPU than the rest of a keep-alive exchange. The
// response must be prepared (prepare_payload): the body goes out as is, never chunked.
// Called on the stream's thread.
#include <array>
#include <string>
#include <tuple>

#include "relay/net/asio.hpp"

namespace relay::net {

std::string wire_head(const http::response_header<>& head);

template <class Stream, class Body>
awaitable<std::tuple<beast::error_code, std::size_t>> write_message(Stream& stream,
                                                                    const http::response<Body>& message) {
  const std::string head = wire_head(message.base());
  const auto& body = message.body();
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body.data(), body.size())};
  co_return co_await asio::async_write(stream, buffers);
}

}  // namespace relay::net
