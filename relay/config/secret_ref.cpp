#include "relay/config/secret_ref.hpp"

#include "relay/config/read_file.hpp"

#include <cstdlib>

namespace relay::config {

std::string read_secret(core::ObjectReader& r, std::string_view key, bool required) {
  const std::string ref = r.string(key, {}, required);
  if (ref.empty()) return {};
  auto resolved = resolve_secret(ref);
  if (auto* err = std::get_if<SecretError>(&resolved)) {
    r.error(key, err->message);
    return {};
  }
  return std::get<std::string>(std::move(resolved));
}

namespace {

SecretFetcher* installed_fetcher = nullptr;

std::variant<std::string, SecretError> from_secrets_manager(std::string_view text) {
  std::string problem;
  const auto ref = parse_secrets_manager_ref(text, problem);
  if (!ref) return SecretError{std::move(problem)};
  const std::string named = "Secrets Manager secret " + ref->secret_id;
  if (!installed_fetcher) return SecretError{named + ": Secrets Manager references cannot be resolved by this command"};
  auto fetched = installed_fetcher->fetch(*ref);
  if (auto* err = std::get_if<SecretError>(&fetched)) return SecretError{named + ": " + err->message};
  std::string& value = std::get<std::string>(fetched);
  if (!ref->json_key.empty()) {
    auto taken = secret_json_value(value, ref->json_key, problem);
    if (!taken) return SecretError{named + ": " + problem};
    value = std::move(*taken);
  }
  if (value.empty())
    return SecretError{named + (ref->json_key.empty() ? "" : " key \"" + ref->json_key + "\"") + " is empty"};
  return fetched;
}

}  // namespace

void use_secret_fetcher(SecretFetcher* fetcher) { installed_fetcher = fetcher; }

bool is_secret_ref(std::string_view ref) {
  return ref.starts_with("env:") || ref.starts_with("file:") || ref.starts_with(kSecretsManagerPrefix);
}

std::variant<std::string, SecretError> resolve_secret(std::string_view ref) {
  if (ref.starts_with("env:")) {
    const std::string name(ref.substr(4));
    const char* value = std::getenv(name.c_str());
    if (!value) return SecretError{"environment variable " + name + " is not set"};
    if (!*value) return SecretError{"environment variable " + name + " is set but empty"};
    return std::string(value);
  }
  if (ref.starts_with("file:")) {
    std::string error;
    auto data = read_file(std::string(ref.substr(5)), error);
    if (!data) return SecretError{"cannot read secret file " + error};
    if (!data->empty() && data->back() == '\n') data->pop_back();
    if (!data->empty() && data->back() == '\r') data->pop_back();
    if (data->empty()) return SecretError{"secret file " + std::string(ref.substr(5)) + " is empty"};
    return std::move(*data);
  }
  if (ref.starts_with(kSecretsManagerPrefix)) return from_secrets_manager(ref.substr(kSecretsManagerPrefix.size()));
  return std::string(ref);
}

}  // namespace relay::config
