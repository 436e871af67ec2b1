// `relay verify`: check a received signature against one or several secrets (a rotation);
// exit 0 valid, 1 invalid, 2 usage.
#include "relay/cli/commands.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/core/standard_webhooks.hpp"
#include "relay/destination/webhook_signing.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <iostream>

namespace relay::cli {

namespace {

struct VerifyOptions {
  std::string scheme = "hmac-timestamp";
  std::vector<std::string> secrets;
  std::string timestamp;
  std::string signature;
  std::string id;
  std::string file = "-";
};

// Whether `signature` is right for `body` under one secret.
bool valid_for(destination::SigningScheme scheme, const std::string& secret, const VerifyOptions& opt,
               const std::string& body) {
  using destination::SigningScheme;
  if (scheme == SigningScheme::standard_webhooks) {
    auto key = core::standard_webhooks_key(secret);
    std::int64_t ts = 0;
    auto [end, ec] = std::from_chars(opt.timestamp.data(), opt.timestamp.data() + opt.timestamp.size(), ts);
    if (!key || ec != std::errc() || end != opt.timestamp.data() + opt.timestamp.size()) return false;
    return core::standard_webhooks_valid(core::HmacSha256(*key), opt.id, ts, body, opt.signature);
  }
  const core::HmacSha256 key(secret);
  if (scheme == SigningScheme::hmac_sha256_hex)
    return core::constant_time_equal(core::hub_signature_256(key, body), opt.signature);
  return core::hmac_timestamp_valid(key, opt.timestamp, body, opt.signature);
}

int run_verify(const VerifyOptions& opt) {
  using destination::SigningScheme;
  const auto scheme = destination::parse_signing_scheme(opt.scheme);
  if (!scheme || *scheme == SigningScheme::bearer || *scheme == SigningScheme::none) {
    std::cerr << "relay verify: --scheme: expected hmac-timestamp, standard-webhooks or hmac-sha256-hex\n";
    return 2;
  }
  if (*scheme != SigningScheme::hmac_sha256_hex && opt.timestamp.empty()) {
    std::cerr << "relay verify: --timestamp is required for " << opt.scheme << "\n";
    return 2;
  }
  if (*scheme == SigningScheme::standard_webhooks && opt.id.empty()) {
    std::cerr << "relay verify: --id (the webhook-id header) is required for standard-webhooks\n";
    return 2;
  }
  std::vector<std::string> secrets;
  for (const auto& ref : opt.secrets) {
    auto secret = secret_from_option("relay verify", ref);
    if (!secret) return 2;
    secrets.push_back(std::move(*secret));
  }
  if (auto problem = destination::Signer::check(*scheme, secrets)) {
    std::cerr << "relay verify: --secret: " << *problem << "\n";
    return 2;
  }
  const auto body = file_from_option("relay verify", opt.file);
  if (!body) return 2;
  bool valid = false;
  for (const auto& secret : secrets) valid |= valid_for(*scheme, secret, opt, *body);
  std::cout << (valid ? "valid" : "invalid") << "\n";
  return valid ? 0 : 1;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand("verify", "Check a received signature (exit 0 valid, 1 invalid, 2 usage error)");
  cmd->add_option("--scheme", opt->scheme, "hmac-timestamp (default), standard-webhooks or hmac-sha256-hex");
  cmd->add_option("--secret", opt->secrets, "Secret: the value, env:NAME or file:PATH; repeat to accept any of several")
      ->required();
  cmd->add_option("--timestamp", opt->timestamp,
                  "x-amzn-event-timestamp (hmac-timestamp) or webhook-timestamp (standard-webhooks)");
  cmd->add_option("--signature", opt->signature,
                  "x-amzn-event-signature, webhook-signature or x-hub-signature-256, as received")
      ->required();
  cmd->add_option("--id", opt->id, "webhook-id (standard-webhooks)");
  cmd->add_option("body", opt->file, "File holding the exact body bytes; - is stdin (default)");
  cmd->callback([opt, &exit_code] { exit_code = run_verify(*opt); });
}

}  // namespace relay::cli
