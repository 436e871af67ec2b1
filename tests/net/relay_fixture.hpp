#pragma once
// End-to-end helpers: `relay sink` and `relay serve` as child processes on
// loopback ports the system picks, config files in a TempDir, sample events and
// what the sink must get.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/run_process.hpp"

namespace relay::testing {

inline constexpr const char* kSinkSecret = "sink-secret";

// A relay subcommand that listens; `url` is where, from its first stderr line.
struct Listening {
  std::unique_ptr<ChildProcess> process;
  std::string url;
};

// `relay serve` gets `--log-level warn` unless `args` name a level.
Listening start_relay(std::vector<std::string> args, const std::vector<std::string>& env = {});

// `relay sink --listen 127.0.0.1:0 --secret kSinkSecret` plus `args`.
Listening start_sink(std::vector<std::string> args = {});

// A config for `relay serve --config`: ECS task events routed to `sink_url` +
// "/hooks", signed with kSinkSecret, quick retries. The strings are YAML
// fragments to change parts.
struct ServeConfig {
  explicit ServeConfig(std::string sink) : sink_url(std::move(sink)) {}
  ServeConfig& set(std::string ServeConfig::*part, std::string yaml) {
    this->*part = std::move(yaml);
    return *this;
  }

  std::string sink_url;
  std::string auth = "{type: none}";
  std::string ingress = "  read_timeout: 2s\n";
  std::string delivery = "{mode: queued, max_backlog: 10000}";
  std::string timeout = "5s";  // the destination's
  std::string destination;     // extra destination keys, each line indented by 4
  std::string retry = "{schedule: [50ms, 50ms, 50ms, 50ms, 50ms], jitter: 0}";
  std::string store;  // start_serve puts the outbox in its TempDir when empty
  std::string admin;  // e.g. "{token: t0k}"; no admin API when empty
  std::string outbound;  // e.g. "{deny: [loopback]}"; the default when empty
  std::string more_routes;  // route entries after the "ecs" one ("  - {...}\n" each)
  std::string yaml() const;
};

Listening start_serve(const TempDir& dir, const ServeConfig& config, std::vector<std::string> args = {},
                      const std::vector<std::string>& env = {});

// Where start_serve puts the outbox unless the config says otherwise.
std::string outbox_path(const TempDir& dir);

std::string sample(const std::string& name);  // payloads/samples/<name>

// The ECS stopped-task sample with its task ARN (and so the incident id) made
// unique by `n`.
std::string ecs_event(int n);
// The task ARN in an incident body the sink printed.
std::string task_arn_of(const std::string& incident);

// Reads `count` lines from the sink within `timeout`; fewer when they do not
// come.
std::vector<std::string> sink_lines(ChildProcess& sink, std::size_t count, std::chrono::milliseconds timeout);

}  // namespace relay::testing
