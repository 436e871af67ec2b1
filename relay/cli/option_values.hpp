#pragma once
// Option values subcommands share, each resolved or checked with a one-line error on
// stderr ("<command>: --option: <problem>") when it is not usable.
#include <optional>
#include <string>
#include <string_view>

namespace relay::cli {

// --secret (or another `option` taking a secret): the value, env:NAME or file:PATH; never empty.
std::optional<std::string> secret_from_option(std::string_view command, std::string_view ref,
                                              std::string_view option = "--secret");

// --timestamp: a signing time "YYYY-MM-DDTHH:MM:SS.000Z", or now when none was given.
std::optional<std::string> signing_time_from_option(std::string_view command, const std::string& given);

// A file's bytes ("-": standard input); "<command>: cannot read PATH: reason" on failure.
std::optional<std::string> file_from_option(std::string_view command, const std::string& path);

}  // namespace relay::cli
