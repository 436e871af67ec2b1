#include "relay/cli/load_config.hpp"

#include "relay/config/read_file.hpp"

#include <iostream>

namespace relay::cli {

std::optional<config::Config> load_config(std::string_view command, const std::string& config_file,
                                         std::vector<std::string>* problems, const config::RegistryEntries& registry) {
  std::vector<std::string> errors;
  std::optional<config::Config> cfg;
  std::string prefix = std::string(command) + ": ";
  if (config_file.empty()) {
    cfg = config::zero_config_from_env(errors);
  } else {
    std::string read_error;
    auto text = config::read_file(config_file, read_error);
    if (!text) {
      std::cerr << prefix << "cannot read " << read_error << "\n";
      if (problems) problems->push_back(prefix + "cannot read " + read_error);
      return std::nullopt;
    }
    prefix += config_file + ": ";
    cfg = config::parse_config(*text, registry, errors);
  }
  for (const auto& e : errors) {
    std::cerr << prefix << e << "\n";
    if (problems) problems->push_back(prefix + e);
  }
  return cfg;
}

}  // namespace relay::cli
