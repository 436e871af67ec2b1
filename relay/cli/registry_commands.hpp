#pragma once
// put, delete and list of live-registry entries of one kind, under `parent` (`relay
// destinations`, `relay routes`).
#include "relay/config/registry_change.hpp"

namespace CLI {
class App;
}

namespace relay::cli {

void add_registry_subcommands(CLI::App& parent, config::EntryKind kind, int& exit_code);

}  // namespace relay::cli
