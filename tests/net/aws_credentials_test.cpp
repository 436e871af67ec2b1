// The credential chain against servers on loopback: static keys, the environment, profile
// files, a container-credentials endpoint, IMDSv2, web identity and AssumeRole against a
// test STS, renewal before expiry, and the error that names every source tried.
#include "relay/net/aws_credentials.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>

#include "relay/aws/sigv4_verify.hpp"
#include "relay/core/utc_time.hpp"
#include "tests/net/aws_environment.hpp"
#include "tests/net/http_test_server.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::AwsEnvironment;
using testing::HttpTestServer;
using Outcome = std::variant<aws::Credentials, std::string>;

awaitable<void> get_into(CredentialProvider& provider, Outcome& out) { out = co_await provider.get(); }

// One get() on a fresh io_context, run to completion.
Outcome get(CredentialProvider& provider) {
  asio::io_context io;
  Outcome out;
  asio::co_spawn(io, get_into(provider, out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return out;
}

aws::Credentials credentials(const Outcome& got) {
  if (const auto* why = std::get_if<std::string>(&got)) ADD_FAILURE() << *why;
  return std::holds_alternative<aws::Credentials>(got) ? std::get<aws::Credentials>(got) : aws::Credentials{};
}

std::string refusal(const Outcome& got) {
  EXPECT_TRUE(std::holds_alternative<std::string>(got));
  return std::holds_alternative<std::string>(got) ? std::get<std::string>(got) : "";
}

std::string iso(std::chrono::system_clock::time_point t) { return core::format_utc_millis(t); }

std::string endpoint_json(const std::string& id, std::chrono::system_clock::time_point expiration) {
  return R"({"AccessKeyId": ")" + id + R"(", "SecretAccessKey": "secret-)" + id + R"(", "Token": "token-)" + id +
         R"(", "Expiration": ")" + iso(expiration) + R"("})";
}

std::string sts_xml(const std::string& action, const std::string& id, std::chrono::system_clock::time_point expiration) {
  return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action +
         "Result><Credentials><AccessKeyId>" + id + "</AccessKeyId><SecretAccessKey>secret-" + id +
         "</SecretAccessKey><SessionToken>token-" + id + "</SessionToken><Expiration>" + iso(expiration) +
         "</Expiration></Credentials></" + action + "Result></" + action + "Response>";
}

// The decoded fields of an application/x-www-form-urlencoded body.
std::map<std::string, std::string> form_fields(const std::string& body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(s[i] == '+' ? ' ' : s[i]);
      }
    }
    return out;
  };
  std::map<std::string, std::string> fields;
  std::string_view rest = body;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    fields[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
  }
  return fields;
}

TEST(AwsCredentials, StaticKeysFromTheConfig) {
  AwsEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDFROMENV");  // static keys come first
  env.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  aws::CredentialSource source;
  source.fixed = aws::Credentials{"AKIDSTATIC", "static-secret", "static-token"};
  CredentialProvider provider(source);
  const auto c = credentials(get(provider));
  EXPECT_EQ(c.access_key_id, "AKIDSTATIC");
  EXPECT_EQ(c.secret_access_key, "static-secret");
  EXPECT_EQ(c.session_token, "static-token");
  EXPECT_FALSE(c.expiration);
}

TEST(AwsCredentials, FromTheEnvironment) {
  AwsEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDFROMENV");
  env.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  env.set("AWS_SESSION_TOKEN", "env-token");
  CredentialProvider provider({});
  const auto c = credentials(get(provider));
  EXPECT_EQ(c.access_key_id, "AKIDFROMENV");
  EXPECT_EQ(c.secret_access_key, "env-secret");
  EXPECT_EQ(c.session_token, "env-token");

  AwsEnvironment half;
  half.set("AWS_ACCESS_KEY_ID", "AKIDFROMENV");
  CredentialProvider broken({});
  EXPECT_THAT(refusal(get(broken)), HasSubstr("environment: AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"));
}

TEST(AwsCredentials, FromAProfileFile) {
  AwsEnvironment env;
  std::filesystem::create_directories(env.home.path() + "/.aws");
  env.home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = home-secret\n");
  CredentialProvider from_home({});
  EXPECT_EQ(credentials(get(from_home)).access_key_id, "AKIDHOME");

  testing::TempDir dir;
  env.set("AWS_SHARED_CREDENTIALS_FILE",
          dir.write("creds", "[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops-secret\n"
                             "aws_session_token = ops-token\n"));
  env.set("AWS_CONFIG_FILE", dir.write("config", "[profile dev]\naws_access_key_id = AKIDDEV\n"
                                                  "aws_secret_access_key = dev-secret\n"));
  env.set("AWS_PROFILE", "ops");
  CredentialProvider from_env_profile({});
  auto c = credentials(get(from_env_profile));
  EXPECT_EQ(c.access_key_id, "AKIDOPS");
  EXPECT_EQ(c.secret_access_key, "ops-secret");
  EXPECT_EQ(c.session_token, "ops-token");

  aws::CredentialSource source;
  source.profile = "dev";  // the config's profile wins over AWS_PROFILE
  CredentialProvider from_config_profile(source);
  EXPECT_EQ(credentials(get(from_config_profile)).access_key_id, "AKIDDEV");

  source.profile = "absent";
  CredentialProvider missing(source);
  EXPECT_THAT(refusal(get(missing)), HasSubstr("shared files: profile absent is in neither " + dir.path() + "/creds and " +
                                               dir.path() + "/config"));
}

TEST(AwsCredentials, FromAContainerEndpointWithItsToken) {
  AwsEnvironment env;
  const auto expiration = std::chrono::system_clock::now() + 6h;
  HttpTestServer agent([&](const HttpTestServer::Request& r) -> HttpTestServer::Response {
    if (r.method != "GET" || r.target != "/v2/credentials/abc") return {404};
    if (r.header("authorization") != "container-token") return {401, R"({"message": "bad token"})"};
    return {200, endpoint_json("ASIACONTAINER", expiration)};
  });
  testing::TempDir dir;
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url() + "/v2/credentials/abc");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-a-file-is-given");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir.write("token", "container-token\n"));
  CredentialProvider provider({});
  const auto c = credentials(get(provider));
  EXPECT_EQ(c.access_key_id, "ASIACONTAINER");
  EXPECT_EQ(c.secret_access_key, "secret-ASIACONTAINER");
  EXPECT_EQ(c.session_token, "token-ASIACONTAINER");
  EXPECT_EQ(c.expiration, core::parse_utc(iso(expiration)));
  EXPECT_EQ(agent.requests().size(), 1u);

  env.unset("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  CredentialProvider wrong_token({});
  EXPECT_THAT(refusal(get(wrong_token)),
              AllOf(HasSubstr("container credentials at 127.0.0.1:"), HasSubstr("answered 401"),
                    Not(HasSubstr("ignored-when-a-file-is-given"))));

  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://metadata.example/creds");
  CredentialProvider plain_elsewhere({});
  EXPECT_THAT(refusal(get(plain_elsewhere)), HasSubstr("must be https, or http to a loopback address"));
}

TEST(AwsCredentials, FromInstanceMetadataWithAnImdsV2Token) {
  AwsEnvironment env;
  const auto expiration = std::chrono::system_clock::now() + 6h;
  HttpTestServer imds([&](const HttpTestServer::Request& r) -> HttpTestServer::Response {
    if (r.method == "PUT" && r.target == "/latest/api/token") {
      if (r.header("x-aws-ec2-metadata-token-ttl-seconds").empty()) return {400};
      return {200, "imds-token"};
    }
    if (r.method != "GET" || r.header("x-aws-ec2-metadata-token") != "imds-token") return {401};
    if (r.target == "/latest/meta-data/iam/security-credentials/") return {200, "relay-instance-role\n"};
    if (r.target == "/latest/meta-data/iam/security-credentials/relay-instance-role")
      return {200, R"({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds-secret",
                      "Token": "imds-session", "Expiration": ")" + iso(expiration) + "\"}"};
    return {404};
  });
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url() + "/");
  CredentialProvider provider({});
  const auto c = credentials(get(provider));
  EXPECT_EQ(c.access_key_id, "ASIAIMDS");
  EXPECT_EQ(c.secret_access_key, "imds-secret");
  EXPECT_EQ(c.session_token, "imds-session");
  const auto requests = imds.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(requests[1].target, "/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(requests[2].header("x-aws-ec2-metadata-token"), "imds-token");
}

TEST(AwsCredentials, WebIdentityAgainstATestSts) {
  AwsEnvironment env;
  const auto expiration = std::chrono::system_clock::now() + 1h;
  HttpTestServer sts([&](const HttpTestServer::Request& r) -> HttpTestServer::Response {
    auto form = form_fields(r.body);
    if (r.method != "POST" || form["Action"] != "AssumeRoleWithWebIdentity" || form["Version"] != "2011-06-15" ||
        !r.header("authorization").empty())
      return {400, "<ErrorResponse><Error><Code>InvalidAction</Code><Message>unexpected call</Message></Error></ErrorResponse>"};
    if (form["WebIdentityToken"] != "eyJ.web+identity/token=")
      return {400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad token</Message></Error></ErrorResponse>"};
    return {200, sts_xml("AssumeRoleWithWebIdentity", "ASIAWEBID", expiration)};
  });
  testing::TempDir dir;
  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", dir.write("token", "eyJ.web+identity/token=\n"));
  env.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod-role");
  env.set("AWS_ROLE_SESSION_NAME", "pod-7");
  env.set("AWS_ENDPOINT_URL_STS", sts.url());
  CredentialProvider provider({});
  const auto c = credentials(get(provider));
  EXPECT_EQ(c.access_key_id, "ASIAWEBID");
  EXPECT_EQ(c.session_token, "token-ASIAWEBID");
  ASSERT_EQ(sts.requests().size(), 1u);
  auto form = form_fields(sts.requests()[0].body);
  EXPECT_EQ(form["RoleArn"], "arn:aws:iam::123456789012:role/pod-role");
  EXPECT_EQ(form["RoleSessionName"], "pod-7");
  EXPECT_EQ(sts.requests()[0].header("content-type"), "application/x-www-form-urlencoded; charset=utf-8");

  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", dir.write("token", "stale\n"));
  CredentialProvider refused({});
  EXPECT_THAT(refusal(get(refused)),
              HasSubstr("web identity: AssumeRoleWithWebIdentity of arn:aws:iam::123456789012:role/pod-role: "
                        "STS answered 400: InvalidIdentityToken: bad token"));
}

TEST(AwsCredentials, AssumeRoleWithExternalIdOnTopOfTheChain) {
  AwsEnvironment env;
  const auto expiration = std::chrono::system_clock::now() + 1h;
  HttpTestServer sts([&](const HttpTestServer::Request& r) -> HttpTestServer::Response {
    // As STS does: the call must be signed with the base credentials for this region and sts.
    aws::HttpRequest signed_request{r.method, r.target, {r.headers.begin(), r.headers.end()}, r.body};
    const auto verified = aws::verify_request(signed_request, "AKIDBASE", "base-secret", {"eu-central-1", "sts"});
    if (const auto* bad = std::get_if<aws::VerifyError>(&verified))
      return {403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>" + bad->message +
                       "</Message></Error></ErrorResponse>"};
    if (r.header("x-amz-security-token") != "base-token")
      return {403, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>no token</Message></Error></ErrorResponse>"};
    auto form = form_fields(r.body);
    if (form["Action"] != "AssumeRole" || form["ExternalId"] != "tenant-42")
      return {403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>"};
    return {200, sts_xml("AssumeRole", "ASIAASSUMED", expiration)};
  });
  env.set("AWS_ACCESS_KEY_ID", "AKIDBASE");
  env.set("AWS_SECRET_ACCESS_KEY", "base-secret");
  env.set("AWS_SESSION_TOKEN", "base-token");
  aws::CredentialSource source;
  source.role_arn = "arn:aws:iam::123456789012:role/publisher";
  source.external_id = "tenant-42";
  source.session_name = "relay-ops";
  source.duration = 900s;
  source.sts_endpoint = sts.url();
  source.region = "eu-central-1";
  CredentialProvider provider(source);
  const auto c = credentials(get(provider));
  EXPECT_EQ(c.access_key_id, "ASIAASSUMED");
  EXPECT_EQ(c.secret_access_key, "secret-ASIAASSUMED");
  EXPECT_EQ(c.session_token, "token-ASIAASSUMED");

  const auto requests = sts.requests();
  ASSERT_EQ(requests.size(), 1u);
  auto form = form_fields(requests[0].body);
  EXPECT_EQ(form["Version"], "2011-06-15");
  EXPECT_EQ(form["RoleArn"], "arn:aws:iam::123456789012:role/publisher");
  EXPECT_EQ(form["RoleSessionName"], "relay-ops");
  EXPECT_EQ(form["DurationSeconds"], "900");
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/");
  EXPECT_THAT(requests[0].header("authorization"),
              AllOf(HasSubstr("AWS4-HMAC-SHA256 Credential=AKIDBASE/"), HasSubstr("/eu-central-1/sts/aws4_request")));
  EXPECT_FALSE(requests[0].header("x-amz-date").empty());

  env.set("AWS_SECRET_ACCESS_KEY", "a-wrong-secret");
  CredentialProvider wrongly_signed(source);
  EXPECT_THAT(refusal(get(wrongly_signed)), AllOf(HasSubstr("STS answered 403: SignatureDoesNotMatch"),
                                                  Not(HasSubstr("a-wrong-secret"))));

  env.set("AWS_SECRET_ACCESS_KEY", "base-secret");
  source.external_id = "someone-else";
  CredentialProvider denied(source);
  EXPECT_EQ(refusal(get(denied)),
            "AssumeRole of arn:aws:iam::123456789012:role/publisher: STS answered 403: AccessDenied: not allowed "
            "(signed with the credentials of the environment)");
}

TEST(AwsCredentials, AProfileRoleIsAssumedWithItsSourceProfileKeys) {
  AwsEnvironment env;
  HttpTestServer sts([&](const HttpTestServer::Request& r) -> HttpTestServer::Response {
    aws::HttpRequest signed_request{r.method, r.target, {r.headers.begin(), r.headers.end()}, r.body};
    // No region anywhere but the profile's.
    if (!std::holds_alternative<aws::VerifiedRequest>(
            aws::verify_request(signed_request, "AKIDSOURCE", "source-secret", {"ap-southeast-2", "sts"})))
      return {403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>"};
    return {200, sts_xml("AssumeRole", "ASIAPROFILEROLE", std::chrono::system_clock::now() + 1h)};
  });
  testing::TempDir dir;
  env.set("AWS_SHARED_CREDENTIALS_FILE", dir.write("creds", "[source]\naws_access_key_id = AKIDSOURCE\n"
                                                            "aws_secret_access_key = source-secret\n"));
  env.set("AWS_CONFIG_FILE", dir.write("config", "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n"
                                                  "source_profile = source\nexternal_id = ext-7\n"
                                                  "region = ap-southeast-2\nduration_seconds = 1200\n"));
  env.set("AWS_ENDPOINT_URL_STS", sts.url());
  aws::CredentialSource source;
  source.profile = "deploy";
  CredentialProvider provider(source);
  EXPECT_EQ(credentials(get(provider)).access_key_id, "ASIAPROFILEROLE");
  ASSERT_EQ(sts.requests().size(), 1u);
  auto form = form_fields(sts.requests()[0].body);
  EXPECT_EQ(form["RoleArn"], "arn:aws:iam::123456789012:role/deploy");
  EXPECT_EQ(form["ExternalId"], "ext-7");
  EXPECT_EQ(form["DurationSeconds"], "1200");
  EXPECT_EQ(form["RoleSessionName"], "relay");
}

TEST(AwsCredentials, TheFirstSourceSetUpWins) {
  AwsEnvironment env;
  HttpTestServer agent([&](const HttpTestServer::Request&) -> HttpTestServer::Response {
    return {200, endpoint_json("ASIACONTAINER", std::chrono::system_clock::now() + 1h)};
  });
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url() + "/creds");
  std::filesystem::create_directories(env.home.path() + "/.aws");
  env.home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = home-secret\n");
  env.set("AWS_ACCESS_KEY_ID", "AKIDFROMENV");
  env.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  CredentialProvider with_env({});
  EXPECT_EQ(credentials(get(with_env)).access_key_id, "AKIDFROMENV");
  env.unset("AWS_ACCESS_KEY_ID");
  env.unset("AWS_SECRET_ACCESS_KEY");
  CredentialProvider with_files({});
  EXPECT_EQ(credentials(get(with_files)).access_key_id, "AKIDHOME");
  EXPECT_TRUE(agent.requests().empty());
  std::filesystem::remove(env.home.path() + "/.aws/credentials");
  CredentialProvider with_container({});
  EXPECT_EQ(credentials(get(with_container)).access_key_id, "ASIACONTAINER");
}

TEST(AwsCredentials, RenewedWhenLessThanFiveMinutesRemain) {
  AwsEnvironment env;
  std::atomic<int> calls = 0;
  std::atomic<bool> failing = false;
  HttpTestServer agent([&](const HttpTestServer::Request&) -> HttpTestServer::Response {
    const int n = ++calls;
    if (failing) return {500};
    // The first answer is already inside the renewal window, the second is not.
    const auto expiration = std::chrono::system_clock::now() + (n == 1 ? 2min : 1h);
    return {200, endpoint_json("ASIA" + std::to_string(n), expiration)};
  });
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url() + "/creds");
  CredentialProvider provider({});
  EXPECT_EQ(credentials(get(provider)).access_key_id, "ASIA1");
  EXPECT_EQ(credentials(get(provider)).access_key_id, "ASIA2");  // renewed
  EXPECT_EQ(credentials(get(provider)).access_key_id, "ASIA2");  // still good for an hour: no call
  EXPECT_EQ(calls, 2);

  // A renewal that fails keeps credentials that have not expired yet.
  failing = false;
  calls = 0;
  CredentialProvider renewing({});
  EXPECT_EQ(credentials(get(renewing)).access_key_id, "ASIA1");
  failing = true;
  EXPECT_EQ(credentials(get(renewing)).access_key_id, "ASIA1");
  EXPECT_EQ(calls, 2);
}

TEST(AwsCredentials, CallersDuringAResolutionShareIt) {
  AwsEnvironment env;
  std::atomic<int> calls = 0;
  HttpTestServer agent([&](const HttpTestServer::Request&) -> HttpTestServer::Response {
    ++calls;
    return {200, endpoint_json("ASIASHARED", std::chrono::system_clock::now() + 1h)};
  });
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url() + "/creds");
  CredentialProvider provider({});
  asio::io_context io;
  std::vector<Outcome> outcomes(8);
  for (auto& out : outcomes)
    asio::co_spawn(io, get_into(provider, out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  io.run();
  for (const auto& out : outcomes) EXPECT_EQ(credentials(out).access_key_id, "ASIASHARED");
  EXPECT_EQ(calls, 1);
}

TEST(AwsCredentials, NothingFoundNamesEverySourceTried) {
  AwsEnvironment env;
  std::string closed;
  {
    HttpTestServer gone([](const HttpTestServer::Request&) { return HttpTestServer::Response{}; });
    closed = gone.url();
  }
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", closed);
  CredentialProvider provider({});
  const std::string why = refusal(get(provider));
  EXPECT_THAT(why, AllOf(HasSubstr("no AWS credentials (tried "), HasSubstr("environment: AWS_ACCESS_KEY_ID is not set"),
                         HasSubstr("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set"),
                         HasSubstr("shared files: profile default is in neither " + env.home.path() + "/.aws/credentials (absent)"),
                         HasSubstr("container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"),
                         HasSubstr("instance metadata at 127.0.0.1:")));

  env.set("AWS_EC2_METADATA_DISABLED", "TRUE");
  CredentialProvider disabled({});
  EXPECT_THAT(refusal(get(disabled)), HasSubstr("instance metadata: disabled by AWS_EC2_METADATA_DISABLED"));
}

}  // namespace
}  // namespace relay::net
