#pragma once
// Whole-file reads for the CLI and the config loader; "-" is standard input.
#include <optional>
#include <string>

namespace relay::config {

// The file's bytes, or nullopt with `error` set to "PATH: reason".
std::optional<std::string> read_file(const std::string& path, std::string& error);

}  // namespace relay::config
