#include "relay/net/stop_signal.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>

namespace relay::net {

namespace {

sigset_t stop_signals(bool reload) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (reload) sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void block_stop_signals(bool reload) {
  const sigset_t set = stop_signals(reload);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_stop_signal(bool reload) {
  const sigset_t set = stop_signals(reload);
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

int wait_for_stop_signal_for(bool reload, std::chrono::milliseconds wait) {
  const sigset_t set = stop_signals(reload);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::max(std::chrono::nanoseconds(0), deadline - std::chrono::steady_clock::now());
    const timespec timeout{static_cast<time_t>(left.count() / 1'000'000'000),
                           static_cast<long>(left.count() % 1'000'000'000)};
    const int signal = sigtimedwait(&set, nullptr, &timeout);
    if (signal > 0) return signal;
    if (errno == EAGAIN) return 0;
  }
}

}  // namespace relay::net
