// finish_by: how DNS resolution is kept within connect_timeout (getaddrinfo cannot be
// cancelled, so the wait must end without it).
#include "relay/net/finish_by.hpp"

#include <gtest/gtest.h>

namespace relay::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An operation that takes `how_long`, then records that it finished and yields 7.
awaitable<int> slow(std::chrono::milliseconds how_long, bool& finished) {
  timer_t t(co_await asio::this_coro::executor, how_long);
  co_await t.async_wait();
  finished = true;
  co_return 7;
}

// Runs finish_by(deadline_in, slow(takes)) and stops the io_context as soon as it returns.
std::optional<int> run(std::chrono::milliseconds deadline_in, std::chrono::milliseconds takes, bool& finished) {
  asio::io_context io;
  std::optional<int> result;
  asio::co_spawn(
      io,
      [](asio::io_context& io, std::chrono::milliseconds deadline_in, std::chrono::milliseconds takes, bool& finished,
         std::optional<int>& out) -> awaitable<void> {
        out = co_await finish_by(io, Clock::now() + deadline_in, slow(takes, finished));
        io.stop();
      }(io, deadline_in, takes, finished, result),
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return result;
}

TEST(FinishBy, GivesUpAtTheDeadlineWithoutWaitingForTheOperation) {
  bool finished = false;
  EXPECT_EQ(run(20ms, 30s, finished), std::nullopt);
  EXPECT_FALSE(finished);
}

TEST(FinishBy, ReturnsTheResultOfAnOperationThatEndsInTime) {
  bool finished = false;
  EXPECT_EQ(run(30s, 1ms, finished), 7);
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace relay::net
