#pragma once
// `relay serve`: the ingress server, the pipeline and delivery, wired from a Config.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "relay/config/config.hpp"

namespace relay::net {

// Reads the config again (the file relay serve was started with, with its command-line
// overrides) with the live registry's `entries`; on failure nullopt with one problem per
// line, path-qualified, in `problems`.
using ConfigLoader = std::function<std::optional<config::Config>(const config::RegistryEntries& entries,
                                                                 std::vector<std::string>& problems)>;

// Serves until SIGINT or SIGTERM, then stops accepting, finishes the requests in flight
// and drains deliveries for at most `drain_timeout`. Queued mode opens the outbox at
// config.store.path (what is not delivered by then stays there for the next start); sync
// mode has none. Prints "relay serve: listening on URL" to stderr once ready, problems
// too. SIGHUP and POST /admin/reload serve new events with what `reload` loads (refused
// without it; see LiveConfig). With `reload` and a store, the live registry's entries are
// served too, and every second the store is asked whether the registry changed (another
// relay or the CLI), and its entries are loaded again when it did. Returns the exit code
// (0 after a stop signal, 1 when it
// cannot start).
int run_serve(const config::Config& config, std::chrono::milliseconds drain_timeout, ConfigLoader reload = {});

}  // namespace relay::net
