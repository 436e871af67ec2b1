#pragma once
// `relay serve`: the ingress server, the pipeline and delivery, wired from a Config.
#include <chrono>

#include "relay/config/config.hpp"

namespace relay::net {

// Serves until SIGINT or SIGTERM, then stops accepting, finishes the requests in flight
// and drains deliveries for at most `drain_timeout`. Queued mode opens the outbox at
// config.store.path (what is not delivered by then stays there for the next start); sync
// mode has none. Prints "relay serve: listening on URL" to stderr once ready, problems
// too. Returns the exit code (0 after a stop signal, 1 when it cannot start).
int run_serve(const config::Config& config, std::chrono::milliseconds drain_timeout);

}  // namespace relay::net
