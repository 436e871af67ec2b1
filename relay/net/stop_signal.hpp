#pragma once
// SIGINT and SIGTERM, taken synchronously by the main thread.
namespace relay::net {

// Blocks both signals in the calling thread and in every thread it starts afterwards.
void block_stop_signals();

// Waits until SIGINT or SIGTERM arrives; returns its number. Needs block_stop_signals().
int wait_for_stop_signal();

}  // namespace relay::net
