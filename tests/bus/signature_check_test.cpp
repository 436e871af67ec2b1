// The bus's SigV4 check: a call signed by a configured key passes and names its account;
// every other call gets the error class and message EventBridge gives.
#include "relay/bus/signature_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::bus {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;

const auto kNow = sys_days(year(2026) / 11 / 30) + hours(3);
const std::vector<AccessKey> kKeys{{"AKIDONE", "secret-one", "111111111111"}, {"AKIDTWO", "secret-two", "222222222222"}};

aws::HttpRequest signed_by(std::string_view id, std::string_view secret, system_clock::time_point at = kNow,
                           std::string_view region = "us-east-1", std::string_view service = "events") {
  aws::HttpRequest r{"POST", "/",
                     {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/x-amz-json-1.1"},
                      {"X-Amz-Target", "AWSEvents.PutEvents"}},
                     R"({"Entries":[]})"};
  aws::sign_request(r, {std::string(id), std::string(secret)}, region, service, at);
  return r;
}

AwsError refusal(const aws::HttpRequest& r) {
  auto checked = check_signature(r, kKeys, "us-east-1", kNow);
  EXPECT_TRUE(std::holds_alternative<AwsError>(checked));
  return std::holds_alternative<AwsError>(checked) ? std::get<AwsError>(checked) : AwsError{};
}

TEST(SignatureCheck, AConfiguredKeyPassesAndNamesItsAccount) {
  for (const auto& key : kKeys) {
    auto checked = check_signature(signed_by(key.access_key_id, key.secret_access_key), kKeys, "us-east-1", kNow);
    ASSERT_TRUE(std::holds_alternative<const AccessKey*>(checked)) << std::get<AwsError>(checked).message;
    EXPECT_EQ(std::get<const AccessKey*>(checked)->account, key.account);
  }
}

TEST(SignatureCheck, AnUnsignedCallIsMissingAuthenticationToken) {
  aws::HttpRequest r{"POST", "/", {{"Host", "h"}}, "{}"};
  const auto e = refusal(r);
  EXPECT_EQ(e.type, "MissingAuthenticationTokenException");
  EXPECT_EQ(e.status, 400u);
}

TEST(SignatureCheck, AnUnreadableAuthorizationIsAnIncompleteSignature) {
  aws::HttpRequest r{"POST", "/", {{"Host", "h"}, {"Authorization", "Bearer abc"}}, "{}"};
  EXPECT_EQ(refusal(r).type, "IncompleteSignatureException");
}

TEST(SignatureCheck, AnUnknownKeyIsAnUnrecognizedClient) {
  const auto e = refusal(signed_by("AKIDOTHER", "secret-one"));
  EXPECT_EQ(e.type, "UnrecognizedClientException");
  EXPECT_EQ(e.message, "The security token included in the request is invalid.");
}

TEST(SignatureCheck, AWrongSecretOrAChangedBodyIsAnInvalidSignature) {
  auto e = refusal(signed_by("AKIDONE", "secret-two"));
  EXPECT_EQ(e.type, "InvalidSignatureException");
  EXPECT_THAT(e.message, HasSubstr("does not match the signature you provided"));
  auto r = signed_by("AKIDONE", "secret-one");
  r.body = R"({"Entries":[{}]})";
  EXPECT_EQ(refusal(r).type, "InvalidSignatureException");
}

TEST(SignatureCheck, AnotherRegionOrServiceIsAnInvalidSignature) {
  EXPECT_EQ(refusal(signed_by("AKIDONE", "secret-one", kNow, "eu-west-1")).type, "InvalidSignatureException");
  EXPECT_EQ(refusal(signed_by("AKIDONE", "secret-one", kNow, "us-east-1", "sqs")).type, "InvalidSignatureException");
}

TEST(SignatureCheck, ASignatureOutsideFifteenMinutesIsExpiredOrNotYetCurrent) {
  EXPECT_TRUE(std::holds_alternative<const AccessKey*>(
      check_signature(signed_by("AKIDONE", "secret-one", kNow - minutes(15)), kKeys, "us-east-1", kNow)));
  EXPECT_TRUE(std::holds_alternative<const AccessKey*>(
      check_signature(signed_by("AKIDONE", "secret-one", kNow + minutes(15)), kKeys, "us-east-1", kNow)));
  auto e = refusal(signed_by("AKIDONE", "secret-one", kNow - minutes(15) - seconds(1)));
  EXPECT_EQ(e.type, "InvalidSignatureException");
  EXPECT_EQ(e.status, 400u);
  EXPECT_EQ(e.message,
            "Signature expired: 20261130T024459Z is now earlier than 20261130T024500Z (20261130T030000Z - 15 min.)");
  e = refusal(signed_by("AKIDONE", "secret-one", kNow + minutes(16)));
  EXPECT_EQ(e.type, "InvalidSignatureException");
  EXPECT_EQ(e.message,
            "Signature not yet current: 20261130T031600Z is still later than 20261130T031500Z (20261130T030000Z + 15 min.)");
}

}  // namespace
}  // namespace relay::bus
