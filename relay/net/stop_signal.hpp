#pragma once
// SIGINT and SIGTERM (stop), and for `relay serve` SIGHUP (reload the config), taken
// synchronously by the main thread.
#include <chrono>

namespace relay::net {

// Blocks the signals in the calling thread and in every thread it starts afterwards;
// `reload`: SIGHUP too.
void block_stop_signals(bool reload = false);

// Waits until SIGINT or SIGTERM (or with `reload`, SIGHUP) arrives; returns its number.
// Needs block_stop_signals() with the same `reload`.
int wait_for_stop_signal(bool reload = false);
// The same for at most `wait`: 0 when none came.
int wait_for_stop_signal_for(bool reload, std::chrono::milliseconds wait);

}  // namespace relay::net
