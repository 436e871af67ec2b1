// `relay sign`: print the hmac-timestamp headers for a body, or (--scheme aws-sigv4) a raw
// HTTP request signed with SigV4.
#include "relay/aws/raw_request.hpp"
#include "relay/aws/sigv4.hpp"
#include "relay/cli/aws_sigv4_options.hpp"
#include "relay/cli/commands.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/core/hmac_timestamp.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>

namespace relay::cli {

namespace {

struct SignOptions {
  std::string scheme = "hmac-timestamp";
  std::string secret;
  std::string timestamp;
  AwsSigV4Options aws;
  std::string file = "-";
};

int run_hmac_timestamp(const SignOptions& opt) {
  if (opt.aws.any()) {
    std::cerr << "relay sign: the aws-sigv4 options need --scheme aws-sigv4\n";
    return 2;
  }
  if (opt.secret.empty()) {
    std::cerr << "relay sign: --secret is required for hmac-timestamp\n";
    return 2;
  }
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

int run_aws_sigv4(const SignOptions& opt) {
  if (!opt.secret.empty() || !opt.timestamp.empty()) {
    std::cerr
        << "relay sign: aws-sigv4 takes --access-key-id, --secret-access-key and --time, not --secret or --timestamp\n";
    return 2;
  }
  if (opt.aws.region.empty() || opt.aws.service.empty()) {
    std::cerr << "relay sign: --region and --service are required for aws-sigv4\n";
    return 2;
  }
  const auto credentials = aws_credentials_from_options("relay sign", opt.aws);
  if (!credentials) return 2;
  const auto now = aws_time_from_option("relay sign", opt.aws.time);
  if (!now) return 2;
  auto request = raw_request_from_file("relay sign", opt.file);
  if (!request) return 2;
  aws::sign_request(*request, *credentials, opt.aws.region, opt.aws.service, *now);
  std::cout << aws::format_raw_request(*request);
  return 0;
}

}  // namespace

void add_sign_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<SignOptions>();
  auto* cmd = app.add_subcommand(
      "sign",
      "Print the x-amzn-event-timestamp and x-amzn-event-signature headers for a body, or with --scheme aws-sigv4 "
      "print a raw HTTP/1.1 request signed with SigV4");
  cmd->add_option("--scheme", opt->scheme, "hmac-timestamp (default) or aws-sigv4")
      ->check(CLI::IsMember({"hmac-timestamp", "aws-sigv4"}));
  cmd->add_option("--secret", opt->secret, "hmac-timestamp: the secret: the value, env:NAME or file:PATH");
  cmd->add_option("--timestamp", opt->timestamp,
                  "hmac-timestamp: the signing time, YYYY-MM-DDTHH:MM:SS.000Z (default: now)");
  add_aws_sigv4_options(*cmd, opt->aws, true, "the signing");
  cmd->add_option("file", opt->file,
                  "File holding the exact body bytes (aws-sigv4: the raw request: request line, headers, blank line, "
                  "body); - is stdin (default)");
  cmd->callback(
      [opt, &exit_code] { exit_code = opt->scheme == "aws-sigv4" ? run_aws_sigv4(*opt) : run_hmac_timestamp(*opt); });
}

}  // namespace relay::cli
