// `relay sign`: print the hmac-timestamp headers for a body.
#include "relay/cli/commands.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/core/hmac_timestamp.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>

namespace relay::cli {

namespace {

struct SignOptions {
  std::string secret;
  std::string timestamp;
  std::string file = "-";
};

int run_sign(const SignOptions& opt) {
  auto secret = secret_from_option("relay sign", opt.secret);
  if (!secret) return 2;
  const auto timestamp = signing_time_from_option("relay sign", opt.timestamp);
  if (!timestamp) return 2;
  const auto body = file_from_option("relay sign", opt.file);
  if (!body) return 2;
  const core::HmacSha256 key(*secret);
  std::cout << core::kTimestampHeader << ": " << *timestamp << "\n"
            << core::kSignatureHeader << ": " << core::hmac_timestamp_signature(key, *timestamp, *body) << "\n";
  return 0;
}

}  // namespace

void add_sign_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<SignOptions>();
  auto* cmd = app.add_subcommand("sign", "Print the x-amzn-event-timestamp and x-amzn-event-signature headers for a body");
  cmd->add_option("--secret", opt->secret, "Secret: the value, env:NAME or file:PATH")->required();
  cmd->add_option("--timestamp", opt->timestamp, "Signing time, YYYY-MM-DDTHH:MM:SS.000Z (default: now)");
  cmd->add_option("body", opt->file, "File holding the exact body bytes; - is stdin (default)");
  cmd->callback([opt, &exit_code] { exit_code = run_sign(*opt); });
}

}  // namespace relay::cli
