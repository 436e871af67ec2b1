// relay: a webhook relay for Amazon EventBridge events.
#include "relay/cli/commands.hpp"
#include "relay/cli/lambda_bootstrap.hpp"
#include "relay/config/secret_ref.hpp"
#include "relay/net/secrets_manager_fetcher.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"relay: receive EventBridge events, turn them into the payloads receivers expect, sign and deliver them"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "relay " RELAY_VERSION);
  int exit_code = 0;
  // Every command resolves secretsmanager: references (config files and --secret options)
  // through this one fetcher, so each secret is fetched once for the life of the process.
  relay::net::SecretsManagerFetcher secrets;
  relay::config::use_secret_fetcher(&secrets);
  relay::cli::add_test_command(app, exit_code);
  relay::cli::add_sign_command(app, exit_code);
  relay::cli::add_verify_command(app, exit_code);
  relay::cli::add_match_command(app, exit_code);
  relay::cli::add_config_command(app, exit_code);
  relay::cli::add_deliveries_command(app, exit_code);
  relay::cli::add_dlq_command(app, exit_code);
  relay::cli::add_destinations_command(app, exit_code);
  relay::cli::add_routes_command(app, exit_code);
  relay::cli::add_serve_command(app, exit_code);
  relay::cli::add_lambda_command(app, exit_code);
  relay::cli::add_sink_command(app, exit_code);
  relay::cli::add_store_command(app, exit_code);
  const char* const lambda_args[] = {argv[0], "lambda"};
  const bool lambda_bootstrap = relay::cli::invoked_as_lambda_bootstrap(argc, argv);
  if (lambda_bootstrap) relay::cli::use_packaged_certificates(argv[0]);
  try {
    if (lambda_bootstrap)
      app.parse(2, lambda_args);
    else
      app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "relay: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}
