// `relay config check FILE`: validate a config file, listing every problem.
#include "relay/cli/commands.hpp"
#include "relay/cli/load_config.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace relay::cli {

namespace {

int run_check(const std::string& file) {
  auto cfg = load_config("relay config check", file);
  if (!cfg) return 2;
  std::cout << file << ": ok (" << cfg->pipeline->destinations().all().size() << " destinations, " << cfg->routes.size() << " routes)\n";
  return 0;
}

}  // namespace

void add_config_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("config", "Work with config files");
  cmd->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  auto* check = cmd->add_subcommand("check", "Validate a config file; prints every problem with its path, exit 0 or 2");
  check->add_option("file", *file, "The config file (YAML or JSON)")->required();
  check->callback([file, &exit_code] { exit_code = run_check(*file); });
}

}  // namespace relay::cli
