#pragma once
// Wakes this relay's scheduler when another relay on the same PostgreSQL outbox stores or
// replays deliveries: LISTENs on the outbox's channel on a connection of its own, on its own
// thread, and calls `wake` for each notification. A lost connection is re-established after
// `retry` (the scheduler's periodic check covers the gap). `wake` must be thread-safe.
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace relay::net {

class PostgresWakeups {
 public:
  PostgresWakeups(std::string url, std::function<void()> wake,
                  std::chrono::milliseconds retry = std::chrono::seconds(1));
  ~PostgresWakeups();  // stops and joins the thread
  PostgresWakeups(const PostgresWakeups&) = delete;
  PostgresWakeups& operator=(const PostgresWakeups&) = delete;

 private:
  void run();

  std::string url_;
  std::function<void()> wake_;
  std::chrono::milliseconds retry_;
  int stop_[2] = {-1, -1};  // a pipe: writing to it ends run()
  std::thread thread_;
};

}  // namespace relay::net
