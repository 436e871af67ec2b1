// `relay verify`: check an hmac-timestamp signature; exit 0 valid, 1 invalid, 2 usage.
#include "relay/cli/commands.hpp"
#include "relay/cli/secret_option.hpp"
#include "relay/config/read_file.hpp"
#include "relay/core/hmac_timestamp.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace relay::cli {

namespace {

struct VerifyOptions {
  std::string secret;
  std::string timestamp;
  std::string signature;
  std::string file = "-";
};

int run_verify(const VerifyOptions& opt) {
  auto secret = secret_from_option("relay verify", opt.secret);
  if (!secret) return 2;
  std::string error;
  auto body = config::read_file(opt.file, error);
  if (!body) {
    std::cerr << "relay verify: cannot read " << error << "\n";
    return 2;
  }
  const core::HmacSha256 key(*secret);
  const bool valid = core::hmac_timestamp_valid(key, opt.timestamp, *body, opt.signature);
  std::cout << (valid ? "valid" : "invalid") << "\n";
  return valid ? 0 : 1;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand("verify", "Check an x-amzn-event-signature (exit 0 valid, 1 invalid, 2 usage error)");
  cmd->add_option("--secret", opt->secret, "Secret: the value, env:NAME or file:PATH")->required();
  cmd->add_option("--timestamp", opt->timestamp, "The x-amzn-event-timestamp header value")->required();
  cmd->add_option("--signature", opt->signature, "The x-amzn-event-signature header value")->required();
  cmd->add_option("body", opt->file, "File holding the exact body bytes; - is stdin (default)");
  cmd->callback([opt, &exit_code] { exit_code = run_verify(*opt); });
}

}  // namespace relay::cli
