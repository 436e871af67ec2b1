#include "relay/aws/secrets_manager.hpp"

#include "relay/core/base64.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace relay::aws {

namespace {

// The string at `key` of `object`, or empty.
std::string string_at(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

// What an error answer's __type means, in the words of relay's messages.
std::string meaning_of(std::string_view type) {
  if (type == "ResourceNotFoundException") return "secret not found";
  if (type == "AccessDeniedException") return "access denied";
  if (type == "DecryptionFailure") return "cannot be decrypted with its KMS key";
  if (type == "UnrecognizedClientException" || type == "InvalidSignatureException" || type == "ExpiredTokenException")
    return "the credentials were refused";
  return "";
}

}  // namespace

std::string secrets_manager_endpoint_for(std::string_view region) {
  const std::string suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://secretsmanager." + std::string(region) + suffix;
}

std::vector<std::pair<std::string, std::string>> get_secret_value_headers() {
  return {{"x-amz-target", "secretsmanager.GetSecretValue"}, {"content-type", "application/x-amz-json-1.1"}};
}

std::string get_secret_value_body(std::string_view secret_id) {
  return boost::json::serialize(boost::json::object{{"SecretId", secret_id}});
}

std::variant<std::string, config::SecretError> parse_get_secret_value_answer(unsigned status, std::string_view body) {
  const std::string answered = "GetSecretValue answered " + std::to_string(status);
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  const boost::json::object* object = !ec && parsed.is_object() ? &parsed.get_object() : nullptr;
  if (status != 200) {
    std::string type = object ? string_at(*object, "__type") : "";
    type = type.substr(type.find('#') + 1);  // "namespace#Type" or "Type"
    if (type.empty()) return config::SecretError{answered};
    std::string message = string_at(*object, "message");
    if (message.empty()) message = string_at(*object, "Message");
    const std::string detail = type + (message.empty() ? "" : ": " + message);
    const std::string meaning = meaning_of(type);
    return config::SecretError{meaning.empty() ? answered + ": " + detail : meaning + " (" + detail + ")"};
  }
  if (!object) return config::SecretError{answered + " with a body that is not a JSON object"};
  if (const auto* text = object->if_contains("SecretString"); text && text->is_string())
    return std::string(text->get_string());
  if (const auto* binary = object->if_contains("SecretBinary"); binary && binary->is_string()) {
    auto bytes = core::base64_decode(binary->get_string());
    if (!bytes) return config::SecretError{answered + " with a SecretBinary that is not base64"};
    return std::move(*bytes);
  }
  return config::SecretError{answered + " without a SecretString or SecretBinary"};
}

}  // namespace relay::aws
