#include "relay/net/ingress_auth.hpp"

#include <gtest/gtest.h>

#include "relay/core/base64.hpp"
#include "relay/core/hmac_timestamp.hpp"

namespace relay::net {
namespace {

using namespace std::chrono_literals;
using config::IngressAuth;

config::IngressConfig ingress(IngressAuth type, std::string secret, std::string header = {}) {
  config::IngressConfig c;
  c.auth = type;
  c.secret = std::move(secret);
  c.api_key_header = std::move(header);
  return c;
}

const auto kNow = std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::year(2025) / 1 / 1));

TEST(IngressAuth, NoneAllowsEverything) {
  IngressAuthenticator auth(ingress(IngressAuth::none, ""));
  EXPECT_EQ(AuthVerdict::allowed, auth.check({}, "{}", kNow));
}

TEST(IngressAuth, ApiKeyComparesTheNamedHeader) {
  IngressAuthenticator auth(ingress(IngressAuth::api_key, "k3y", "X-Api-Key"));
  EXPECT_EQ(auth.api_key_header(), "x-api-key");
  EXPECT_EQ(AuthVerdict::allowed, auth.check({.api_key = "k3y"}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.api_key = "k3Y"}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.api_key = "k3y "}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({}, "", kNow));
}

TEST(IngressAuth, BasicDecodesUserAndPassword) {
  IngressAuthenticator auth(ingress(IngressAuth::basic, "eventbridge:pa:ss"));
  const std::string good = "Basic " + core::base64_encode(std::string_view("eventbridge:pa:ss"));
  EXPECT_EQ(AuthVerdict::allowed, auth.check({.authorization = good}, "", kNow));
  EXPECT_EQ(AuthVerdict::allowed, auth.check({.authorization = "basic " + good.substr(6)}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused,
            auth.check({.authorization = "Basic " + core::base64_encode(std::string_view("eventbridge:wrong"))}, "",
                       kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.authorization = "Basic !!"}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.authorization = "Bearer eventbridge:pa:ss"}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({}, "", kNow));
}

TEST(IngressAuth, BearerComparesTheToken) {
  IngressAuthenticator auth(ingress(IngressAuth::bearer, "t0ken"));
  EXPECT_EQ(AuthVerdict::allowed, auth.check({.authorization = "Bearer t0ken"}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.authorization = "Bearer t0ke"}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.authorization = "Bearer "}, "", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.authorization = "t0ken"}, "", kNow));
}

TEST(IngressAuth, HmacTimestampChecksSignatureAndTolerance) {
  auto config = ingress(IngressAuth::hmac_timestamp, "s3cret");
  config.hmac_tolerance = 300s;
  IngressAuthenticator auth(config);
  const core::HmacSha256 key("s3cret");
  const std::string body = R"({"a": 1})";
  const std::string ts = core::format_signing_time(kNow);
  const std::string sig = core::hmac_timestamp_signature(key, ts, body);
  EXPECT_EQ(AuthVerdict::allowed, auth.check({.timestamp = ts, .signature = sig}, body, kNow));
  EXPECT_EQ(AuthVerdict::allowed, auth.check({.timestamp = ts, .signature = sig}, body, kNow + 300s));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.timestamp = ts, .signature = sig}, body, kNow + 301s));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.timestamp = ts, .signature = sig}, body, kNow - 301s));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.timestamp = ts, .signature = sig}, body + " ", kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check(
      {.timestamp = ts, .signature = core::hmac_timestamp_signature(core::HmacSha256("other"), ts, body)}, body, kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({.timestamp = "yesterday", .signature = sig}, body, kNow));
  EXPECT_EQ(AuthVerdict::refused, auth.check({}, body, kNow));
}

}  // namespace
}  // namespace relay::net
