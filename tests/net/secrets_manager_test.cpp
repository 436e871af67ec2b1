// secretsmanager: references against a test Secrets Manager on loopback that checks every
// call's SigV4 signature as AWS would: SecretString, #json-key, SecretBinary, one fetch per
// secret, AWS's errors, no credentials, the endpoint variables, and the relay binary.
#include "relay/net/secrets_manager_fetcher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "relay/config/config.hpp"
#include "relay/core/base64.hpp"
#include "tests/net/aws_environment.hpp"
#include "tests/net/test_secrets_manager.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::string_secret;
using testing::TestSecretsManager;

const std::string kArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:relay/webhook-AbCdEf";
const std::string kOtherArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:relay/other-GhIjKl";

// The environment of a Lambda function (role keys in the environment) with the endpoint
// pointed at the test server, and the process's fetcher installed as `relay` installs it.
class SecretsManagerTest : public ::testing::Test {
 protected:
  SecretsManagerTest() {
    env.set("AWS_ACCESS_KEY_ID", testing::kTestAccessKeyId);
    env.set("AWS_SECRET_ACCESS_KEY", testing::kTestSecretAccessKey);
    env.set("AWS_SESSION_TOKEN", testing::kTestSessionToken);
    env.set("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.url());
    config::use_secret_fetcher(&fetcher);
  }
  ~SecretsManagerTest() override { config::use_secret_fetcher(nullptr); }

  std::string resolved(const std::string& ref) {
    auto got = config::resolve_secret(ref);
    if (const auto* err = std::get_if<config::SecretError>(&got)) ADD_FAILURE() << err->message;
    return std::holds_alternative<std::string>(got) ? std::get<std::string>(got) : "";
  }
  std::string refusal(const std::string& ref) {
    auto got = config::resolve_secret(ref);
    EXPECT_TRUE(std::holds_alternative<config::SecretError>(got)) << ref << " resolved";
    return std::holds_alternative<config::SecretError>(got) ? std::get<config::SecretError>(got).message : "";
  }

  testing::AwsEnvironment env;
  TestSecretsManager secrets;
  SecretsManagerFetcher fetcher;
};

TEST_F(SecretsManagerTest, SecretStringFetchedWithASignedGetSecretValue) {
  secrets.add(kArn, string_secret(kArn, "hook-s3cret"));
  EXPECT_EQ(resolved("secretsmanager:" + kArn), "hook-s3cret");
  const auto requests = secrets.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(secrets.verified(), 1);
  EXPECT_EQ(json::parse(requests[0].body), json::parse(R"({"SecretId": ")" + kArn + R"("})"));
  EXPECT_THAT(requests[0].header("authorization"),
              HasSubstr("Credential=AKIDTEST/" + requests[0].header("x-amz-date").substr(0, 8) +
                        "/us-east-1/secretsmanager/aws4_request"));
}

TEST_F(SecretsManagerTest, JsonKeyTakesOneStringOfTheSecret) {
  secrets.add(kArn, string_secret(kArn, R"({"webhook": "k-webhook", "admin": "k-admin", "count": 3})"));
  EXPECT_EQ(resolved("secretsmanager:" + kArn + "#webhook"), "k-webhook");
  EXPECT_EQ(resolved("secretsmanager:" + kArn + "#admin"), "k-admin");
  const std::string missing = refusal("secretsmanager:" + kArn + "#nope");
  EXPECT_EQ(missing, "Secrets Manager secret " + kArn + ": the secret's JSON has no key \"nope\"");
  const std::string number = refusal("secretsmanager:" + kArn + "#count");
  EXPECT_EQ(number, "Secrets Manager secret " + kArn + ": the secret's key \"count\" is not a string");
  EXPECT_THAT(missing + number, Not(HasSubstr("k-webhook")));
  EXPECT_THAT(missing + number, Not(HasSubstr("k-admin")));
  EXPECT_EQ(secrets.requests().size(), 1u) << "one fetch, however many keys are taken from it";
}

TEST_F(SecretsManagerTest, JsonKeyOfASecretThatIsNotJson) {
  secrets.add(kArn, string_secret(kArn, "plain-s3cret {"));
  const std::string why = refusal("secretsmanager:" + kArn + "#webhook");
  EXPECT_EQ(why, "Secrets Manager secret " + kArn + ": the secret is not a JSON object, so it has no key \"webhook\"");
  EXPECT_EQ(resolved("secretsmanager:" + kArn), "plain-s3cret {") << "without a key the whole string is the secret";
}

TEST_F(SecretsManagerTest, SecretBinaryIsItsBytes) {
  const std::string bytes("bin\0s3cret\xff", 11);
  secrets.add(kArn, {{"ARN", kArn}, {"Name", "relay/webhook"}, {"SecretBinary", core::base64_encode(bytes)}});
  EXPECT_EQ(resolved("secretsmanager:" + kArn), bytes);
}

TEST_F(SecretsManagerTest, ConfigFetchesEachSecretOnceForEveryKeyThatUsesIt) {
  secrets.add(kArn, string_secret(kArn, R"({"a": "secret-a", "b": "secret-b"})"));
  secrets.add(kOtherArn, string_secret(kOtherArn, "admin-token"));
  std::vector<std::string> errors;
  const auto cfg = config::parse_config(R"(
admin: {token: "secretsmanager:)" + kOtherArn + R"("}
destinations:
  a: {url: "https://a.example/", secret: "secretsmanager:)" + kArn + R"(#a"}
  b: {url: "https://b.example/", secret: "secretsmanager:)" + kArn + R"(#b"}
routes:
  - {name: ecs, handler: ecs_task, destinations: [a, b]}
)", errors);
  ASSERT_TRUE(cfg) << ::testing::PrintToString(errors);
  EXPECT_EQ(cfg->admin.token, "admin-token");
  EXPECT_EQ(secrets.requests().size(), 2u);
  EXPECT_EQ(resolved("secretsmanager:" + kArn + "#b"), "secret-b");
  EXPECT_EQ(secrets.requests().size(), 2u) << "kept for the life of the process";
}

TEST_F(SecretsManagerTest, NotFoundAndAccessDeniedNameTheKeyAndTheSecret) {
  const std::string denied = "arn:aws:secretsmanager:us-east-1:123456789012:secret:denied-XyZ123";
  std::vector<std::string> errors;
  EXPECT_FALSE(config::parse_config(R"(
destinations:
  a: {url: "https://a.example/", secret: "secretsmanager:)" + kArn + R"("}
  b: {url: "https://b.example/", secret: "secretsmanager:)" + denied + R"(#key"}
routes:
  - {name: ecs, handler: ecs_task, destinations: [a, b]}
)", errors));
  EXPECT_THAT(errors, ::testing::ElementsAre(
                          "destinations.a.secret: Secrets Manager secret " + kArn +
                              ": secret not found (ResourceNotFoundException: Secrets Manager can't find the specified secret.)",
                          "destinations.b.secret: Secrets Manager secret " + denied +
                              ": access denied (AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/relay "
                              "is not authorized)"));
  EXPECT_EQ(refusal("secretsmanager:" + kArn), errors[0].substr(errors[0].find("Secrets Manager")));
  EXPECT_EQ(secrets.requests().size(), 2u) << "a failure is kept too: the secret is not asked for again";
}

TEST_F(SecretsManagerTest, NoCredentialsIsAnErrorBeforeAnyCall) {
  env.unset("AWS_ACCESS_KEY_ID");
  env.unset("AWS_SECRET_ACCESS_KEY");
  env.unset("AWS_SESSION_TOKEN");
  const std::string why = refusal("secretsmanager:" + kArn);
  EXPECT_THAT(why, HasSubstr("Secrets Manager secret " + kArn + ": no AWS credentials (tried environment: "));
  EXPECT_TRUE(secrets.requests().empty());
}

TEST_F(SecretsManagerTest, EndpointVariablesInTheSdksOrder) {
  TestSecretsManager general;
  general.add(kArn, string_secret(kArn, "from-general"));
  secrets.add(kArn, string_secret(kArn, "from-specific"));
  env.set("AWS_ENDPOINT_URL", general.url());
  EXPECT_EQ(resolved("secretsmanager:" + kArn), "from-specific") << "the service's variable wins";

  env.unset("AWS_ENDPOINT_URL_SECRETS_MANAGER");
  SecretsManagerFetcher fresh;
  config::use_secret_fetcher(&fresh);
  EXPECT_EQ(resolved("secretsmanager:" + kArn), "from-general");
  EXPECT_EQ(general.requests().size(), 1u);

  env.set("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://secrets.internal.example");
  SecretsManagerFetcher plain;
  config::use_secret_fetcher(&plain);
  EXPECT_EQ(refusal("secretsmanager:" + kArn),
            "Secrets Manager secret " + kArn +
                ": AWS_ENDPOINT_URL_SECRETS_MANAGER: must be https (http only to a loopback address such as 127.0.0.1)");
}

TEST_F(SecretsManagerTest, UnreachableEndpointIsAnError) {
  std::string closed;
  {
    asio::io_context io;
    tcp::acceptor bound(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed = "http://127.0.0.1:" + std::to_string(bound.local_endpoint().port());
  }  // closed: connecting is refused
  env.set("AWS_ENDPOINT_URL_SECRETS_MANAGER", closed);
  EXPECT_THAT(refusal("secretsmanager:" + kArn),
              HasSubstr("Secrets Manager secret " + kArn + ": Secrets Manager at " + closed.substr(7) + ": "));
}

TEST_F(SecretsManagerTest, ANameTakesTheRegionOfTheEnvironment) {
  TestSecretsManager frankfurt("eu-central-1");
  frankfurt.add("relay/webhook", string_secret(kArn, "by-name"));
  env.set("AWS_ENDPOINT_URL_SECRETS_MANAGER", frankfurt.url());
  EXPECT_EQ(refusal("secretsmanager:relay/webhook"),
            "Secrets Manager secret relay/webhook: no region: a secret given by name takes AWS_REGION or "
            "AWS_DEFAULT_REGION, and neither is set");
  env.set("AWS_REGION", "eu-central-1");
  EXPECT_EQ(resolved("secretsmanager:relay/webhook"), "by-name");
  EXPECT_EQ(frankfurt.verified(), 1);
}

// The relay binary installs the fetcher: `relay config check` resolves the references as
// `relay serve` would, and `relay test` signs with the secret and sends to the URL fetched.
TEST_F(SecretsManagerTest, RelayConfigCheckAndRelayTestUseTheSecrets) {
  secrets.add(kArn, string_secret(kArn, R"({"url": "https://hooks.example/T0/XyZsecret", "key": "hmac-s3cret"})"));
  testing::TempDir dir;
  const auto file = dir.write("relay.yaml", R"(destinations:
  hook: {url: "secretsmanager:)" + kArn + R"(#url", secret: "secretsmanager:)" + kArn + R"(#key"}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)");
  const auto check = testing::run_process({RELAY_BINARY, "config", "check", file});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, file + ": ok (1 destinations, 1 routes)\n");
  EXPECT_EQ(secrets.requests().size(), 1u) << "one fetch for both keys";

  const std::string timestamp = "2025-01-01T00:00:00.000Z";
  const auto tested = testing::run_process({RELAY_BINARY, "test", "--timestamp", timestamp, "--config", file,
                                            RELAY_SOURCE_DIR "/payloads/samples/ecs-task-stopped-exit-codes.json"});
  ASSERT_EQ(tested.exit_code, 0) << tested.err;
  EXPECT_THAT(tested.out + tested.err, Not(HasSubstr("s3cret")));
  EXPECT_THAT(tested.out + tested.err, Not(HasSubstr("XyZsecret")));
  const json::value line = json::parse(tested.out.substr(0, tested.out.find('\n')));
  const auto& request = line.as_object().at("deliveries").as_array().at(0).as_object().at("request").as_object();
  EXPECT_EQ(request.at("url"), "https://hooks.example/<redacted>");
  const auto body = dir.write("body", std::string(request.at("body").as_string()));
  const auto verified =
      testing::run_process({RELAY_BINARY, "verify", "--secret", "hmac-s3cret", "--timestamp", timestamp, "--signature",
                            std::string(request.at("headers").as_object().at("x-amzn-event-signature").as_string()), body});
  EXPECT_EQ(verified.exit_code, 0) << "signed with the secret from Secrets Manager: " << verified.out << verified.err;

  const std::string missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:relay/gone-MnOpQr";
  const auto bad = dir.write("bad.yaml", R"(destinations:
  hook: {url: "https://hooks.example/", secret: "secretsmanager:)" + missing + R"("}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)");
  const auto refused = testing::run_process({RELAY_BINARY, "config", "check", bad});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err, "relay config check: " + bad + ": destinations.hook.secret: Secrets Manager secret " + missing +
                             ": secret not found (ResourceNotFoundException: Secrets Manager can't find the specified "
                             "secret.)\n");
}

}  // namespace
}  // namespace relay::net
