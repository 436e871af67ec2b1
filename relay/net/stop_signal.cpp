#include "relay/net/stop_signal.hpp"

#include <pthread.h>
#include <signal.h>

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

}  // namespace relay::net
