// `relay verify`: check a received signature against one or several secrets (a rotation),
// or (--scheme aws-sigv4) a raw HTTP request signed with SigV4; exit 0 valid, 1 invalid, 2 usage.
#include "relay/aws/sigv4_verify.hpp"
#include "relay/cli/aws_sigv4_options.hpp"
#include "relay/cli/commands.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/core/standard_webhooks.hpp"
#include "relay/core/utc_time.hpp"
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
  AwsSigV4Options aws;
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

int print_verdict(bool valid) {
  std::cout << (valid ? "valid" : "invalid") << "\n";
  return valid ? 0 : 1;
}

int run_aws_sigv4(const VerifyOptions& opt) {
  if (!opt.secrets.empty() || !opt.signature.empty() || !opt.timestamp.empty() || !opt.id.empty()) {
    std::cerr << "relay verify: aws-sigv4 takes --access-key-id, --secret-access-key and --time, not --secret, "
                 "--signature, --timestamp or --id\n";
    return 2;
  }
  const auto credentials = aws_credentials_from_options("relay verify", opt.aws);
  if (!credentials) return 2;
  const auto now = aws_time_from_option("relay verify", opt.aws.time);
  if (!now) return 2;
  const auto request = raw_request_from_file("relay verify", opt.file);
  if (!request) return 2;
  const auto result = aws::verify_request(*request, credentials->access_key_id, credentials->secret_access_key,
                                          {opt.aws.region, opt.aws.service});
  if (const auto* error = std::get_if<aws::VerifyError>(&result)) {
    std::cerr << "relay verify: " << error->message << "\n";
    return print_verdict(false);
  }
  const auto signed_at = std::get<aws::VerifiedRequest>(result).signed_at;
  if (signed_at > *now + aws::kMaxClockSkew || signed_at < *now - aws::kMaxClockSkew) {
    std::cerr << "relay verify: signed at " << core::format_utc_millis(signed_at) << ", more than "
              << aws::kMaxClockSkew.count() << " minutes from " << core::format_utc_millis(*now)
              << (opt.aws.time.empty() ? " (now; --time sets the time to check against)" : "") << "\n";
    return print_verdict(false);
  }
  return print_verdict(true);
}

int run_verify(const VerifyOptions& opt) {
  using destination::SigningScheme;
  if (opt.scheme == "aws-sigv4") return run_aws_sigv4(opt);
  const auto scheme = destination::parse_signing_scheme(opt.scheme);
  if (!scheme || *scheme == SigningScheme::bearer || *scheme == SigningScheme::none) {
    std::cerr << "relay verify: --scheme: expected hmac-timestamp, standard-webhooks, hmac-sha256-hex or aws-sigv4\n";
    return 2;
  }
  if (opt.aws.any()) {
    std::cerr << "relay verify: the aws-sigv4 options need --scheme aws-sigv4\n";
    return 2;
  }
  if (opt.secrets.empty() || opt.signature.empty()) {
    std::cerr << "relay verify: --secret and --signature are required for " << opt.scheme << "\n";
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
  return print_verdict(valid);
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand("verify", "Check a received signature (exit 0 valid, 1 invalid, 2 usage error)");
  cmd->add_option("--scheme", opt->scheme, "hmac-timestamp (default), standard-webhooks, hmac-sha256-hex or aws-sigv4");
  cmd->add_option("--secret", opt->secrets,
                  "Secret: the value, env:NAME or file:PATH; repeat to accept any of several");
  cmd->add_option("--timestamp", opt->timestamp,
                  "x-amzn-event-timestamp (hmac-timestamp) or webhook-timestamp (standard-webhooks)");
  cmd->add_option("--signature", opt->signature,
                  "x-amzn-event-signature, webhook-signature or x-hub-signature-256, as received");
  cmd->add_option("--id", opt->id, "webhook-id (standard-webhooks)");
  add_aws_sigv4_options(*cmd, opt->aws, false, "when given, the signature must be for this");
  cmd->add_option("body", opt->file,
                  "File holding the exact body bytes (aws-sigv4: the signed raw request); - is stdin (default)");
  cmd->callback([opt, &exit_code] { exit_code = run_verify(*opt); });
}

}  // namespace relay::cli
