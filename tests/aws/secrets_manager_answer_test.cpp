// GetSecretValue's request and what its answers mean, as documented for the JSON 1.1
// protocol: SecretString, SecretBinary (base64), and {"__type", "message"} errors.
#include "relay/aws/secrets_manager.hpp"

#include <gtest/gtest.h>

namespace relay::aws {
namespace {

std::string value(unsigned status, std::string_view body) {
  auto got = parse_get_secret_value_answer(status, body);
  if (const auto* err = std::get_if<config::SecretError>(&got)) ADD_FAILURE() << err->message;
  return std::holds_alternative<std::string>(got) ? std::get<std::string>(got) : "";
}

std::string error(unsigned status, std::string_view body) {
  auto got = parse_get_secret_value_answer(status, body);
  EXPECT_TRUE(std::holds_alternative<config::SecretError>(got)) << body;
  return std::holds_alternative<config::SecretError>(got) ? std::get<config::SecretError>(got).message : "";
}

TEST(SecretsManagerCall, EndpointHeadersAndBody) {
  EXPECT_EQ(secrets_manager_endpoint_for("us-east-1"), "https://secretsmanager.us-east-1.amazonaws.com");
  EXPECT_EQ(secrets_manager_endpoint_for("cn-north-1"), "https://secretsmanager.cn-north-1.amazonaws.com.cn");
  const auto headers = get_secret_value_headers();
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"x-amz-target", "secretsmanager.GetSecretValue"}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"content-type", "application/x-amz-json-1.1"}));
  EXPECT_EQ(get_secret_value_body("prod/\"relay\""), R"({"SecretId":"prod/\"relay\""})");
}

TEST(SecretsManagerAnswer, SecretStringOrTheBytesOfSecretBinary) {
  EXPECT_EQ(value(200, R"({"ARN":"arn:x","Name":"n","SecretString":"s3cret","VersionId":"v"})"), "s3cret");
  EXPECT_EQ(value(200, R"({"ARN":"arn:x","SecretBinary":"AAFiaW4="})"), std::string("\0\1bin", 5));
  EXPECT_EQ(error(200, R"({"ARN":"arn:x","SecretBinary":"not base64!"})"),
            "GetSecretValue answered 200 with a SecretBinary that is not base64");
  EXPECT_EQ(error(200, R"({"ARN":"arn:x"})"), "GetSecretValue answered 200 without a SecretString or SecretBinary");
  EXPECT_EQ(error(200, "<html>"), "GetSecretValue answered 200 with a body that is not a JSON object");
}

TEST(SecretsManagerAnswer, ErrorsSayWhatTheyMean) {
  EXPECT_EQ(error(400, R"({"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."})"),
            "secret not found (ResourceNotFoundException: Secrets Manager can't find the specified secret.)");
  EXPECT_EQ(error(400, R"({"__type":"com.amazonaws.secretsmanager#AccessDeniedException","Message":"not authorized"})"),
            "access denied (AccessDeniedException: not authorized)");
  EXPECT_EQ(error(400, R"({"__type":"ExpiredTokenException","message":"expired"})"),
            "the credentials were refused (ExpiredTokenException: expired)");
  EXPECT_EQ(error(400, R"({"__type":"InvalidRequestException","message":"marked for deletion"})"),
            "GetSecretValue answered 400: InvalidRequestException: marked for deletion");
  EXPECT_EQ(error(500, R"({"__type":"InternalServiceError"})"), "GetSecretValue answered 500: InternalServiceError");
  EXPECT_EQ(error(502, "Bad Gateway"), "GetSecretValue answered 502");
}

}  // namespace
}  // namespace relay::aws
