#pragma once
// Secret references: "env:NAME" reads an environment variable, "file:PATH" reads a file
// (one trailing newline dropped), "secretsmanager:ID[#KEY]" asks AWS Secrets Manager through
// the process's SecretFetcher, anything else is the secret itself. A reference that resolves
// to nothing (a variable set but empty, an empty file or secret) is an error, not a secret.
#include "relay/config/secrets_manager_ref.hpp"
#include "relay/core/object_reader.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace relay::config {

struct SecretError {
  std::string message;  // says which variable or file, never the secret
};

std::variant<std::string, SecretError> resolve_secret(std::string_view ref);

// Where "secretsmanager:" references are fetched (the network layer implements it; config
// stays free of sockets). fetch() returns the secret's whole value (SecretString, or the
// bytes of SecretBinary), or why not (the caller names the secret), never quoting a value.
class SecretFetcher {
 public:
  virtual ~SecretFetcher() = default;
  virtual std::variant<std::string, SecretError> fetch(const SecretsManagerRef& ref) = 0;
};

// The fetcher resolve_secret uses from now on (nullptr: none, and "secretsmanager:"
// references are errors). The process entry point sets it once, before reading any config
// and before starting threads; `fetcher` must outlive every resolution.
void use_secret_fetcher(SecretFetcher* fetcher);

// Reads the secret reference at `key` and resolves it; problems go to the reader, naming
// the key, never the value. Empty when absent or unusable.
std::string read_secret(core::ObjectReader& r, std::string_view key, bool required);

// Whether `ref` names where a secret is kept (env:, file:, secretsmanager:) rather than being the value.
bool is_secret_ref(std::string_view ref);

}  // namespace relay::config
