// `relay serve`: receive events over HTTP(S), route, transform, sign and deliver them.
#include <CLI/CLI.hpp>

#include "relay/cli/commands.hpp"
#include "relay/cli/load_config.hpp"
#include "relay/config/listen_address.hpp"
#include "relay/net/log.hpp"
#include "relay/net/serve.hpp"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace relay::cli {

namespace {

struct ServeOptions {
  std::string config_file;
  std::string listen;
  std::string db;
  bool sync = false;
  std::size_t threads = 0;
  unsigned drain_seconds = 20;
  std::string log_level = "info";
  bool log_payloads = false;
};

// The config file, with the live registry's `entries` and the command line's overrides
// (--listen already checked): at start and for every reload. Problems go to stderr and `problems`.
std::optional<config::Config> load(const ServeOptions& opt, const config::RegistryEntries& entries,
                                   std::vector<std::string>& problems) {
  auto config = load_config("relay serve", opt.config_file, &problems, entries);
  if (!config) return std::nullopt;
  if (!opt.listen.empty()) config->listen = opt.listen;
  if (!opt.db.empty()) {
    config->store.type = store::StoreType::sqlite;
    config->store.path = opt.db;
  }
  if (opt.sync) config->delivery.mode = config::DeliveryMode::sync;
  if (opt.threads) config->threads = opt.threads;
  return config;
}

int run(const ServeOptions& opt) {
  observe::LogLevel level;
  if (!observe::parse_log_level(opt.log_level, level)) {
    std::cerr << "relay serve: --log-level: expected error, warn, info or debug\n";
    return 2;
  }
  net::configure_log(level, opt.log_payloads);
  if (std::string problem; !opt.listen.empty() && !config::parse_listen_address(opt.listen, problem)) {
    std::cerr << "relay serve: --listen: " << problem << "\n";
    return 2;
  }
  std::vector<std::string> problems;
  auto config = load(opt, {}, problems);
  if (!config) return 1;
  // Without a file there is nothing to read again.
  net::ConfigLoader reload;
  if (!opt.config_file.empty())
    reload = [opt](const config::RegistryEntries& entries, std::vector<std::string>& found) {
      return load(opt, entries, found);
    };
  return net::run_serve(*config, std::chrono::seconds(opt.drain_seconds), std::move(reload));
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve",
                                 "Receive events on POST /events and deliver them (zero-config from WEBHOOK_URL and "
                                 "WEBHOOK_SECRET without --config)");
  cmd->add_option("--config", opt->config_file, "Config file (YAML or JSON)");
  cmd->add_option("--listen", opt->listen, "ADDRESS:PORT to listen on, overriding the config (port 0: any free port)");
  cmd->add_option("--db", opt->db, "The SQLite outbox file, overriding the config's store (default: var/relay.db)");
  cmd->add_flag("--sync", opt->sync,
                "Deliver before answering, with no outbox: 200 when the receiver accepted, 502 otherwise");
  cmd->add_option("--threads", opt->threads, "Server threads, overriding the config (default: one per core)");
  cmd->add_option("--drain-timeout", opt->drain_seconds, "Seconds to finish requests and deliveries after SIGTERM")
      ->capture_default_str();
  cmd->add_option("--log-level", opt->log_level, "error, warn, info (one line per event and attempt) or debug")
      ->capture_default_str();
  cmd->add_flag("--log-payloads", opt->log_payloads, "Also log each delivery's body (never its signature headers)");
  cmd->callback([opt, &exit_code] { exit_code = run(*opt); });
}

}  // namespace relay::cli
