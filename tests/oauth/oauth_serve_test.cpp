// `relay serve` with ingress.oauth over loopback: an EventBridge-style client-credentials
// request gets a token that npm `jose` verifies against the JWKS relay serves; the signing
// key kept in the store outlives a restart; without ingress.oauth the paths are not served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>

#include "relay/core/base64.hpp"
#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/npm_packages.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kSecretEnv = "RELAY_TEST_OAUTH_SECRET=eb-secret/+";
const std::string kOAuth =
    "  read_timeout: 2s\n"
    "  oauth:\n"
    "    clients: [{client_id: eventbridge, client_secret: env:RELAY_TEST_OAUTH_SECRET, roles: [events:write]}]\n"
    "    issuer: relay-e2e\n"
    "    audience: relay-ingress\n"
    "    token_lifetime: 15m\n";

ServeConfig oauth_config(const std::string& sink_url = "http://127.0.0.1:9") {
  return ServeConfig(sink_url).set(&ServeConfig::ingress, kOAuth);
}

Headers basic(const std::string& id_secret) { return {{"Authorization", "Basic " + core::base64_encode(id_secret)}}; }

// What an EventBridge OAuth connection sends (HttpMethod POST, grant_type as a body parameter).
HttpReply eventbridge_token_request(HttpTestClient& client, const std::string& id_secret = "eventbridge:eb-secret/+") {
  return client.post("/oauth/token", "grant_type=client_credentials", basic(id_secret), true,
                     "application/x-www-form-urlencoded");
}

std::string jwks_of(const Listening& relay) {
  HttpTestClient client(relay.url);
  const auto reply = client.get("/oauth/jwks.json");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  return reply.body;
}

void stop(Listening& relay) {
  relay.process->signal(SIGTERM);
  ASSERT_EQ(relay.process->wait(10s), 0) << relay.process->stderr_text();
}

TEST(OAuthServe, AnEventBridgeStyleTokenRequestGetsATokenJoseVerifiesWithTheServedJwks) {
  TempDir dir;
  auto relay = start_serve(dir, oauth_config(), {}, {kSecretEnv});
  HttpTestClient client(relay.url);
  const auto reply = eventbridge_token_request(client);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(reply.headers.at("cache-control"), "no-store");
  EXPECT_EQ(reply.headers.at("content-type"), "application/json");
  const auto body = json::parse(reply.body).as_object();
  EXPECT_EQ(body.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 900);
  const std::string token(body.at("access_token").as_string());

  const auto jwks = jwks_of(relay);
  const auto npm = npm_packages({"jose@6.2.17"});
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const auto node =
      run_process({"node", RELAY_SOURCE_DIR "/tests/oauth/jose_verify.js", npm, dir.write("jwks.json", jwks),
                   dir.write("tokens", token + "\n"), "relay-e2e", "relay-ingress", std::to_string(now.count())});
  ASSERT_EQ(node.exit_code, 0) << node.err;
  EXPECT_EQ(node.out, "ok eventbridge [\"events:write\"]\n");
}

// A jwt door without jwks_url takes relay's own tokens (issuer and audience from ingress.oauth):
// EventBridge's OAuth connection fetches one and sends it; a tampered one is refused.
TEST(OAuthServe, AJwtDoorWithoutJwksUrlAcceptsRelaysOwnTokensAndRefusesTamperedOnes) {
  TempDir dir;
  auto config = oauth_config().set(&ServeConfig::auth, "{type: jwt, required_roles: [events:write]}");
  auto relay = start_serve(dir, config, {}, {kSecretEnv});
  HttpTestClient client(relay.url);
  const auto reply = eventbridge_token_request(client);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const std::string token(json::parse(reply.body).at("access_token").as_string());

  const auto posted = [&](const std::string& authorization) {
    return client.post("/events", ecs_event(1), {{"Authorization", authorization}}).status;
  };
  EXPECT_EQ(posted("Bearer " + token), 202u);
  std::string tampered = token;
  const auto payload = tampered.find('.') + 1;
  tampered[payload + 4] = tampered[payload + 4] == 'A' ? 'B' : 'A';
  EXPECT_EQ(posted("Bearer " + tampered), 401u);
  EXPECT_EQ(posted("Basic " + core::base64_encode(std::string_view("eventbridge:eb-secret/+"))), 401u);
  stop(relay);
}

TEST(OAuthServe, WrongSecretsAndBadRequestsGetRfc6749Errors) {
  TempDir dir;
  auto relay = start_serve(dir, oauth_config(), {}, {kSecretEnv});
  HttpTestClient client(relay.url);
  const auto wrong = eventbridge_token_request(client, "eventbridge:guess");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(json::parse(wrong.body).at("error").as_string(), "invalid_client");
  EXPECT_EQ(wrong.headers.at("www-authenticate"), R"(Basic realm="relay", charset="UTF-8")");
  EXPECT_EQ(wrong.headers.at("cache-control"), "no-store");

  const auto unsupported = client.post("/oauth/token", "grant_type=password", basic("eventbridge:eb-secret/+"), true,
                                       "application/x-www-form-urlencoded");
  EXPECT_EQ(unsupported.status, 400u);
  EXPECT_EQ(json::parse(unsupported.body).at("error").as_string(), "unsupported_grant_type");

  // EventBridge's HttpMethod GET puts the parameters in the query.
  const auto get = client.get("/oauth/token?grant_type=client_credentials", basic("eventbridge:eb-secret/+"));
  EXPECT_EQ(get.status, 200u) << get.body;
  EXPECT_EQ(client.post("/oauth/jwks.json", "{}").status, 405u);
}

TEST(OAuthServe, RepeatedFailedClientLoginsFromOneAddressAreSlowedDown) {
  TempDir dir;
  auto relay = start_serve(dir, oauth_config(), {}, {kSecretEnv});
  HttpTestClient client(relay.url);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(eventbridge_token_request(client, "eventbridge:guess").status, 401u);
  const auto blocked = eventbridge_token_request(client);
  EXPECT_EQ(blocked.status, 429u);
  EXPECT_TRUE(blocked.headers.contains("retry-after"));
}

TEST(OAuthServe, TheSigningKeyKeptInTheStoreOutlivesARestart) {
  TempDir dir;
  auto first = start_serve(dir, oauth_config(), {}, {kSecretEnv});
  const std::string jwks = jwks_of(first);
  HttpTestClient client(first.url);
  const auto issued = eventbridge_token_request(client);
  ASSERT_EQ(issued.status, 200u);
  stop(first);

  auto second = start_serve(dir, oauth_config(), {}, {kSecretEnv});
  EXPECT_EQ(jwks_of(second), jwks);
  stop(second);
  for (auto* run : {&first, &second})
    EXPECT_THAT(run->process->stderr_text(), ::testing::Not(::testing::HasSubstr("PRIVATE KEY")));

  TempDir other;
  auto elsewhere = start_serve(other, oauth_config(), {}, {kSecretEnv});
  EXPECT_NE(jwks_of(elsewhere), jwks) << "each store has its own key";
}

TEST(OAuthServe, AConfiguredKeyIsServedAndNeverTheStoredOne) {
  TempDir dir;
  const auto pem = run_process({"node", "-e",
                                "const c=require('crypto');process.stdout.write(c.generateKeyPairSync('ec',"
                                "{namedCurve:'P-256'}).privateKey.export({type:'sec1',format:'pem'}))"});
  ASSERT_EQ(pem.exit_code, 0) << pem.err;
  ServeConfig config = oauth_config();
  config.ingress += "    signing_key: file:" + dir.write("key.pem", pem.out) + "\n";
  auto relay = start_serve(dir, config, {}, {kSecretEnv});
  const auto jwk = json::parse(jwks_of(relay)).at("keys").at(0);
  // The public half node derives from the same PEM.
  const auto node = run_process({"node", "-e",
                                 "const c=require('crypto');const j=c.createPublicKey(require('fs').readFileSync("
                                 "process.argv[1])).export({format:'jwk'});process.stdout.write(j.x+' '+j.y)",
                                 dir.path() + "/key.pem"});
  ASSERT_EQ(node.exit_code, 0) << node.err;
  EXPECT_EQ(node.out, std::string(jwk.at("x").as_string()) + " " + std::string(jwk.at("y").as_string()));
}

TEST(OAuthServe, SyncModeWarnsThatItsKeyDoesNotOutliveTheProcess) {
  TempDir dir;
  auto relay = start_serve(dir, oauth_config().set(&ServeConfig::delivery, "{mode: sync}"), {}, {kSecretEnv});
  // Logged before the listening line start_serve waited for.
  EXPECT_THAT(relay.process->stderr_text(), ::testing::HasSubstr("tokens it issues are refused after a restart"));
  HttpTestClient client(relay.url);
  EXPECT_EQ(eventbridge_token_request(client).status, 200u);
}

TEST(OAuthServe, WithoutIngressOAuthThePathsAreNotServed) {
  TempDir dir;
  auto relay = start_serve(dir, ServeConfig("http://127.0.0.1:9"));
  HttpTestClient client(relay.url);
  EXPECT_EQ(eventbridge_token_request(client).status, 404u);
  EXPECT_EQ(client.get("/oauth/jwks.json").status, 404u);
}

}  // namespace
}  // namespace relay::testing
