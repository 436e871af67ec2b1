#pragma once
// Waits for an operation that cannot be cancelled (getaddrinfo) no longer than a deadline.
// For coroutines of one io_context thread.
#include <chrono>
#include <memory>
#include <optional>

#include "relay/net/asio.hpp"

namespace relay::net {

// `op`'s result, or nullopt when it has not finished by `deadline`. `op` runs on in a
// detached coroutine that owns what it needs; a late result is dropped.
template <class T>
awaitable<std::optional<T>> finish_by(asio::io_context& io, std::chrono::steady_clock::time_point deadline,
                                      awaitable<T> op) {
  struct State {
    explicit State(asio::io_context& io) : done(io) {}
    timer_t done;  // cancelled when the result arrives
    std::optional<T> result;
  };
  auto state = std::make_shared<State>(io);
  state->done.expires_at(deadline);
  asio::co_spawn(
      io,
      [](std::shared_ptr<State> s, awaitable<T> op) -> awaitable<void> {
        s->result.emplace(co_await std::move(op));
        s->done.cancel();
      }(state, std::move(op)),
      asio::detached);
  if (!state->result) co_await state->done.async_wait();
  co_return std::move(state->result);
}

}  // namespace relay::net
