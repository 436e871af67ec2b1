// The JWT library (relay/jwt) with keys and tokens made by the npm `jose` package, at a fixed
// time: every refusal of a careful resource server, and JWKS documents relay must pass over.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "relay/core/base64.hpp"
#include "relay/jwt/key_cache.hpp"
#include "relay/jwt/verify.hpp"
#include "tests/support/jose.hpp"

namespace relay::jwt {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::JoseToken;

constexpr std::int64_t kNowSeconds = 1735689600;  // 2025-01-01T00:00:00Z
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(kNowSeconds));

json::object claims(json::object changes = {}) {
  json::object c{{"iss", "https://idp.example"}, {"aud", "relay"},        {"sub", "eventbridge"},
                 {"exp", kNowSeconds + 300},     {"nbf", kNowSeconds - 10}, {"iat", kNowSeconds - 10},
                 {"roles", json::array{"publisher", "reader"}}};
  for (auto& kv : changes) {
    if (kv.value().is_null())
      c.erase(kv.key());
    else
      c[kv.key()] = kv.value();
  }
  return c;
}

Policy policy() {
  Policy p;
  p.issuer = "https://idp.example";
  p.audience = "relay";
  p.required_roles = {"publisher"};
  return p;
}

enum Name {
  kRsa, kEc, kNone, kHsWithRsaPublic, kEcKeyRs256Header, kTampered, kWrongIssuer, kWrongAudience, kExpired,
  kExpiredWithinLeeway, kNotYetValid, kMissingRole, kUnknownKid, kAudienceList, kScope, kNestedRoles, kNoKid,
  kNoExp, kOtherKeyNoKid, kRs384Header, kCount
};

class Jwt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<JoseToken> spec(kCount);
    spec[kRsa] = {"rsa", claims()};
    spec[kEc] = {"ec", claims()};
    spec[kNone] = {"none", claims()};
    spec[kHsWithRsaPublic] = {"hs-rsa-public", claims()};
    spec[kEcKeyRs256Header] = {"ec", claims(), "RS256"};
    spec[kTampered] = {"rsa", claims(), "", "(key's)", claims({{"sub", "mallory"}})};
    spec[kWrongIssuer] = {"rsa", claims({{"iss", "https://evil.example"}})};
    spec[kWrongAudience] = {"ec", claims({{"aud", "someone-else"}})};
    spec[kExpired] = {"rsa", claims({{"exp", kNowSeconds - 61}})};
    spec[kExpiredWithinLeeway] = {"rsa", claims({{"exp", kNowSeconds - 59}})};
    spec[kNotYetValid] = {"rsa", claims({{"nbf", kNowSeconds + 61}})};
    spec[kMissingRole] = {"rsa", claims({{"roles", json::array{"reader"}}})};
    spec[kUnknownKid] = {"other", claims()};
    spec[kAudienceList] = {"rsa", claims({{"aud", json::array{"x", "relay"}}})};
    spec[kScope] = {"rsa", claims({{"roles", nullptr}, {"scope", "events:read  publisher"}})};
    spec[kNestedRoles] = {"ec", claims({{"roles", nullptr}, {"realm_access", {{"roles", json::array{"publisher"}}}}})};
    spec[kNoKid] = {"ec", claims(), "", ""};
    spec[kNoExp] = {"rsa", claims({{"exp", nullptr}})};
    spec[kOtherKeyNoKid] = {"other", claims(), "", ""};
    spec[kRs384Header] = {"rsa", claims(), "RS384"};
    keys_ = new testing::JoseKeys(testing::jose_tokens(spec));
    auto parsed = parse_jwks(keys_->jwks);
    ASSERT_TRUE(std::holds_alternative<KeySet>(parsed)) << std::get<std::string>(parsed);
    set_ = new KeySet(std::get<KeySet>(std::move(parsed)));
  }
  static void TearDownTestSuite() {
    delete keys_;
    delete set_;
  }

  static Verdict verify(Name name, const Policy& p = policy()) { return verify_token(keys_->tokens[name], *set_, p, kNow); }

  static testing::JoseKeys* keys_;
  static KeySet* set_;
};

testing::JoseKeys* Jwt::keys_ = nullptr;
KeySet* Jwt::set_ = nullptr;

void expect_refused(const Verdict& v, std::string_view reason) {
  EXPECT_EQ(v.outcome, Verdict::refused) << v.reason;
  EXPECT_NE(v.reason.find(reason), std::string::npos) << v.reason;
}

TEST_F(Jwt, AcceptsRs256AndEs256TokensFromJose) {
  EXPECT_EQ(verify(kRsa).outcome, Verdict::accepted) << verify(kRsa).reason;
  EXPECT_EQ(verify(kEc).outcome, Verdict::accepted) << verify(kEc).reason;
  EXPECT_EQ(verify(kNoKid).outcome, Verdict::accepted) << "without a kid, the keys of its algorithm are tried";
}

TEST_F(Jwt, RefusesAlgorithmsTheKeyDoesNotDecide) {
  expect_refused(verify(kNone), "algorithm \"none\" is not accepted");
  expect_refused(verify(kHsWithRsaPublic), "algorithm \"HS256\" is not accepted");
  expect_refused(verify(kRs384Header), "algorithm \"RS384\" is not accepted");
  expect_refused(verify(kEcKeyRs256Header), "signature does not verify");
}

TEST_F(Jwt, RefusesATamperedPayload) { expect_refused(verify(kTampered), "signature does not verify"); }

TEST_F(Jwt, RefusesAnotherKeysSignature) { expect_refused(verify(kOtherKeyNoKid), "signature does not verify"); }

TEST_F(Jwt, AnUnknownKidIsReportedForARefetch) {
  const auto v = verify(kUnknownKid);
  EXPECT_EQ(v.outcome, Verdict::unknown_key);
  auto all = std::get<KeySet>(parse_jwks(keys_->jwks_all));
  EXPECT_EQ(verify_token(keys_->tokens[kUnknownKid], all, policy(), kNow).outcome, Verdict::accepted);
}

TEST_F(Jwt, ChecksIssuerAndAudience) {
  expect_refused(verify(kWrongIssuer), "issuer (iss)");
  expect_refused(verify(kWrongAudience), "audience (aud)");
  EXPECT_EQ(verify(kAudienceList).outcome, Verdict::accepted);
  Policy any_audience = policy();
  any_audience.audience.reset();
  EXPECT_EQ(verify(kWrongAudience, any_audience).outcome, Verdict::accepted) << "no audience configured";
}

TEST_F(Jwt, ChecksTheValidityWindowWithLeeway) {
  expect_refused(verify(kExpired), "expired (exp)");
  EXPECT_EQ(verify(kExpiredWithinLeeway).outcome, Verdict::accepted);
  expect_refused(verify(kNotYetValid), "not yet valid (nbf)");
  expect_refused(verify(kNoExp), "exp is missing");
  Policy strict = policy();
  strict.leeway = 0s;
  expect_refused(verify(kExpiredWithinLeeway, strict), "expired (exp)");
  EXPECT_EQ(verify_token(keys_->tokens[kRsa], *set_, policy(), kNow + 359s).outcome, Verdict::accepted);
  expect_refused(verify_token(keys_->tokens[kRsa], *set_, policy(), kNow + 361s), "expired");
  expect_refused(verify_token(keys_->tokens[kRsa], *set_, policy(), kNow - 71s), "not yet valid");
}

TEST_F(Jwt, ChecksRequiredRolesInTheConfiguredClaim) {
  expect_refused(verify(kMissingRole), "role \"publisher\" missing from roles");
  Policy two = policy();
  two.required_roles = {"publisher", "reader"};
  EXPECT_EQ(verify(kRsa, two).outcome, Verdict::accepted);
  two.required_roles.push_back("admin");
  expect_refused(verify(kRsa, two), "role \"admin\"");
  Policy scope = policy();
  scope.roles_claim = "scope";
  EXPECT_EQ(verify(kScope, scope).outcome, Verdict::accepted) << verify(kScope, scope).reason;
  expect_refused(verify(kRsa, scope), "missing from scope");
  Policy nested = policy();
  nested.roles_claim = "realm_access.roles";
  EXPECT_EQ(verify(kNestedRoles, nested).outcome, Verdict::accepted);
  expect_refused(verify(kRsa, nested), "missing from realm_access.roles");
}

TEST_F(Jwt, RefusesMalformedTokens) {
  const KeySet& keys = *set_;
  const auto refused = [&](std::string_view token, std::string_view reason) {
    expect_refused(verify_token(token, keys, policy(), kNow), reason);
  };
  const std::string good = keys_->tokens[kRsa];
  refused("", "not a compact JWS");
  refused("a.b", "not a compact JWS");
  refused(good + ".x", "not a compact JWS");
  refused("!!." + good.substr(good.find('.') + 1), "header is not");
  refused(core::base64url_encode(R"(["RS256"])") + ".e30.AA", "header is not");
  refused(core::base64url_encode(R"({"typ":"JWT"})") + ".e30.AA", "header has no alg");
  refused(core::base64url_encode(R"({"alg":"RS256","kid":7})") + ".e30.AA", "kid is not a string");
  refused(core::base64url_encode(R"({"alg":"RS256","typ":"JOSE+JSON"})") + ".e30.AA", "typ is not JWT");
  refused(core::base64url_encode(R"({"alg":"RS256","crit":["b64"]})") + ".e30.AA", "crit");
  refused(core::base64url_encode(R"({"alg":"RS256"})") + "." + core::base64url_encode("[1]") + ".AA", "payload is not");
  refused(core::base64url_encode(R"({"alg":"RS256"})") + ".e30.A=", "signature is not base64url");
  refused(core::base64url_encode(R"({"alg":"RS256","kid":"rsa-1"})") + ".e30.", "signature does not verify");
  const std::string ec = keys_->tokens[kEc];
  refused(ec.substr(0, ec.rfind('.')) + ".AAAA", "signature does not verify");
}

TEST_F(Jwt, JwksPassesOverKeysItCannotUse) {
  json::object doc = json::parse(keys_->jwks).as_object();
  auto& list = doc["keys"].as_array();
  const json::object rsa = list[0].as_object();
  const json::object ec = list[1].as_object();
  json::object enc = rsa;
  enc["use"] = "enc";
  json::object wrong_alg = ec;
  wrong_alg["alg"] = "RS256";
  json::object p384 = ec;
  p384["crv"] = "P-384";
  json::object short_x = ec;
  short_x["x"] = std::string(short_x["x"].as_string()).substr(4);
  json::object off_curve = ec;
  std::string y(off_curve["y"].as_string());
  y[0] = y[0] == 'A' ? 'B' : 'A';
  off_curve["y"] = y;
  json::object no_verify = rsa;
  no_verify["key_ops"] = json::array{"encrypt"};
  list.push_back(json::object{{"kty", "oct"}, {"k", "c2VjcmV0"}});
  for (const auto& k : {enc, wrong_alg, p384, short_x, off_curve, no_verify}) list.push_back(k);
  auto parsed = parse_jwks(json::serialize(doc));
  ASSERT_TRUE(std::holds_alternative<KeySet>(parsed)) << std::get<std::string>(parsed);
  const auto& set = std::get<KeySet>(parsed);
  ASSERT_EQ(set.keys.size(), 2u);
  EXPECT_EQ(set.keys[0].kid, "rsa-1");
  EXPECT_EQ(set.keys[0].alg, Algorithm::rs256);
  EXPECT_EQ(set.keys[1].kid, "ec-1");
  EXPECT_EQ(set.keys[1].alg, Algorithm::es256);
  const std::vector<std::string> skipped = {
      "keys[2]: kty \"oct\" is not RSA or EC",  "keys[3]: use is not \"sig\"",
      "keys[4]: alg does not match the key type (ES256)", "keys[5]: crv is not P-256",
      "keys[6]: x and y must be 32 bytes each", "keys[7]: not a point on P-256",
      "keys[8]: key_ops does not list \"verify\""};
  EXPECT_EQ(set.skipped, skipped);
}

TEST_F(Jwt, JwksThatIsNotOneIsAnError) {
  const auto error = [](std::string_view text) {
    auto parsed = parse_jwks(text);
    return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : std::string("(parsed)");
  };
  EXPECT_NE(error("<html>").find("JWKS: not JSON"), std::string::npos);
  EXPECT_EQ(error("[]"), "JWKS: expected an object with a \"keys\" array");
  EXPECT_EQ(error(R"({"keys": {}})"), "JWKS: expected an object with a \"keys\" array");
  EXPECT_EQ(error(R"({"keys": []})"), "JWKS: no usable RS256 or ES256 signing key");
  EXPECT_EQ(error(R"({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})"),
            "JWKS: no usable RS256 or ES256 signing key; keys[0]: kty \"oct\" is not RSA or EC");
  EXPECT_EQ(error(R"({"keys": [{"kty": "RSA", "e": "AQAB"}]})"),
            "JWKS: no usable RS256 or ES256 signing key; keys[0]: n is missing or not base64url");
  EXPECT_EQ(error(R"({"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]})"),
            "JWKS: no usable RS256 or ES256 signing key; keys[0]: an RSA key under 2048 bits");
}

TEST_F(Jwt, KeyCacheKeepsItsSetOnBadJwksAndRateLimitsRefreshes) {
  KeyCache cache;
  EXPECT_EQ(cache.keys(), nullptr);
  EXPECT_FALSE(cache.request_refresh(kNow)) << "nobody to ask";
  EXPECT_TRUE(cache.store_jwks("{}").has_value());
  EXPECT_EQ(cache.keys(), nullptr);
  EXPECT_EQ(cache.store_jwks(keys_->jwks), std::nullopt);
  const auto first = cache.keys();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->keys.size(), 2u);
  EXPECT_TRUE(cache.store_jwks(R"({"keys": []})").has_value());
  EXPECT_EQ(cache.keys(), first) << "a bad document keeps the set";
  EXPECT_EQ(cache.store_jwks(keys_->jwks_other), std::nullopt);
  EXPECT_EQ(cache.keys()->keys.size(), 1u);
  EXPECT_EQ(first->keys.size(), 2u) << "a snapshot taken stays whole";

  int asked = 0;
  cache.set_refresher([&] { ++asked; }, 60s);
  EXPECT_TRUE(cache.request_refresh(kNow));
  EXPECT_FALSE(cache.request_refresh(kNow + 59s));
  EXPECT_TRUE(cache.request_refresh(kNow + 60s));
  EXPECT_FALSE(cache.request_refresh(kNow + 61s));
  EXPECT_EQ(asked, 2);
  cache.set_refresher({}, 60s);
  EXPECT_FALSE(cache.request_refresh(kNow + 1h));
  EXPECT_EQ(asked, 2);
}

TEST(Base64url, IsStrict) {
  EXPECT_EQ(core::base64url_decode(""), "");
  EXPECT_EQ(core::base64url_decode("Zg"), "f");
  EXPECT_EQ(core::base64url_decode("Zm8"), "fo");
  EXPECT_EQ(core::base64url_decode("Zm9v"), "foo");
  EXPECT_EQ(core::base64url_decode("-_8"), std::string("\xfb\xff", 2));
  EXPECT_EQ(core::base64url_decode("Zg=="), std::nullopt) << "no padding in JOSE";
  EXPECT_EQ(core::base64url_decode("Zh"), std::nullopt) << "stray bits";
  EXPECT_EQ(core::base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(core::base64url_decode("+/8"), std::nullopt) << "standard alphabet";
  EXPECT_EQ(core::base64url_decode("Zm 9v"), std::nullopt);
}

}  // namespace
}  // namespace relay::jwt
