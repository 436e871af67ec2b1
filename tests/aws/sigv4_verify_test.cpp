// SigV4 verification: what sign_request signs verifies, and every change to what it covers,
// another secret, key, region or service, or a malformed header fails with its reason.
#include "relay/aws/sigv4_verify.hpp"

#include <gtest/gtest.h>

namespace relay::aws {
namespace {

using namespace std::chrono;

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
const auto kTime = sys_days(year(2015) / 8 / 30) + hours(12) + minutes(36);

HttpRequest signed_request() {
  HttpRequest r{"POST",
                "/events/./a//b?Z=1&a=%20x&a=",
                {{"Host", "events.us-east-1.amazonaws.com"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AWSEvents.PutEvents"},
                 {"User-Agent", "relay/1"}},
                R"({"Entries":[]})"};
  sign_request(r, kCredentials, "us-east-1", "events", kTime);
  return r;
}

std::string& header(HttpRequest& r, std::string_view name) {
  for (auto& [n, v] : r.headers)
    if (n == name) return v;
  throw std::out_of_range(std::string(name));
}

VerifyError failure(const HttpRequest& r, std::string_view secret = kCredentials.secret_access_key,
                    ExpectedScope expected = {}) {
  auto result = verify_request(r, kCredentials.access_key_id, secret, expected);
  if (std::holds_alternative<VerifiedRequest>(result)) return {VerifyFailure::malformed, "(it verified)"};
  return std::get<VerifyError>(std::move(result));
}

TEST(Verify, ASignedRequestVerifiesAndSaysWhenItWasSigned) {
  const auto r = signed_request();
  const auto result = verify_request(r, "AKIDEXAMPLE", kCredentials.secret_access_key, {"us-east-1", "events"});
  ASSERT_TRUE(std::holds_alternative<VerifiedRequest>(result)) << std::get<VerifyError>(result).message;
  const auto& v = std::get<VerifiedRequest>(result);
  EXPECT_EQ(v.signed_at, kTime);
  EXPECT_EQ(v.authorization.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(v.authorization.region, "us-east-1");
  EXPECT_EQ(v.authorization.service, "events");
  EXPECT_EQ(v.authorization.signed_headers,
            (std::vector<std::string>{"content-type", "host", "x-amz-date", "x-amz-target"}));
}

TEST(Verify, WithASessionTokenTheTokenIsSigned) {
  HttpRequest r{"GET", "/", {{"host", "example.com"}}, ""};
  sign_request(r, {"AKIDEXAMPLE", kCredentials.secret_access_key, "token-1"}, "eu-west-1", "sts", kTime);
  EXPECT_EQ(header(r, "X-Amz-Security-Token"), "token-1");
  ASSERT_TRUE(
      std::holds_alternative<VerifiedRequest>(verify_request(r, "AKIDEXAMPLE", kCredentials.secret_access_key)));
  header(r, "X-Amz-Security-Token") = "token-2";
  EXPECT_EQ(failure(r).failure, VerifyFailure::mismatch);
}

TEST(Verify, ChangingWhatIsSignedIsAMismatch) {
  auto body = signed_request();
  body.body += " ";
  auto target = signed_request();
  target.target = "/events/a/b?Z=2&a=%20x&a=";
  auto method = signed_request();
  method.method = "PUT";
  auto value = signed_request();
  header(value, "X-Amz-Target") = "AWSEvents.PutRule";
  auto added = signed_request();
  added.headers.emplace_back("content-type", "text/plain");  // a second value of a signed header
  for (const auto* r : {&body, &target, &method, &value, &added}) {
    const auto e = failure(*r);
    EXPECT_EQ(e.failure, VerifyFailure::mismatch) << e.message;
  }
  EXPECT_EQ(failure(signed_request(), "another secret").failure, VerifyFailure::mismatch);
}

TEST(Verify, WhatTheSignatureDoesNotCoverMayChange) {
  auto r = signed_request();
  header(r, "User-Agent") = "another agent";  // sign_request leaves User-Agent out
  r.headers.emplace_back("X-Forwarded-For", "10.0.0.1");
  r.target = "/events/a/b?a=&a=%20x&Z=1";  // the same canonical path and query
  const auto result = verify_request(r, "AKIDEXAMPLE", kCredentials.secret_access_key);
  EXPECT_TRUE(std::holds_alternative<VerifiedRequest>(result)) << std::get<VerifyError>(result).message;
}

TEST(Verify, TheScopeMustBeTheExpectedOne) {
  const auto r = signed_request();
  EXPECT_EQ(failure(r, kCredentials.secret_access_key, {"eu-west-1", ""}).failure, VerifyFailure::wrong_scope);
  EXPECT_EQ(failure(r, kCredentials.secret_access_key, {"", "sqs"}).failure, VerifyFailure::wrong_scope);
  const auto other_key = verify_request(r, "AKIDOTHER", kCredentials.secret_access_key);
  ASSERT_TRUE(std::holds_alternative<VerifyError>(other_key));
  EXPECT_EQ(std::get<VerifyError>(other_key).failure, VerifyFailure::wrong_scope);
  EXPECT_EQ(std::get<VerifyError>(other_key).message, "signed with access key AKIDEXAMPLE, not AKIDOTHER");

  auto next_day = signed_request();
  header(next_day, "X-Amz-Date") = "20150831T000000Z";
  EXPECT_EQ(failure(next_day).failure, VerifyFailure::wrong_scope);
}

TEST(Verify, ASignedHeaderThatIsGoneIsNamed) {
  auto r = signed_request();
  std::erase_if(r.headers, [](const auto& h) { return h.first == "X-Amz-Target"; });
  const auto e = failure(r);
  EXPECT_EQ(e.failure, VerifyFailure::missing_header);
  EXPECT_EQ(e.message, "the signed header x-amz-target is missing");
}

TEST(Verify, TheBodyMustBeTheOneXAmzContentSha256Names) {
  HttpRequest r{"POST", "/", {{"host", "example.com"}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}, "body"};
  sign_request(r, kCredentials, "us-east-1", "service", kTime);
  EXPECT_EQ(failure(r).failure, VerifyFailure::mismatch);
  header(r, "x-amz-content-sha256") = hex_sha256("body");
  sign_request(r, kCredentials, "us-east-1", "service", kTime);
  EXPECT_TRUE(
      std::holds_alternative<VerifiedRequest>(verify_request(r, "AKIDEXAMPLE", kCredentials.secret_access_key)));
}

TEST(Verify, MalformedRequestsSayWhat) {
  const auto with_authorization = [](std::string value) {
    auto r = signed_request();
    header(r, "Authorization") = std::move(value);
    return failure(r);
  };
  const std::string sig(64, 'a');
  const std::string good_credential = "Credential=AKIDEXAMPLE/20150830/us-east-1/events/aws4_request";
  const std::string good_headers = "SignedHeaders=content-type;host;x-amz-date;x-amz-target";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Bearer x", "is not AWS4-HMAC-SHA256"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", " + good_headers, "has no Signature"},
      {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/events, " + good_headers + ", Signature=" + sig,
       "Credential must be"},
      {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015-8-3/us-east-1/events/aws4_request, " + good_headers +
           ", Signature=" + sig,
       "is not YYYYMMDD"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", SignedHeaders=host;Content-Type, Signature=" + sig, "lower-case"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", SignedHeaders=x-amz-date;host, Signature=" + sig, "ascending"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", " + good_headers + ", Signature=XYZ", "64 lower-case hex"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", " + good_credential + ", " + good_headers + ", Signature=" + sig,
       "twice"},
      {"AWS4-HMAC-SHA256 " + good_credential + ", " + good_headers + ", Signature=" + sig + ", Extra=1",
       "unexpected \"Extra=1\""},
      {"AWS4-HMAC-SHA256 " + good_credential + ", SignedHeaders=host, Signature=" + sig, "must include x-amz-date"},
  };
  for (const auto& [value, expected] : cases) {
    const auto e = with_authorization(value);
    EXPECT_EQ(e.failure, VerifyFailure::malformed) << value;
    EXPECT_NE(e.message.find(expected), std::string::npos) << value << " -> " << e.message;
  }

  auto none = signed_request();
  std::erase_if(none.headers, [](const auto& h) { return h.first == "Authorization"; });
  EXPECT_EQ(failure(none).message, "no Authorization header");
  auto twice = signed_request();
  twice.headers.emplace_back("authorization", header(twice, "Authorization"));
  EXPECT_EQ(failure(twice).message, "more than one authorization header");
  auto bad_date = signed_request();
  header(bad_date, "X-Amz-Date") = "2015-08-30T12:36:00Z";
  EXPECT_EQ(failure(bad_date).message, "X-Amz-Date \"2015-08-30T12:36:00Z\" is not YYYYMMDDTHHMMSSZ");
}

TEST(AmzDate, FormatsAndParsesWholeSecondsUtc) {
  EXPECT_EQ(format_amz_date(kTime + milliseconds(999)), "20150830T123600Z");
  EXPECT_EQ(parse_amz_date("20150830T123600Z"), kTime);
  for (std::string_view bad : {"20150230T123600Z", "20150830T243600Z", "20150830 123600Z", "20150830T123600", "x"})
    EXPECT_FALSE(parse_amz_date(bad)) << bad;
}

}  // namespace
}  // namespace relay::aws
