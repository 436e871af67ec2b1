#pragma once
// A counting semaphore for coroutines of one io_context (not thread-safe): `acquire`
// waits in FIFO order until a unit is free. A waiter whose coroutine frame is destroyed
// while it waits (its io_context torn down at shutdown) leaves the queue with it, and a
// unit handed to it that it never took goes on to the next waiter: no dangling waiter, no
// lost unit, whatever order the frames go in.
#include <list>

#include "relay/net/asio.hpp"

namespace relay::net {

class AsyncSemaphore {
 public:
  explicit AsyncSemaphore(std::size_t units) : available_(units) {}
  AsyncSemaphore(const AsyncSemaphore&) = delete;
  AsyncSemaphore& operator=(const AsyncSemaphore&) = delete;

  awaitable<void> acquire() {
    if (available_ > 0) {
      --available_;
      co_return;
    }
    Waiter waiter(*this, co_await asio::this_coro::executor);
    co_await waiter.wake.async_wait();  // cancelled by release(): the unit is ours
    waiter.taken = true;
  }

  void release() {
    if (waiters_.empty()) {
      ++available_;
      return;
    }
    Waiter* next = waiters_.front();
    waiters_.pop_front();
    next->queued = false;
    next->granted = true;
    next->wake.cancel();
  }

 private:
  struct Waiter {
    Waiter(AsyncSemaphore& s, const asio::any_io_executor& ex)
        : semaphore(s), wake(ex, asio::steady_timer::time_point::max()), it(s.waiters_.insert(s.waiters_.end(), this)) {}
    ~Waiter() {
      if (queued) semaphore.waiters_.erase(it);
      if (granted && !taken) semaphore.release();
    }
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;

    AsyncSemaphore& semaphore;
    timer_t wake;
    std::list<Waiter*>::iterator it;
    bool queued = true;
    bool granted = false;
    bool taken = false;
  };

  std::size_t available_;
  std::list<Waiter*> waiters_;
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
