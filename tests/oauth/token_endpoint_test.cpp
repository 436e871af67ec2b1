#include "relay/oauth/token_endpoint.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "relay/core/base64.hpp"

namespace relay::oauth {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1'800'000'000)};
constexpr std::string_view kForm = "application/x-www-form-urlencoded";
// base64("eventbridge:s3cret+/")
constexpr std::string_view kBasic = "Basic ZXZlbnRicmlkZ2U6czNjcmV0Ky8=";

Settings settings() {
  Settings s;
  s.clients = {{"eventbridge", "s3cret+/", {"events:write", "admin"}}, {"other", "other-secret", {}}};
  s.token_lifetime = 900s;
  s.issuer = "https://relay.example";
  s.audience = "relay-ingress";
  return s;
}

const TokenEndpoint& endpoint() {
  static const TokenEndpoint e(settings(), SigningKey::generate());
  return e;
}

OAuthAnswer post(std::string_view body, std::string_view authorization = kBasic, std::string_view target = kTokenPath,
                 std::string_view content_type = kForm, std::string_view method = "POST") {
  return endpoint().answer({method, target, content_type, authorization, body}, kNow, "jti-1");
}

json::object decoded_part(const std::string& token, int part) {
  std::size_t start = 0;
  for (int i = 0; i < part; ++i) start = token.find('.', start) + 1;
  std::string text = token.substr(start, token.find('.', start) - start);
  for (auto& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4) text += '=';
  return json::parse(*core::base64_decode(text)).as_object();
}

void expect_error(const OAuthAnswer& a, unsigned status, std::string_view code, std::string_view description) {
  EXPECT_EQ(a.status, status) << a.body;
  const auto body = json::parse(a.body).as_object();
  EXPECT_EQ(body.at("error").as_string(), code);
  EXPECT_EQ(body.at("error_description").as_string(), description);
  EXPECT_EQ(a.cache_control, "no-store");
  EXPECT_EQ(a.www_authenticate.empty(), status != 401);
}

}  // namespace

TEST(TokenEndpoint, AnEventBridgeStyleRequestGetsABearerTokenWithTheClaims) {
  const OAuthAnswer a = post("grant_type=client_credentials");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.cache_control, "no-store");
  EXPECT_TRUE(a.www_authenticate.empty());
  const auto body = json::parse(a.body).as_object();
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_EQ(body.at("expires_in"), 900);
  const std::string token(body.at("access_token").as_string());

  const auto header = decoded_part(token, 0);
  EXPECT_EQ(header,
            (json::object{
                {"alg", "ES256"}, {"typ", "JWT"}, {"kid", json::parse(endpoint().jwks()).at("keys").at(0).at("kid")}}));
  const auto claims = decoded_part(token, 1);
  EXPECT_EQ(claims, (json::object{{"iss", "https://relay.example"},
                                  {"sub", "eventbridge"},
                                  {"aud", "relay-ingress"},
                                  {"iat", 1'800'000'000},
                                  {"nbf", 1'800'000'000},
                                  {"exp", 1'800'000'900},
                                  {"jti", "jti-1"},
                                  {"roles", json::array{"events:write", "admin"}}}));
}

TEST(TokenEndpoint, WithoutAnAudienceTokensCarryNoAud) {
  Settings s = settings();
  s.audience.clear();
  const TokenEndpoint e(s, SigningKey::generate());
  const auto a = e.answer({"POST", kTokenPath, kForm, kBasic, "grant_type=client_credentials"}, kNow, "j");
  ASSERT_EQ(a.status, 200u);
  const std::string token(json::parse(a.body).at("access_token").as_string());
  EXPECT_FALSE(decoded_part(token, 1).contains("aud"));
}

TEST(TokenEndpoint, JwksHasTheOnePublicKey) {
  const OAuthAnswer a = endpoint().answer({"GET", kJwksPath, "", "", ""}, kNow, "");
  ASSERT_EQ(a.status, 200u);
  EXPECT_EQ(a.body, endpoint().jwks());
  const auto keys = json::parse(a.body).at("keys").as_array();
  ASSERT_EQ(keys.size(), 1u);
  const auto& k = keys[0].as_object();
  EXPECT_EQ(k.size(), 7u);
  EXPECT_EQ(k.at("kty"), "EC");
  EXPECT_EQ(k.at("crv"), "P-256");
  EXPECT_EQ(k.at("use"), "sig");
  EXPECT_EQ(k.at("alg"), "ES256");
  EXPECT_EQ(k.at("x").as_string().size(), 43u);
  EXPECT_EQ(k.at("y").as_string().size(), 43u);
  EXPECT_FALSE(k.contains("d"));
  const OAuthAnswer post = endpoint().answer({"POST", kJwksPath, "", "", ""}, kNow, "");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.allow, "GET");
}

TEST(TokenEndpoint, GetAndPutWithTheGrantInTheQueryWorkAsEventBridgeMaySendThem) {
  EXPECT_EQ(post("", kBasic, "/oauth/token?grant_type=client_credentials", "", "GET").status, 200u);
  EXPECT_EQ(post("grant_type=client_credentials", kBasic, kTokenPath, kForm, "PUT").status, 200u);
  const auto a = post("", kBasic, kTokenPath, "", "DELETE");
  EXPECT_EQ(a.status, 405u);
  EXPECT_EQ(a.allow, "GET, POST, PUT");
}

TEST(TokenEndpoint, ExtraParametersAndAJsonBodyAreAccepted) {
  EXPECT_EQ(post("grant_type=client_credentials&scope=events&audience=x").status, 200u);
  EXPECT_EQ(post(R"({"grant_type": "client_credentials"})", kBasic, kTokenPath, "application/json").status, 200u);
  EXPECT_EQ(
      post("grant_type=client_credentials", kBasic, kTokenPath, "application/x-www-form-urlencoded; charset=UTF-8")
          .status,
      200u);
}

TEST(TokenEndpoint, ClientIdAndSecretAsFormFieldsAreAccepted) {
  EXPECT_EQ(post("grant_type=client_credentials&client_id=other&client_secret=other-secret", "").status, 200u);
  // Form-encoded Basic credentials (RFC 6749 2.3.1) read as well: "eventbridge:s3cret%2B%2F".
  EXPECT_EQ(post("grant_type=client_credentials", "Basic ZXZlbnRicmlkZ2U6czNjcmV0JTJCJTJG").status, 200u);
}

TEST(TokenEndpoint, AWrongSecretOrUnknownClientIsInvalidClient) {
  // "eventbridge:wrong", "nobody:s3cret+/"
  expect_error(post("grant_type=client_credentials", "Basic ZXZlbnRicmlkZ2U6d3Jvbmc="), 401, "invalid_client",
               "unknown client or wrong secret");
  expect_error(post("grant_type=client_credentials", "Basic bm9ib2R5OnMzY3JldCsv"), 401, "invalid_client",
               "unknown client or wrong secret");
  expect_error(post("grant_type=client_credentials&client_id=other&client_secret=s3cret%2B%2F", ""), 401,
               "invalid_client", "unknown client or wrong secret");
}

TEST(TokenEndpoint, MissingOrMalformedClientAuthenticationIsInvalidClient) {
  expect_error(post("grant_type=client_credentials", ""), 401, "invalid_client",
               "client authentication is required (HTTP Basic)");
  expect_error(post("grant_type=client_credentials", "Basic !!!notbase64"), 401, "invalid_client",
               "malformed HTTP Basic credentials");
  expect_error(post("grant_type=client_credentials", "Basic bm9jb2xvbg=="), 401, "invalid_client",  // "nocolon"
               "malformed HTTP Basic credentials");
  expect_error(post("grant_type=client_credentials", "Bearer abc"), 401, "invalid_client",
               "client authentication must be HTTP Basic");
  EXPECT_EQ(post("grant_type=client_credentials", "").www_authenticate, R"(Basic realm="relay", charset="UTF-8")");
}

TEST(TokenEndpoint, MissingOrUnsupportedGrantType) {
  expect_error(post(""), 400, "invalid_request", "grant_type is required (client_credentials)");
  expect_error(post("scope=x"), 400, "invalid_request", "grant_type is required (client_credentials)");
  expect_error(post("grant_type=password&username=a&password=b"), 400, "unsupported_grant_type",
               "only client_credentials is supported");
  expect_error(post("grant_type=authorization_code"), 400, "unsupported_grant_type",
               "only client_credentials is supported");
}

TEST(TokenEndpoint, MalformedRequestsAreInvalidRequest) {
  expect_error(post("grant_type=client_credentials&grant_type=client_credentials"), 400, "invalid_request",
               "parameter grant_type is given more than once");
  expect_error(post("grant_type=client_credentials", kBasic, "/oauth/token?grant_type=client_credentials"), 400,
               "invalid_request", "parameter grant_type is given more than once");
  expect_error(post("grant_type=client_credentials&%FF=1&%FF=2"), 400, "invalid_request",
               "parameter \xEF\xBF\xBD is given more than once");  // found by fuzz_oauth_token
  expect_error(post("grant_type=%zz"), 400, "invalid_request", "the form body has a malformed %-escape");
  expect_error(post("", kBasic, "/oauth/token?grant_type=%", "", "GET"), 400, "invalid_request",
               "the query has a malformed %-escape");
  expect_error(post("grant_type=client_credentials", kBasic, kTokenPath, "text/plain"), 400, "invalid_request",
               "the body must be application/x-www-form-urlencoded");
  expect_error(post("[1]", kBasic, kTokenPath, "application/json"), 400, "invalid_request",
               "the JSON body is not an object");
  expect_error(post(R"({"grant_type": 1})", kBasic, kTokenPath, "application/json"), 400, "invalid_request",
               "the JSON body's \"grant_type\" is not a string");
  expect_error(post("grant_type=client_credentials&client_secret=s3cret%2B%2F"), 400, "invalid_request",
               "the client authenticated twice (HTTP Basic and client_secret)");
  expect_error(
      post("", "", "/oauth/token?grant_type=client_credentials&client_id=other&client_secret=other-secret", "", "GET"),
      400, "invalid_request", "client_secret must not be sent in the URL");
  expect_error(post("grant_type=client_credentials&client_id=other"), 401, "invalid_client",
               "client_id differs from HTTP Basic's");
}

TEST(TokenEndpoint, ServesOnlyItsTwoPaths) {
  EXPECT_TRUE(is_oauth_target("/oauth/token"));
  EXPECT_TRUE(is_oauth_target("/oauth/token?grant_type=client_credentials"));
  EXPECT_TRUE(is_oauth_target("/oauth/jwks.json"));
  EXPECT_FALSE(is_oauth_target("/oauth/tokens"));
  EXPECT_FALSE(is_oauth_target("/oauth"));
  EXPECT_FALSE(is_oauth_target("/events"));
}

}  // namespace relay::oauth
