// What the credential endpoints and STS answer, and when credentials are due for renewal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "relay/aws/credential_expiry.hpp"
#include "relay/aws/endpoint_credentials.hpp"
#include "relay/aws/sts.hpp"
#include "relay/core/utc_time.hpp"

namespace relay::aws {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

std::chrono::system_clock::time_point at(std::string_view text) { return *core::parse_utc(text); }

TEST(EndpointCredentials, ReadsTheContainerAndInstanceAnswers) {
  auto got = parse_endpoint_credentials(R"({"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "se/cr+et",
      "Token": "tok==", "Expiration": "2026-11-30T01:00:00Z", "RoleArn": "arn:aws:iam::123456789012:role/x"})");
  ASSERT_TRUE(std::holds_alternative<Credentials>(got)) << std::get<std::string>(got);
  const auto& c = std::get<Credentials>(got);
  EXPECT_EQ(c.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(c.secret_access_key, "se/cr+et");
  EXPECT_EQ(c.session_token, "tok==");
  EXPECT_EQ(c.expiration, at("2026-11-30T01:00:00Z"));

  // IMDS adds Code, Type and LastUpdated.
  got = parse_endpoint_credentials(R"({"Code": "Success", "LastUpdated": "2026-11-29T23:00:00Z", "Type": "AWS-HMAC",
      "AccessKeyId": "ASIA2", "SecretAccessKey": "s2", "Token": "t2", "Expiration": "2026-11-30T05:00:00.123Z"})");
  ASSERT_TRUE(std::holds_alternative<Credentials>(got)) << std::get<std::string>(got);
  EXPECT_EQ(std::get<Credentials>(got).expiration, at("2026-11-30T05:00:00.123Z"));
}

TEST(EndpointCredentials, BadAnswersSayWhatIsWrongWithoutSecrets) {
  auto why = [](std::string_view body) {
    auto got = parse_endpoint_credentials(body);
    EXPECT_TRUE(std::holds_alternative<std::string>(got)) << body;
    return std::holds_alternative<std::string>(got) ? std::get<std::string>(got) : "";
  };
  EXPECT_EQ(why("<html>"), "the answer is not a JSON object");
  EXPECT_EQ(why("[1]"), "the answer is not a JSON object");
  EXPECT_EQ(why(R"({"SecretAccessKey": "hush"})"), "the answer has no AccessKeyId");
  EXPECT_EQ(why(R"({"AccessKeyId": "A", "SecretAccessKey": ""})"), "the answer has no SecretAccessKey");
  EXPECT_EQ(why(R"({"AccessKeyId": "A", "SecretAccessKey": "hush", "Expiration": "tomorrow"})"),
            "the answer's Expiration is not an ISO 8601 UTC time");
  EXPECT_EQ(why(R"({"Code": "AssumeRoleUnauthorizedAccess", "Message": "no role", "AccessKeyId": "A"})"),
            "the answer's Code is AssumeRoleUnauthorizedAccess: no role");
}

TEST(Sts, FormsEncodeEveryField) {
  EXPECT_EQ(assume_role_form({"arn:aws:iam::123456789012:role/relay", "relay", "ext id/1", 900s}),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Frelay"
            "&RoleSessionName=relay&ExternalId=ext%20id%2F1&DurationSeconds=900");
  EXPECT_EQ(assume_role_form({"arn:aws:iam::123456789012:role/r", "s.n@x", "", 3600s}),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"
            "&RoleSessionName=s.n%40x&DurationSeconds=3600");
  EXPECT_EQ(web_identity_form("arn:aws:iam::123456789012:role/r", "relay", "eyJ.a+b="),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"
            "&RoleSessionName=relay&WebIdentityToken=eyJ.a%2Bb%3D");
}

TEST(Sts, RegionalEndpoints) {
  EXPECT_EQ(sts_endpoint_for("eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(sts_endpoint_for("cn-north-1"), "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(sts_endpoint_for(""), "https://sts.amazonaws.com");
}

TEST(Sts, ReadsAssumeRoleAndWebIdentityAnswers) {
  const std::string assume_role = R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLE&amp;+=</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";
  auto got = parse_sts_answer(200, assume_role);
  ASSERT_TRUE(std::holds_alternative<Credentials>(got)) << std::get<std::string>(got);
  auto c = std::get<Credentials>(got);
  EXPECT_EQ(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(c.session_token, "AQoDYXdzEPT//////////wEXAMPLE&+=");
  EXPECT_EQ(c.expiration, at("2019-11-09T13:34:41Z"));

  got = parse_sts_answer(200, R"(<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Credentials><SessionToken>t&#43;1</SessionToken><SecretAccessKey>s</SecretAccessKey>
    <Expiration>2026-11-30T00:00:00.000Z</Expiration><AccessKeyId>ASIAWEB</AccessKeyId></Credentials>
    </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>)");
  ASSERT_TRUE(std::holds_alternative<Credentials>(got)) << std::get<std::string>(got);
  c = std::get<Credentials>(got);
  EXPECT_EQ(c.access_key_id, "ASIAWEB");
  EXPECT_EQ(c.session_token, "t+1");
}

TEST(Sts, ErrorsCarryCodeAndMessage) {
  auto why = [](unsigned status, std::string_view body) {
    auto got = parse_sts_answer(status, body);
    EXPECT_TRUE(std::holds_alternative<std::string>(got)) << body;
    return std::holds_alternative<std::string>(got) ? std::get<std::string>(got) : "";
  };
  EXPECT_EQ(why(403, R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
      <Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole &amp; more</Message>
      </Error><RequestId>r</RequestId></ErrorResponse>)"),
            "STS answered 403: AccessDenied: User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole & more");
  EXPECT_EQ(why(503, "Service Unavailable"), "STS answered 503");
  EXPECT_EQ(why(200, "<AssumeRoleResponse/>"), "STS answered 200 without <Credentials>");
  EXPECT_EQ(why(200, "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>hush</SecretAccessKey></Credentials>"),
            "STS answered 200 without a readable SessionToken");
  EXPECT_EQ(why(200, "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>hush&bogus;</SecretAccessKey>"
                     "<SessionToken>t</SessionToken></Credentials>"),
            "STS answered 200 without a readable SecretAccessKey");
  EXPECT_THAT(why(200, "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>hush</SecretAccessKey>"
                       "<SessionToken>t</SessionToken><Expiration>soon</Expiration></Credentials>"),
              AllOf(HasSubstr("Expiration"), Not(HasSubstr("hush"))));
}

TEST(CredentialExpiry, RefreshWhenLessThanFiveMinutesRemain) {
  const auto now = at("2026-11-29T23:00:00Z");
  Credentials c;
  EXPECT_FALSE(needs_refresh(c, now));  // long-term keys never expire
  EXPECT_FALSE(expired(c, now));
  c.expiration = now + 5min;
  EXPECT_FALSE(needs_refresh(c, now));
  c.expiration = now + 5min - 1s;
  EXPECT_TRUE(needs_refresh(c, now));
  EXPECT_FALSE(expired(c, now));
  c.expiration = now;
  EXPECT_TRUE(needs_refresh(c, now));
  EXPECT_TRUE(expired(c, now));
}

}  // namespace
}  // namespace relay::aws
