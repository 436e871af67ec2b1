#pragma once
// Subcommands of the relay binary. Each adds itself to `app`; its callback stores the
// process exit code in `exit_code` (0 ok, 1 a negative answer or a failed input, 2 usage).
namespace CLI {
class App;
}

namespace relay::cli {

void add_test_command(CLI::App& app, int& exit_code);
void add_sign_command(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_match_command(CLI::App& app, int& exit_code);
void add_config_command(CLI::App& app, int& exit_code);
void add_deliveries_command(CLI::App& app, int& exit_code);
void add_dlq_command(CLI::App& app, int& exit_code);
void add_destinations_command(CLI::App& app, int& exit_code);
void add_routes_command(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
void add_lambda_command(CLI::App& app, int& exit_code);
void add_sink_command(CLI::App& app, int& exit_code);
void add_store_command(CLI::App& app, int& exit_code);

}  // namespace relay::cli
