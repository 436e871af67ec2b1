#include "relay/net/postgres_wakeups.hpp"

#include "relay/net/log.hpp"
#include "relay/store/pg_connection.hpp"
#include "relay/store/postgres_outbox.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <memory>
#include <system_error>

namespace relay::net {

PostgresWakeups::PostgresWakeups(std::string url, std::function<void()> wake, std::chrono::milliseconds retry)
    : url_(std::move(url)), wake_(std::move(wake)), retry_(retry) {
  if (::pipe2(stop_, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  thread_ = std::thread([this] { run(); });
}

PostgresWakeups::~PostgresWakeups() {
  const char stop = 1;
  [[maybe_unused]] const auto written = ::write(stop_[1], &stop, 1);
  thread_.join();
  ::close(stop_[0]);
  ::close(stop_[1]);
}

void PostgresWakeups::run() {
  bool failing = false;
  for (;;) {
    std::unique_ptr<store::PgConnection> db;
    try {
      db = std::make_unique<store::PgConnection>(url_, std::chrono::seconds(10));
      db->exec("LISTEN " + std::string(store::kNotifyChannel));
      if (failing) log(observe::LogLevel::info, "relay serve: listening for other relays' deliveries again", {});
      failing = false;
    } catch (const store::StoreError& e) {
      if (!failing) log(observe::LogLevel::warn, "relay serve: cannot listen for other relays' deliveries", {{"error", e.what()}});
      failing = true;
    }
    for (;;) {
      pollfd fds[2] = {{stop_[0], POLLIN, 0}, {db ? db->socket() : -1, POLLIN, 0}};
      const int ready = ::poll(fds, db ? 2 : 1, db ? -1 : static_cast<int>(retry_.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (fds[0].revents) return;
      if (!db) break;  // time to try connecting again
      if (!fds[1].revents) continue;
      try {
        if (!db->notifications().empty()) wake_();
      } catch (const store::StoreError& e) {
        log(observe::LogLevel::warn, "relay serve: lost the connection listening for other relays' deliveries",
            {{"error", e.what()}});
        failing = true;
        wake_();  // whatever was notified meanwhile is found by a claim
        break;
      }
    }
  }
}

}  // namespace relay::net
