// `relay lambda`: run as an AWS Lambda custom runtime (the bootstrap of a provided.al2023 function).
#include <CLI/CLI.hpp>

#include "relay/cli/commands.hpp"
#include "relay/cli/load_config.hpp"
#include "relay/net/lambda_loop.hpp"
#include "relay/net/log.hpp"

#include <cstdlib>
#include <iostream>

namespace relay::cli {

namespace {

struct LambdaOptions {
  std::string config_file;
  std::string log_level = "info";
  bool log_payloads = false;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

int run(const LambdaOptions& opt) {
  observe::LogLevel level;
  if (!observe::parse_log_level(opt.log_level, level)) {
    std::cerr << "relay lambda: --log-level: expected error, warn, info or debug\n";
    return 2;
  }
  const char* runtime_api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (!runtime_api || !*runtime_api) {
    std::cerr << "relay lambda: AWS_LAMBDA_RUNTIME_API is not set; relay lambda runs inside AWS Lambda (or an "
                 "emulator of its Runtime API)\n";
    return 2;
  }
  net::configure_log(level, opt.log_payloads);
  std::string config_file = opt.config_file;
  if (config_file.empty())
    if (const char* named = std::getenv("RELAY_CONFIG")) config_file = named;
  std::vector<std::string> problems;
  auto config = load_config("relay lambda", config_file, &problems);
  if (!config) return net::fail_lambda_init(runtime_api, joined(problems));
  return net::run_lambda(*config, runtime_api);
}

}  // namespace

void add_lambda_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<LambdaOptions>();
  auto* cmd = app.add_subcommand("lambda",
                                 "Run as an AWS Lambda function (custom runtime) against $AWS_LAMBDA_RUNTIME_API; "
                                 "config from --config, else $RELAY_CONFIG, else WEBHOOK_URL and WEBHOOK_SECRET");
  cmd->add_option("--config", opt->config_file, "Config file (YAML or JSON); default: $RELAY_CONFIG");
  cmd->add_option("--log-level", opt->log_level, "error, warn, info (one line per event and delivery) or debug")
      ->capture_default_str();
  cmd->add_flag("--log-payloads", opt->log_payloads, "Also log each delivery's body (never its signature headers)");
  cmd->callback([opt, &exit_code] { exit_code = run(*opt); });
}

}  // namespace relay::cli
