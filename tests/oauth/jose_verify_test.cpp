// relay's tokens against a real verifier: the npm `jose` package checks the ES256 encoding
// (JOSE r||s), the JWKS and the kid, and the time, issuer and audience claims.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <sstream>

#include "relay/oauth/token_endpoint.hpp"
#include "tests/support/npm_packages.hpp"
#include "tests/support/run_process.hpp"

namespace relay::oauth {

namespace json = boost::json;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string token_from(const TokenEndpoint& endpoint, std::string_view basic, std::int64_t at, std::string_view jti) {
  const auto a =
      endpoint.answer({"POST", kTokenPath, "application/x-www-form-urlencoded", basic, "grant_type=client_credentials"},
                      std::chrono::system_clock::time_point(std::chrono::seconds(at)), jti);
  EXPECT_EQ(a.status, 200u) << a.body;
  return std::string(json::parse(a.body).at("access_token").as_string());
}

}  // namespace

TEST(JoseVerifies, EveryTokenRelayIssuesAndRefusesTamperedExpiredAndForeignOnes) {
  Settings s;
  s.clients = {{"eventbridge", "secret-1", {"events:write"}}, {"ops", "secret-2", {}}};
  s.issuer = "relay-test";
  s.audience = "relay-ingress";
  const std::string pem = SigningKey::generate().private_pem();
  std::string error;
  const TokenEndpoint endpoint(s, *SigningKey::from_pem(pem, error));
  // base64("eventbridge:secret-1"), base64("ops:secret-2")
  constexpr std::string_view kEventBridge = "Basic ZXZlbnRicmlkZ2U6c2VjcmV0LTE=", kOps = "Basic b3BzOnNlY3JldC0y";

  // Enough tokens that some signatures have an r or s with leading zero bytes (1 in 128 each).
  constexpr int kTokens = 400;
  std::string tokens;
  for (int i = 0; i < kTokens; ++i)
    tokens += token_from(endpoint, kEventBridge, kNow, "jti-" + std::to_string(i)) + "\n";
  tokens += token_from(endpoint, kOps, kNow, "ops") + "\n";
  std::string tampered = token_from(endpoint, kEventBridge, kNow, "t");
  tampered[tampered.find('.') + 5] ^= 1;  // a claim changed under the same signature
  tokens += tampered + "\n";
  tokens += token_from(endpoint, kEventBridge, kNow - 3600 - 120, "expired") + "\n";
  const TokenEndpoint other(s, SigningKey::generate());
  tokens += token_from(other, kEventBridge, kNow, "foreign") + "\n";
  Settings wrong_issuer = s;
  wrong_issuer.issuer = "someone-else";
  tokens +=
      token_from(TokenEndpoint(wrong_issuer, *SigningKey::from_pem(pem, error)), kEventBridge, kNow, "issuer") + "\n";

  testing::TempDir dir;
  const auto npm = testing::npm_packages({"jose@6.2.17"});
  const auto node = testing::run_process({"node", RELAY_SOURCE_DIR "/tests/oauth/jose_verify.js", npm,
                                          dir.write("jwks.json", endpoint.jwks()), dir.write("tokens", tokens),
                                          s.issuer, s.audience, std::to_string(kNow)});
  ASSERT_EQ(node.exit_code, 0) << node.err;
  const auto results = lines(node.out);
  ASSERT_EQ(results.size(), kTokens + 5u) << node.out;
  for (int i = 0; i < kTokens; ++i) EXPECT_EQ(results[i], R"(ok eventbridge ["events:write"])") << "token " << i;
  EXPECT_EQ(results[kTokens], "ok ops []");
  EXPECT_EQ(results[kTokens + 1], "refused ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
  EXPECT_EQ(results[kTokens + 2], "refused ERR_JWT_EXPIRED");
  EXPECT_EQ(results[kTokens + 3], "refused ERR_JWKS_NO_MATCHING_KEY");
  EXPECT_EQ(results[kTokens + 4], "refused ERR_JWT_CLAIM_VALIDATION_FAILED");
}

}  // namespace relay::oauth
