#include "relay/aws/endpoint_credentials.hpp"

#include "relay/core/utc_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace relay::aws {

namespace json = boost::json;

std::variant<Credentials, std::string> parse_endpoint_credentials(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::string("the answer is not a JSON object");
  const json::object& o = v.get_object();
  auto text = [&o](std::string_view key) -> const json::string* {
    const json::value* f = o.if_contains(key);
    return f && f->is_string() ? &f->get_string() : nullptr;
  };
  if (const auto* code = text("Code"); code && *code != "Success") {
    std::string why = "the answer's Code is " + std::string(*code);
    if (const auto* message = text("Message")) why += ": " + std::string(*message);
    return why;
  }
  Credentials out;
  for (auto [key, field] : {std::pair{"AccessKeyId", &out.access_key_id}, std::pair{"SecretAccessKey", &out.secret_access_key}}) {
    const auto* value = text(key);
    if (!value || value->empty()) return "the answer has no " + std::string(key);
    *field = *value;
  }
  if (const auto* token = text("Token")) out.session_token = *token;
  if (o.contains("Expiration")) {
    const auto* expiration = text("Expiration");
    auto when = expiration ? core::parse_utc(*expiration) : std::nullopt;
    if (!when) return std::string("the answer's Expiration is not an ISO 8601 UTC time");
    out.expiration = *when;
  }
  return out;
}

}  // namespace relay::aws
