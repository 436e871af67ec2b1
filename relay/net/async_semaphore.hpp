#pragma once
// A counting semaphore for coroutines of one io_context (not thread-safe): `acquire`
// waits in FIFO order until a unit is free.
#include <deque>

#include "relay/net/asio.hpp"

namespace relay::net {

class AsyncSemaphore {
 public:
  explicit AsyncSemaphore(std::size_t units) : available_(units) {}

  awaitable<void> acquire() {
    if (available_ > 0) {
      --available_;
      co_return;
    }
    timer_t wake(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    waiters_.push_back(&wake);
    co_await wake.async_wait();  // cancelled by release(): the unit is ours
  }

  void release() {
    if (waiters_.empty()) {
      ++available_;
      return;
    }
    timer_t* next = waiters_.front();
    waiters_.pop_front();
    next->cancel();
  }

 private:
  std::size_t available_;
  std::deque<timer_t*> waiters_;
};

// Holds one unit from `acquire` until destroyed.
class SemaphoreUnit {
 public:
  explicit SemaphoreUnit(AsyncSemaphore& s) : s_(s) {}
  ~SemaphoreUnit() { s_.release(); }
  SemaphoreUnit(const SemaphoreUnit&) = delete;
  SemaphoreUnit& operator=(const SemaphoreUnit&) = delete;

 private:
  AsyncSemaphore& s_;
};

}  // namespace relay::net
