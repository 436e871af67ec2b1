#pragma once
// The "secretsmanager:" form of a secret reference: `secretsmanager:ID[#KEY]`, where ID is a
// secret's ARN (arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME) or its name, and KEY
// takes one string value out of a SecretString that is a JSON object. Syntax and the JSON
// key only: fetching is the network layer's (see SecretFetcher). Pure; any thread.
#include <optional>
#include <string>
#include <string_view>

namespace relay::config {

inline constexpr std::string_view kSecretsManagerPrefix = "secretsmanager:";

struct SecretsManagerRef {
  std::string secret_id;  // the ARN or name, as written
  std::string region;     // the ARN's; empty for a name (the environment's region applies)
  std::string json_key;   // empty: the whole secret
};

// `text` after the prefix; nullopt with `problem` (quoting only the reference) when malformed.
std::optional<SecretsManagerRef> parse_secrets_manager_ref(std::string_view text, std::string& problem);

// The string at `key` of the JSON object `secret`; nullopt with `problem` when `secret` is
// not a JSON object, has no such key, or its value is not a string. Never quotes the secret.
std::optional<std::string> secret_json_value(std::string_view secret, std::string_view key, std::string& problem);

}  // namespace relay::config
