#pragma once
// Resolves a --secret option (value, env:NAME or file:PATH) for a subcommand, printing
// "<command>: --secret: <problem>" on failure.
#include <optional>
#include <string>
#include <string_view>

namespace relay::cli {

std::optional<std::string> secret_from_option(std::string_view command, std::string_view ref);

}  // namespace relay::cli
