#include "relay/net/rate_limiter.hpp"

#include <boost/asio/this_coro.hpp>

namespace relay::net {

awaitable<void> RateLimiter::wait_turn() {
  const auto now = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point due;
  {
    std::lock_guard lock(mutex_);
    due = bucket_.take(now);
  }
  if (due <= now) co_return;
  timer_t timer(co_await asio::this_coro::executor);
  timer.expires_at(due);
  co_await timer.async_wait();
}

}  // namespace relay::net
