#pragma once
// A destination's rate limit, shared by every server thread: one token bucket behind a mutex.
// Any thread may call wait_turn(); the wait is a timer on the caller's executor.
#include <mutex>

#include "relay/core/token_bucket.hpp"
#include "relay/net/asio.hpp"

namespace relay::net {

class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : bucket_(per_second, burst) {}

  // Returns when the caller's request may go: at once while the bucket holds a token, else
  // when the one it reserved is due. A reserved token is spent even if the caller gives up.
  awaitable<void> wait_turn();

 private:
  std::mutex mutex_;
  core::TokenBucket bucket_;
};

}  // namespace relay::net
