#include "relay/cli/secret_option.hpp"

#include "relay/config/secret_ref.hpp"

#include <iostream>

namespace relay::cli {

std::optional<std::string> secret_from_option(std::string_view command, std::string_view ref) {
  auto resolved = config::resolve_secret(ref);
  if (auto* err = std::get_if<config::SecretError>(&resolved)) {
    std::cerr << command << ": --secret: " << err->message << "\n";
    return std::nullopt;
  }
  auto secret = std::get<std::string>(std::move(resolved));
  if (secret.empty()) {
    std::cerr << command << ": --secret: the secret is empty\n";
    return std::nullopt;
  }
  return secret;
}

}  // namespace relay::cli
