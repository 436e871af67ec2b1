#pragma once
// Secret references: "env:NAME" reads an environment variable, "file:PATH" reads a file
// (one trailing newline dropped), anything else is the secret itself.
#include <string>
#include <string_view>
#include <variant>

namespace relay::config {

struct SecretError {
  std::string message;  // says which variable or file, never the secret
};

std::variant<std::string, SecretError> resolve_secret(std::string_view ref);

}  // namespace relay::config
