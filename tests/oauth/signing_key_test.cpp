#include "relay/oauth/signing_key.hpp"

#include <gtest/gtest.h>

#include "relay/core/hmac.hpp"
#include "relay/core/base64.hpp"
#include "tests/support/run_process.hpp"

namespace relay::oauth {

namespace {

// A P-256 key with its published JWK (RFC 7515 appendix A.3), in SEC 1 PEM.
std::string rfc7515_key_pem() {
  const testing::ProcessResult made = testing::run_process(
      {"node", "-e",
       "const c=require('crypto');process.stdout.write(c.createPrivateKey({format:'jwk',key:{kty:'EC',crv:'P-256',"
       "x:'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',y:'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',"
       "d:'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI'}}).export({type:'sec1',format:'pem'}))"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return made.out;
}

}  // namespace

TEST(SigningKey, ReadsAPemKeyAndGivesItsJwkCoordinatesAndRfc7638Thumbprint) {
  std::string error;
  const auto key = SigningKey::from_pem(rfc7515_key_pem(), error);
  ASSERT_TRUE(key) << error;
  EXPECT_EQ(key->x(), "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
  EXPECT_EQ(key->y(), "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  const std::string jwk = R"({"crv":"P-256","kty":"EC","x":")" + key->x() + R"(","y":")" + key->y() + R"("})";
  const auto digest = core::sha256(jwk);
  EXPECT_EQ(key->thumbprint(), core::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 32)));
  EXPECT_EQ(key->thumbprint().size(), 43u);
}

TEST(SigningKey, ItsPemReadsBackAsTheSameKey) {
  const SigningKey key = SigningKey::generate();
  const std::string pem = key.private_pem();
  EXPECT_NE(pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  std::string error;
  const auto again = SigningKey::from_pem(pem, error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(again->thumbprint(), key.thumbprint());
  EXPECT_NE(SigningKey::generate().thumbprint(), key.thumbprint());
}

TEST(SigningKey, SignaturesAreJoseR_S_64Bytes) {
  const SigningKey key = SigningKey::generate();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(key.sign("message " + std::to_string(i)).size(), 64u);
}

TEST(SigningKey, RefusesWhatIsNotAP256PrivateKey) {
  std::string error;
  EXPECT_FALSE(SigningKey::from_pem("not a key", error));
  EXPECT_EQ(error, "not a PEM private key (unencrypted, EC P-256)");
  const auto rsa = testing::run_process(
      {"node", "-e",
       "const c=require('crypto');process.stdout.write(c.generateKeyPairSync('ec',{namedCurve:'secp384r1'})"
       ".privateKey.export({type:'pkcs8',format:'pem'}))"});
  ASSERT_EQ(rsa.exit_code, 0) << rsa.err;
  error.clear();
  EXPECT_FALSE(SigningKey::from_pem(rsa.out, error));
  EXPECT_EQ(error, "not an EC P-256 private key (ES256 needs one)");
}

}  // namespace relay::oauth
