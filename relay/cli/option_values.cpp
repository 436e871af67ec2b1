#include "relay/cli/option_values.hpp"

#include "relay/config/read_file.hpp"
#include "relay/config/secret_ref.hpp"
#include "relay/core/hmac_timestamp.hpp"

#include <chrono>
#include <iostream>

namespace relay::cli {

std::optional<std::string> secret_from_option(std::string_view command, std::string_view ref,
                                              std::string_view option) {
  auto resolved = config::resolve_secret(ref);
  if (auto* err = std::get_if<config::SecretError>(&resolved)) {
    std::cerr << command << ": " << option << ": " << err->message << "\n";
    return std::nullopt;
  }
  auto secret = std::get<std::string>(std::move(resolved));
  if (secret.empty()) {
    std::cerr << command << ": " << option << ": the secret is empty\n";
    return std::nullopt;
  }
  return secret;
}

std::optional<std::string> signing_time_from_option(std::string_view command, const std::string& given) {
  if (given.empty()) return core::format_signing_time(std::chrono::system_clock::now());
  if (core::is_signing_time(given)) return given;
  std::cerr << command << ": --timestamp: expected YYYY-MM-DDTHH:MM:SS.000Z, got \"" << given << "\"\n";
  return std::nullopt;
}

std::optional<std::string> file_from_option(std::string_view command, const std::string& path) {
  std::string error;
  auto data = config::read_file(path, error);
  if (!data) std::cerr << command << ": cannot read " << error << "\n";
  return data;
}

}  // namespace relay::cli
