#pragma once
// The options `relay sign` and `relay verify` take for --scheme aws-sigv4, and the signed
// request text they read, each resolved with a one-line error on stderr when not usable.
#include "relay/aws/credentials.hpp"
#include "relay/aws/sigv4.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace relay::cli {

struct AwsSigV4Options {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string region;
  std::string service;
  std::string time;

  // Whether any was given (to refuse them with another scheme).
  bool any() const;
};

// Adds --access-key-id, --secret-access-key, --region, --service, --time and, when
// `session_token`, --session-token to `cmd`. `region_service_help` says what they mean there.
void add_aws_sigv4_options(CLI::App& cmd, AwsSigV4Options& opt, bool session_token,
                           const std::string& region_service_help);

// The keys (each the value, env:NAME or file:PATH); nullopt when one is missing or unusable.
std::optional<aws::Credentials> aws_credentials_from_options(std::string_view command, const AwsSigV4Options& opt);

// --time (YYYY-MM-DDTHH:MM:SSZ), or now when none was given.
std::optional<std::chrono::system_clock::time_point> aws_time_from_option(std::string_view command,
                                                                          const std::string& given);

// A raw HTTP/1.1 request read from `path` ("-": standard input); errors name the file and line.
std::optional<aws::HttpRequest> raw_request_from_file(std::string_view command, const std::string& path);

}  // namespace relay::cli
