#include "relay/cli/aws_sigv4_options.hpp"

#include "relay/aws/raw_request.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/core/utc_time.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace relay::cli {

bool AwsSigV4Options::any() const {
  return !access_key_id.empty() || !secret_access_key.empty() || !session_token.empty() || !region.empty() ||
         !service.empty() || !time.empty();
}

void add_aws_sigv4_options(CLI::App& cmd, AwsSigV4Options& opt, bool session_token,
                           const std::string& region_service_help) {
  cmd.add_option("--access-key-id", opt.access_key_id,
                 "aws-sigv4: the access key id: the value, env:NAME or file:PATH");
  cmd.add_option("--secret-access-key", opt.secret_access_key,
                 "aws-sigv4: the secret access key: the value, env:NAME or file:PATH");
  if (session_token)
    cmd.add_option("--session-token", opt.session_token,
                   "aws-sigv4: the session token of temporary credentials: the value, env:NAME or file:PATH");
  cmd.add_option("--region", opt.region, "aws-sigv4: " + region_service_help + " region");
  cmd.add_option("--service", opt.service, "aws-sigv4: " + region_service_help + " service (events, sts, ...)");
  cmd.add_option("--time", opt.time, "aws-sigv4: the time, YYYY-MM-DDTHH:MM:SSZ (default: now)");
}

std::optional<aws::Credentials> aws_credentials_from_options(std::string_view command, const AwsSigV4Options& opt) {
  for (auto [value, name] :
       {std::pair{&opt.access_key_id, "--access-key-id"}, {&opt.secret_access_key, "--secret-access-key"}})
    if (value->empty()) {
      std::cerr << command << ": " << name << " is required for aws-sigv4\n";
      return std::nullopt;
    }
  aws::Credentials credentials;
  auto key_id = secret_from_option(command, opt.access_key_id, "--access-key-id");
  auto secret = key_id ? secret_from_option(command, opt.secret_access_key, "--secret-access-key") : std::nullopt;
  if (!secret) return std::nullopt;
  credentials.access_key_id = std::move(*key_id);
  credentials.secret_access_key = std::move(*secret);
  if (!opt.session_token.empty()) {
    auto token = secret_from_option(command, opt.session_token, "--session-token");
    if (!token) return std::nullopt;
    credentials.session_token = std::move(*token);
  }
  return credentials;
}

std::optional<std::chrono::system_clock::time_point> aws_time_from_option(std::string_view command,
                                                                          const std::string& given) {
  if (given.empty()) return std::chrono::system_clock::now();
  if (auto t = core::parse_utc(given)) return t;
  std::cerr << command << ": --time: expected YYYY-MM-DDTHH:MM:SSZ, got \"" << given << "\"\n";
  return std::nullopt;
}

std::optional<aws::HttpRequest> raw_request_from_file(std::string_view command, const std::string& path) {
  const auto text = file_from_option(command, path);
  if (!text) return std::nullopt;
  auto parsed = aws::parse_raw_request(*text);
  if (auto* error = std::get_if<core::InputError>(&parsed)) {
    std::cerr << command << ": " << (path == "-" ? "standard input" : path) << ": " << error->message() << "\n";
    return std::nullopt;
  }
  return std::get<aws::HttpRequest>(std::move(parsed));
}

}  // namespace relay::cli
