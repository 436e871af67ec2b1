#include "relay/config/secrets_manager_ref.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

namespace relay::config {

namespace {

// Secrets Manager's secret-name alphabet.
bool is_name(std::string_view s) {
  return !s.empty() && s.size() <= 512 && std::ranges::all_of(s, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("/_+=.@-").find(c) != std::string_view::npos;
  });
}

bool is_label(std::string_view s) {  // a partition or a region: lower-case letters, digits, '-'
  return !s.empty() && std::ranges::all_of(s, [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool is_account(std::string_view s) {
  return s.size() == 12 && std::ranges::all_of(s, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const auto colon = s.find(':', at);
    parts.push_back(s.substr(at, colon == std::string_view::npos ? colon : colon - at));
    if (colon == std::string_view::npos) return parts;
    at = colon + 1;
  }
}

}  // namespace

std::optional<SecretsManagerRef> parse_secrets_manager_ref(std::string_view text, std::string& problem) {
  const std::string quoted = "\"" + std::string(kSecretsManagerPrefix) + std::string(text) + "\"";
  const auto hash = text.find('#');
  SecretsManagerRef ref{std::string(text.substr(0, hash)), {}, {}};
  if (hash != std::string_view::npos) {
    ref.json_key = text.substr(hash + 1);
    if (ref.json_key.empty()) {
      problem = quoted + ": nothing after '#' (give the JSON key, or leave '#' out)";
      return std::nullopt;
    }
  }
  if (ref.secret_id.starts_with("arn:")) {
    const auto parts = split_colons(ref.secret_id);
    if (parts.size() != 7 || !is_label(parts[1]) || parts[2] != "secretsmanager" || !is_label(parts[3]) ||
        !is_account(parts[4]) || parts[5] != "secret" || !is_name(parts[6])) {
      problem = quoted + ": not a secret ARN (arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME)";
      return std::nullopt;
    }
    ref.region = parts[3];
  } else if (!is_name(ref.secret_id)) {
    problem = quoted + ": expected a secret ARN or name (letters, digits and /_+=.@-, at most 512)";
    return std::nullopt;
  }
  return ref;
}

std::optional<std::string> secret_json_value(std::string_view secret, std::string_view key, std::string& problem) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(secret, ec);
  if (ec || !parsed.is_object()) {
    problem = "the secret is not a JSON object, so it has no key \"" + std::string(key) + "\"";
    return std::nullopt;
  }
  const auto* value = parsed.get_object().if_contains(key);
  if (!value) {
    problem = "the secret's JSON has no key \"" + std::string(key) + "\"";
    return std::nullopt;
  }
  if (!value->is_string()) {
    problem = "the secret's key \"" + std::string(key) + "\" is not a string";
    return std::nullopt;
  }
  return std::string(value->get_string());
}

}  // namespace relay::config
