#pragma once
// Secret references: "env:NAME" reads an environment variable, "file:PATH" reads a file
// (one trailing newline dropped), anything else is the secret itself. A reference that
// resolves to nothing (a variable set but empty, an empty file) is an error, not a secret.
#include "relay/core/object_reader.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace relay::config {

struct SecretError {
  std::string message;  // says which variable or file, never the secret
};

std::variant<std::string, SecretError> resolve_secret(std::string_view ref);

// Reads the secret reference at `key` and resolves it; problems go to the reader, naming
// the key, never the value. Empty when absent or unusable.
std::string read_secret(core::ObjectReader& r, std::string_view key, bool required);

// Whether `ref` names where a secret is kept (env: or file:) rather than being the value.
bool is_secret_ref(std::string_view ref);

}  // namespace relay::config
