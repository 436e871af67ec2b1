// AsyncSemaphore when coroutine frames are torn down at shutdown: a waiter destroyed while
// it waits must neither dangle in the queue nor take a unit with it.
#include "relay/net/async_semaphore.hpp"

#include <gtest/gtest.h>

namespace relay::net {
namespace {

awaitable<void> hold_until_cancelled(AsyncSemaphore& s, timer_t& hold, bool& holding) {
  co_await s.acquire();
  SemaphoreUnit unit(s);
  holding = true;
  co_await hold.async_wait();
  holding = false;
}

awaitable<void> take(AsyncSemaphore& s, bool& got) {
  co_await s.acquire();
  SemaphoreUnit unit(s);
  got = true;
}

TEST(AsyncSemaphore, WaitersGetUnitsInOrder) {
  AsyncSemaphore s(1);
  asio::io_context io;
  timer_t hold(io, asio::steady_timer::time_point::max());
  bool holding = false, first = false, second = false;
  asio::co_spawn(io, hold_until_cancelled(s, hold, holding), asio::detached);
  asio::co_spawn(io, take(s, first), asio::detached);
  asio::co_spawn(io, take(s, second), asio::detached);
  io.poll();
  EXPECT_TRUE(holding);
  EXPECT_FALSE(first);
  hold.cancel();
  io.poll();
  EXPECT_TRUE(first);
  EXPECT_TRUE(second);
}

TEST(AsyncSemaphore, AWaiterDestroyedWhileWaitingLeavesTheQueue) {
  AsyncSemaphore s(1);
  asio::io_context io;
  timer_t hold(io, asio::steady_timer::time_point::max());
  bool holding = false;
  asio::co_spawn(io, hold_until_cancelled(s, hold, holding), asio::detached);
  io.poll();
  ASSERT_TRUE(holding);
  {
    asio::io_context doomed;  // its waiting coroutine's frame goes with it
    bool got = false;
    asio::co_spawn(doomed, take(s, got), asio::detached);
    doomed.poll();
    EXPECT_FALSE(got);
  }
  hold.cancel();
  io.poll();
  ASSERT_FALSE(holding);
  bool later = false;
  io.restart();  // it ran out of work
  asio::co_spawn(io, take(s, later), asio::detached);
  io.poll();
  EXPECT_TRUE(later) << "the unit went to a waiter that no longer exists";
}

TEST(AsyncSemaphore, AUnitHandedToAWaiterThatNeverRanGoesOn) {
  AsyncSemaphore s(1);
  asio::io_context io;
  timer_t hold(io, asio::steady_timer::time_point::max());
  bool holding = false, second = false;
  asio::co_spawn(io, hold_until_cancelled(s, hold, holding), asio::detached);
  io.poll();
  {
    asio::io_context doomed;
    bool first = false;
    asio::co_spawn(doomed, take(s, first), asio::detached);
    doomed.poll();  // queued first
    asio::co_spawn(io, take(s, second), asio::detached);
    hold.cancel();
    io.poll();  // the holder releases to the first waiter, which never runs
    EXPECT_FALSE(first);
    EXPECT_FALSE(second);
  }
  io.poll();
  EXPECT_TRUE(second);
}

}  // namespace
}  // namespace relay::net
