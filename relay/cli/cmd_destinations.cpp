// `relay destinations test NAME`: sends a test event to one destination, signed as every
// delivery to it, and prints the receiver's answer as one JSON line. put, delete and list
// change the live registry (cmd_registry.cpp).
#include <CLI/CLI.hpp>
#include <iostream>

#include "relay/cli/commands.hpp"
#include "relay/cli/load_config.hpp"
#include "relay/cli/registry_commands.hpp"
#include "relay/net/destination_test.hpp"

namespace relay::cli {

namespace {

struct DestinationsOptions {
  std::string config_file;
  std::string name;
};

int test(const DestinationsOptions& opt) {
  constexpr std::string_view command = "relay destinations test";
  auto config = load_config(command, opt.config_file);
  if (!config) return 1;
  try {
    const auto attempt = net::test_destination(*config, opt.name);
    if (!attempt) {
      std::cerr << command << ": no destination named \"" << opt.name << "\"\n";
      return 2;
    }
    const net::Answer answer = net::destination_test_answer(opt.name, *attempt);
    std::cout << answer.body << "\n";
    return answer.status == 200 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_destinations_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<DestinationsOptions>();
  auto* cmd = app.add_subcommand("destinations", "Check the configured destinations, change the live registry's");
  cmd->require_subcommand(1);
  auto* test_cmd = cmd->add_subcommand(
      "test", "Send a test event to a destination; print its status (exit 0 when it was delivered)");
  test_cmd->add_option("name", opt->name, "Destination name")->required();
  test_cmd->add_option("--config", opt->config_file, "Config file (default: zero-config from WEBHOOK_URL)");
  test_cmd->callback([opt, &exit_code] { exit_code = test(*opt); });
  add_registry_subcommands(*cmd, config::EntryKind::destination, exit_code);
}

}  // namespace relay::cli
