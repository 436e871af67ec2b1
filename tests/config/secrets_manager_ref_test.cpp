// The secretsmanager: reference form: its syntax (checked at load, before anything is
// fetched), taking a JSON key, and resolution through the fetcher the process installs.
#include "relay/config/config.hpp"
#include "relay/config/secret_ref.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace relay::config {
namespace {

using ::testing::ElementsAre;

const std::string kArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/relay-AbCdEf";

std::optional<SecretsManagerRef> parsed(std::string_view text) {
  std::string problem;
  auto ref = parse_secrets_manager_ref(text, problem);
  if (!ref) ADD_FAILURE() << text << ": " << problem;
  return ref;
}

std::string problem_of(std::string_view text) {
  std::string problem;
  EXPECT_FALSE(parse_secrets_manager_ref(text, problem)) << text;
  return problem;
}

TEST(SecretsManagerRef, AnArnGivesItsRegion) {
  const auto ref = parsed(kArn);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->secret_id, kArn);
  EXPECT_EQ(ref->region, "eu-west-1");
  EXPECT_EQ(ref->json_key, "");
  const auto china = parsed("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf#api key");
  ASSERT_TRUE(china);
  EXPECT_EQ(china->region, "cn-north-1");
  EXPECT_EQ(china->json_key, "api key");
}

TEST(SecretsManagerRef, ANameLeavesTheRegionToTheEnvironment) {
  const auto ref = parsed("prod/relay_webhook+v2=@.-#signing");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->secret_id, "prod/relay_webhook+v2=@.-");
  EXPECT_EQ(ref->region, "");
  EXPECT_EQ(ref->json_key, "signing");
}

TEST(SecretsManagerRef, MalformedReferencesSayWhatIsExpected) {
  const std::string not_arn = "not a secret ARN (arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME)";
  EXPECT_EQ(problem_of("arn:aws:s3:::bucket"), "\"secretsmanager:arn:aws:s3:::bucket\": " + not_arn);
  EXPECT_EQ(problem_of("arn:aws:secretsmanager:eu-west-1:1234:secret:x"),
            "\"secretsmanager:arn:aws:secretsmanager:eu-west-1:1234:secret:x\": " + not_arn);
  EXPECT_THAT(problem_of("arn:aws:secretsmanager:eu-west-1:123456789012:parameter:x"), ::testing::HasSubstr(not_arn));
  EXPECT_THAT(problem_of("arn:aws:secretsmanager:EU:123456789012:secret:x"), ::testing::HasSubstr(not_arn));
  EXPECT_THAT(problem_of("arn:aws:secretsmanager:eu-west-1:123456789012:secret:"), ::testing::HasSubstr(not_arn));
  EXPECT_EQ(problem_of(kArn + "#"),
            "\"secretsmanager:" + kArn + "#\": nothing after '#' (give the JSON key, or leave '#' out)");
  EXPECT_EQ(problem_of("my secret"),
            "\"secretsmanager:my secret\": expected a secret ARN or name (letters, digits and /_+=.@-, at most 512)");
  EXPECT_THAT(problem_of(""), ::testing::HasSubstr("expected a secret ARN or name"));
  EXPECT_THAT(problem_of(std::string(513, 'a')), ::testing::HasSubstr("at most 512"));
}

TEST(SecretJsonValue, TakesAStringAndNeverQuotesTheSecret) {
  std::string problem;
  EXPECT_EQ(secret_json_value(R"({"a": "s3cret-a", "n": 1})", "a", problem), "s3cret-a");
  EXPECT_FALSE(secret_json_value(R"({"a": "s3cret-a", "n": 1})", "n", problem));
  EXPECT_EQ(problem, "the secret's key \"n\" is not a string");
  EXPECT_FALSE(secret_json_value(R"({"a": "s3cret-a"})", "b", problem));
  EXPECT_EQ(problem, "the secret's JSON has no key \"b\"");
  EXPECT_FALSE(secret_json_value(R"(["s3cret"])", "a", problem));
  EXPECT_EQ(problem, "the secret is not a JSON object, so it has no key \"a\"");
  EXPECT_FALSE(secret_json_value("s3cret", "a", problem));
  EXPECT_EQ(problem, "the secret is not a JSON object, so it has no key \"a\"");
}

// Answers from a map, counting the calls, as the network fetcher would without a network.
class MapFetcher final : public SecretFetcher {
 public:
  std::variant<std::string, SecretError> fetch(const SecretsManagerRef& ref) override {
    asked.push_back(ref.secret_id + "@" + ref.region);
    const auto found = values.find(ref.secret_id);
    if (found == values.end()) return SecretError{"secret not found (ResourceNotFoundException)"};
    return found->second;
  }
  std::map<std::string, std::string> values;
  std::vector<std::string> asked;
};

class WithFetcher : public ::testing::Test {
 protected:
  WithFetcher() { use_secret_fetcher(&fetcher); }
  ~WithFetcher() override { use_secret_fetcher(nullptr); }
  MapFetcher fetcher;
};

TEST_F(WithFetcher, ResolvesThroughTheInstalledFetcher) {
  fetcher.values[kArn] = R"({"hook": "s3cret-hook", "empty": ""})";
  fetcher.values["plain"] = "s3cret-plain";
  EXPECT_EQ(std::get<std::string>(resolve_secret("secretsmanager:" + kArn + "#hook")), "s3cret-hook");
  EXPECT_EQ(std::get<std::string>(resolve_secret("secretsmanager:plain")), "s3cret-plain");
  EXPECT_THAT(fetcher.asked, ElementsAre(kArn + "@eu-west-1", "plain@"));
  EXPECT_EQ(std::get<SecretError>(resolve_secret("secretsmanager:" + kArn + "#empty")).message,
            "Secrets Manager secret " + kArn + " key \"empty\" is empty");
  EXPECT_TRUE(is_secret_ref("secretsmanager:plain"));
}

TEST_F(WithFetcher, ConfigErrorsNameTheKeyAndTheSecret) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse_config(R"(
admin: {token: "secretsmanager:arn:aws:ssm:eu-west-1:123456789012:parameter/x"}
destinations:
  hook: {url: "https://hooks.example/", secret: "secretsmanager:prod/missing"}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)", errors));
  EXPECT_THAT(errors, ElementsAre("admin.token: \"secretsmanager:arn:aws:ssm:eu-west-1:123456789012:parameter/x\": not a "
                                  "secret ARN (arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME)",
                                  "destinations.hook.secret: Secrets Manager secret prod/missing: secret not found "
                                  "(ResourceNotFoundException)"));
  EXPECT_THAT(fetcher.asked, ElementsAre("prod/missing@")) << "a malformed reference is never fetched";
}

// The seed Lambda's set-up takes WEBHOOK_SECRET as a reference too: a function keeps it in
// Secrets Manager, as the seed's article recommends.
TEST_F(WithFetcher, WebhookSecretMayBeAReference) {
  fetcher.values[kArn] = R"({"webhook": "s3cret-hook"})";
  setenv("WEBHOOK_URL", "https://hooks.example/relay", 1);
  setenv("WEBHOOK_SECRET", ("secretsmanager:" + kArn + "#webhook").c_str(), 1);
  std::vector<std::string> errors;
  const auto cfg = zero_config_from_env(errors);
  ASSERT_TRUE(cfg) << ::testing::PrintToString(errors);
  EXPECT_THAT(fetcher.asked, ElementsAre(kArn + "@eu-west-1"));

  setenv("WEBHOOK_SECRET", ("secretsmanager:" + kArn + "#other").c_str(), 1);
  errors.clear();
  EXPECT_FALSE(zero_config_from_env(errors));
  EXPECT_THAT(errors, ElementsAre("WEBHOOK_SECRET: Secrets Manager secret " + kArn + ": the secret's JSON has no key \"other\""));
  unsetenv("WEBHOOK_URL");
  unsetenv("WEBHOOK_SECRET");
}

TEST(SecretsManagerRef, WithoutAFetcherAReferenceIsAnError) {
  const auto got = resolve_secret("secretsmanager:" + kArn);
  ASSERT_TRUE(std::holds_alternative<SecretError>(got));
  EXPECT_EQ(std::get<SecretError>(got).message,
            "Secrets Manager secret " + kArn + ": Secrets Manager references cannot be resolved by this command");
}

}  // namespace
}  // namespace relay::config
