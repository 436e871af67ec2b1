#pragma once
// The configuration a subcommand runs with: the file given with --config, or the
// zero-config set-up from WEBHOOK_URL / WEBHOOK_SECRET. Problems are printed to stderr,
// one per line, prefixed with the command and the file, and appended to `problems` when given.
// `registry`: live-registry entries loaded with the file (none without one).
#include "relay/config/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::cli {

std::optional<config::Config> load_config(std::string_view command, const std::string& config_file,
                                         std::vector<std::string>* problems = nullptr,
                                         const config::RegistryEntries& registry = {});

}  // namespace relay::cli
