#include "relay/oauth/token_endpoint.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <optional>
#include <variant>

#include "relay/core/base64.hpp"
#include "relay/core/hmac.hpp"
#include "relay/core/utf8.hpp"
#include "relay/oauth/form.hpp"
#include "relay/oauth/tokens.hpp"

namespace relay::oauth {

namespace json = boost::json;

namespace {

constexpr std::string_view kChallenge = R"(Basic realm="relay", charset="UTF-8")";

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// `description` may quote the request: bytes that are not UTF-8 become U+FFFD, so the answer stays JSON.
OAuthAnswer error(unsigned status, std::string_view code, std::string_view description) {
  OAuthAnswer a;
  a.status = status;
  a.body = json::serialize(json::object{{"error", code}, {"error_description", core::valid_utf8(description)}});
  a.cache_control = "no-store";
  if (status == 401) a.www_authenticate = kChallenge;
  return a;
}

OAuthAnswer invalid_request(std::string_view description) { return error(400, "invalid_request", description); }
OAuthAnswer invalid_client(std::string_view description) { return error(401, "invalid_client", description); }

OAuthAnswer method_not_allowed(std::string_view allow) {
  OAuthAnswer a = invalid_request("method not allowed here");
  a.status = 405;
  a.allow = allow;
  return a;
}

// The token request's parameters: the query's, then the body's (a form, or a JSON object
// of strings), each marked with where it came from.
struct Parameter {
  std::string name, value;
  bool in_query = false;
};

std::variant<OAuthAnswer, std::vector<Parameter>> parameters(const OAuthRequest& request) {
  std::vector<Parameter> out;
  if (const auto q = request.target.find('?'); q != std::string_view::npos) {
    auto fields = parse_form(request.target.substr(q + 1));
    if (!fields) return invalid_request("the query has a malformed %-escape");
    for (auto& [name, value] : *fields) out.push_back({std::move(name), std::move(value), true});
  }
  if (!request.body.empty()) {
    const std::string media = lower(trim(request.content_type.substr(0, request.content_type.find(';'))));
    if (media == "application/x-www-form-urlencoded") {
      auto fields = parse_form(request.body);
      if (!fields) return invalid_request("the form body has a malformed %-escape");
      for (auto& [name, value] : *fields) out.push_back({std::move(name), std::move(value), false});
    } else if (media == "application/json") {
      boost::system::error_code ec;
      const json::value body = json::parse(request.body, ec);
      if (ec || !body.is_object()) return invalid_request("the JSON body is not an object");
      for (const auto& kv : body.get_object()) {
        if (!kv.value().is_string())
          return invalid_request("the JSON body's \"" + std::string(kv.key()) + "\" is not a string");
        out.push_back({std::string(kv.key()), std::string(kv.value().get_string()), false});
      }
    } else {
      return invalid_request("the body must be application/x-www-form-urlencoded");
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (out[k].name == out[i].name) return invalid_request("parameter " + out[i].name + " is given more than once");
  return out;
}

const Parameter* find(const std::vector<Parameter>& params, std::string_view name) {
  const auto it = std::find_if(params.begin(), params.end(), [&](const Parameter& p) { return p.name == name; });
  return it == params.end() ? nullptr : &*it;
}

// The client's id and secret as sent: from HTTP Basic, or client_id/client_secret fields.
struct Presented {
  std::string id, secret;
  std::optional<std::string> id_decoded, secret_decoded;  // Basic only: read as RFC 6749 2.3.1 form-encodes them
};

std::variant<OAuthAnswer, Presented> presented_client(const OAuthRequest& request,
                                                      const std::vector<Parameter>& params) {
  const Parameter* id = find(params, "client_id");
  const Parameter* secret = find(params, "client_secret");
  if (secret && secret->in_query) return invalid_request("client_secret must not be sent in the URL");
  const std::string_view authorization = trim(request.authorization);
  if (authorization.empty()) {
    if (!id || !secret) return invalid_client("client authentication is required (HTTP Basic)");
    return Presented{id->value, secret->value, std::nullopt, std::nullopt};
  }
  if (lower(authorization.substr(0, 6)) != "basic ") return invalid_client("client authentication must be HTTP Basic");
  if (secret) return invalid_request("the client authenticated twice (HTTP Basic and client_secret)");
  const auto decoded = core::base64_decode(trim(authorization.substr(6)));
  const auto colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) return invalid_client("malformed HTTP Basic credentials");
  Presented p{decoded->substr(0, colon), decoded->substr(colon + 1), std::nullopt, std::nullopt};
  p.id_decoded = form_decode(p.id);
  p.secret_decoded = form_decode(p.secret);
  if (id && id->value != p.id && id->value != p.id_decoded)
    return invalid_client("client_id differs from HTTP Basic's");
  return p;
}

// The client with the presented id whose secret matches, compared in constant time (the
// same work is done for an unknown id).
const Client* authenticate(const std::vector<Client>& clients, const Presented& p) {
  const auto matches_id = [&](const Client& c) { return c.id == p.id || (p.id_decoded && c.id == *p.id_decoded); };
  const auto it = std::find_if(clients.begin(), clients.end(), matches_id);
  const std::string_view expected = it == clients.end() ? std::string_view("\x01unknown client") : it->secret;
  bool ok = core::constant_time_equal(p.secret, expected);
  if (p.secret_decoded) ok = core::constant_time_equal(*p.secret_decoded, expected) || ok;
  return ok && it != clients.end() ? &*it : nullptr;
}

}  // namespace

bool is_oauth_target(std::string_view target) {
  const auto path = path_of(target);
  return path == kTokenPath || path == kJwksPath;
}

TokenEndpoint::TokenEndpoint(Settings settings, SigningKey key)
    : settings_(std::move(settings)), key_(std::move(key)), jwks_(jwks_text(key_)) {}

OAuthAnswer TokenEndpoint::answer(const OAuthRequest& request, std::chrono::system_clock::time_point now,
                                  std::string_view jti) const {
  if (path_of(request.target) == kJwksPath) {
    if (request.method != "GET") return method_not_allowed("GET");
    OAuthAnswer a;
    a.body = jwks_;
    a.cache_control = "public, max-age=300";
    return a;
  }
  return token(request, now, jti);
}

OAuthAnswer TokenEndpoint::token(const OAuthRequest& request, std::chrono::system_clock::time_point now,
                                 std::string_view jti) const {
  // EventBridge's connection may send its token request with any of these.
  if (request.method != "POST" && request.method != "GET" && request.method != "PUT")
    return method_not_allowed("GET, POST, PUT");
  auto params = parameters(request);
  if (auto* refused = std::get_if<OAuthAnswer>(&params)) return std::move(*refused);
  const auto& fields = std::get<std::vector<Parameter>>(params);
  auto presented = presented_client(request, fields);
  if (auto* refused = std::get_if<OAuthAnswer>(&presented)) return std::move(*refused);
  const Client* client = authenticate(settings_.clients, std::get<Presented>(presented));
  if (!client) return invalid_client("unknown client or wrong secret");
  const Parameter* grant = find(fields, "grant_type");
  if (!grant) return invalid_request("grant_type is required (client_credentials)");
  if (grant->value != "client_credentials")
    return error(400, "unsupported_grant_type", "only client_credentials is supported");
  OAuthAnswer a;
  a.body = json::serialize(json::object{{"access_token", issue_token(key_, settings_, *client, now, jti)},
                                        {"token_type", "Bearer"},
                                        {"expires_in", settings_.token_lifetime.count()}});
  a.cache_control = "no-store";
  return a;
}

}  // namespace relay::oauth
