// `relay sign --scheme aws-sigv4` and `relay verify --scheme aws-sigv4` as a user runs them:
// raw requests through files and stdin, secrets from env: and file:, exit codes 0/1/2.
#include "tests/support/run_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay {
namespace {

using ::testing::HasSubstr;
using testing::run_process;

const std::string kKeyId = "AKIDEXAMPLE";
const std::string kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const std::string kRequest =
    "POST / HTTP/1.1\n"
    "Content-Type: application/x-www-form-urlencoded\n"
    "Host: example.amazonaws.com\n"
    "\n"
    "Param1=value1";

std::vector<std::string> sign_args(std::vector<std::string> more) {
  std::vector<std::string> args = {RELAY_BINARY, "sign",      "--scheme",  "aws-sigv4",
                                   "--region",   "us-east-1", "--service", "service"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::vector<std::string> verify_args(std::vector<std::string> more) {
  std::vector<std::string> args = {RELAY_BINARY, "verify", "--scheme", "aws-sigv4"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(RelaySignAwsSigV4, PrintsThePublishedExampleSigned) {
  testing::TempDir dir;
  const auto file = dir.write("request.http", kRequest);
  const auto r = run_process(
      sign_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret, "--time", "2015-08-30T12:36:00Z", file}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "POST / HTTP/1.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Host: example.amazonaws.com\r\n"
            "X-Amz-Date: 20150830T123600Z\r\n"
            "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a\r\n"
            "\r\n"
            "Param1=value1");
}

TEST(RelaySignAwsSigV4, SignThenVerifyThroughFilesAndStdin) {
  testing::TempDir dir;
  const auto file = dir.write("request.http", kRequest);
  const auto signed_ = run_process(sign_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret,
                                              "--session-token", "token-1", "--time", "2015-08-30T12:36:00Z", "-"}),
                                   kRequest);
  ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
  EXPECT_THAT(signed_.out, HasSubstr("\r\nX-Amz-Security-Token: token-1\r\n"));
  EXPECT_THAT(signed_.out, HasSubstr("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"));
  const auto signed_file = dir.write("signed.http", signed_.out);

  const auto from_file = run_process(verify_args(
      {"--access-key-id", kKeyId, "--secret-access-key", kSecret, "--time", "2015-08-30T12:40:00Z", signed_file}));
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(from_file.out, "valid\n");
  const auto from_stdin =
      run_process(verify_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret, "--time",
                               "2015-08-30T12:36:00Z", "--region", "us-east-1", "--service", "service"}),
                  signed_.out);
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.err;

  // Without --time both use the clock.
  const auto now_signed = run_process(sign_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret, file}));
  ASSERT_EQ(now_signed.exit_code, 0) << now_signed.err;
  const auto now_verified =
      run_process(verify_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret}), now_signed.out);
  EXPECT_EQ(now_verified.exit_code, 0) << now_verified.err;
}

TEST(RelayVerifyAwsSigV4, AnInvalidRequestExitsOneAndSaysWhy) {
  const auto signed_ = run_process(
      sign_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret, "--time", "2015-08-30T12:36:00Z"}),
      kRequest);
  ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
  const std::vector<std::string> at_time = {"--access-key-id", kKeyId, "--time", "2015-08-30T12:36:00Z"};
  const auto verify = [&](const std::string& request, const std::string& secret, std::vector<std::string> more = {}) {
    auto args = verify_args(at_time);
    args.insert(args.end(), {"--secret-access-key", secret});
    args.insert(args.end(), more.begin(), more.end());
    return run_process(args, request);
  };

  auto tampered = signed_.out;
  tampered.back() = '2';  // Param1=value2
  const struct {
    std::string request, secret;
    std::vector<std::string> more;
    std::string reason;
  } cases[] = {
      {tampered, kSecret, {}, "relay verify: the signature does not match"},
      {signed_.out, "another-secret", {}, "relay verify: the signature does not match"},
      {signed_.out, kSecret, {"--region", "eu-west-1"}, "relay verify: signed for region us-east-1, not eu-west-1\n"},
      {signed_.out.substr(0, signed_.out.find("Authorization:")) + "\r\nParam1=value1",
       kSecret,
       {},
       "relay verify: no Authorization header\n"},
  };
  for (const auto& c : cases) {
    const auto r = verify(c.request, c.secret, c.more);
    EXPECT_EQ(r.exit_code, 1) << c.reason;
    EXPECT_EQ(r.out, "invalid\n");
    EXPECT_THAT(r.err, HasSubstr(c.reason));
  }

  // Valid, but 20 minutes after it was signed: outside the 15-minute window.
  const auto late = run_process(
      verify_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret, "--time", "2015-08-30T12:56:00Z"}),
      signed_.out);
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_EQ(late.err,
            "relay verify: signed at 2015-08-30T12:36:00.000Z, more than 15 minutes from 2015-08-30T12:56:00.000Z\n");
}

TEST(RelaySignAwsSigV4, TakesKeysFromEnvAndFile) {
  testing::TempDir dir;
  const auto secret_file = dir.write("secret", kSecret + "\n");
  const auto token_file = dir.write("token", "token-1\n");
  const std::vector<std::string> at = {"--time", "2015-08-30T12:36:00Z", "--session-token"};
  auto literal = sign_args({"--access-key-id", kKeyId, "--secret-access-key", kSecret});
  literal.insert(literal.end(), at.begin(), at.end());
  literal.push_back("token-1");
  auto refs = sign_args({"--access-key-id", "env:RELAY_TEST_AWS_KEY_ID", "--secret-access-key", "file:" + secret_file});
  refs.insert(refs.end(), at.begin(), at.end());
  refs.push_back("file:" + token_file);
  const auto a = run_process(literal, kRequest);
  const auto b = run_process(refs, kRequest, {"RELAY_TEST_AWS_KEY_ID=" + kKeyId});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out, b.out);

  const auto verified = run_process(verify_args({"--access-key-id", "env:RELAY_TEST_AWS_KEY_ID", "--secret-access-key",
                                                 "env:RELAY_TEST_AWS_SECRET", "--time", "2015-08-30T12:36:00Z"}),
                                    a.out, {"RELAY_TEST_AWS_KEY_ID=" + kKeyId, "RELAY_TEST_AWS_SECRET=" + kSecret});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
}

TEST(RelaySignAwsSigV4, UsageErrorsExitTwoWithOneLine) {
  testing::TempDir dir;
  const auto bad = dir.write("bad.http", "POST / HTTP/1.1\nHost: example.com\nno colon\n\nbody");
  const std::vector<std::string> keys = {"--access-key-id", kKeyId, "--secret-access-key", kSecret};
  const auto with_keys = [&](std::vector<std::string> args, std::vector<std::string> more) {
    args.insert(args.end(), keys.begin(), keys.end());
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  const struct {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string err;
  } cases[] = {
      {with_keys({RELAY_BINARY, "sign", "--scheme", "aws-sigv4", "--service", "s"}, {}),
       {},
       "relay sign: --region and --service are required for aws-sigv4\n"},
      {sign_args({"--access-key-id", kKeyId}), {}, "relay sign: --secret-access-key is required for aws-sigv4\n"},
      {with_keys(sign_args({"--time", "yesterday"}), {}),
       {},
       "relay sign: --time: expected YYYY-MM-DDTHH:MM:SSZ, got \"yesterday\"\n"},
      {with_keys(sign_args({"--secret", "s"}), {}),
       {},
       "relay sign: aws-sigv4 takes --access-key-id, --secret-access-key and --time, not --secret or --timestamp\n"},
      {sign_args({"--access-key-id", kKeyId, "--secret-access-key", "env:RELAY_NO_SUCH_VAR"}),
       {"RELAY_NO_SUCH_VAR="},
       "relay sign: --secret-access-key: environment variable RELAY_NO_SUCH_VAR is not set\n"},
      {with_keys(sign_args({}), {bad}), {}, "relay sign: " + bad + ": line 3: expected a header line: Name: value\n"},
      {with_keys(verify_args({}), {bad}),
       {},
       "relay verify: " + bad + ": line 3: expected a header line: Name: value\n"},
      {with_keys(sign_args({}), {"-"}),
       {},
       "relay sign: standard input: line 1: expected a request line, found nothing\n"},
      {with_keys({RELAY_BINARY, "sign", "--region", "r", "--service", "s"}, {}),
       {},
       "relay sign: the aws-sigv4 options need --scheme aws-sigv4\n"},
      {with_keys(verify_args({"--signature", "x"}), {}),
       {},
       "relay verify: aws-sigv4 takes --access-key-id, --secret-access-key and --time, not --secret, --signature, "
       "--timestamp or --id\n"},
  };
  for (const auto& c : cases) {
    const auto r = run_process(c.args, "", c.env);
    EXPECT_EQ(r.exit_code, 2) << c.err;
    EXPECT_EQ(r.err, c.err);
  }
}

}  // namespace
}  // namespace relay
