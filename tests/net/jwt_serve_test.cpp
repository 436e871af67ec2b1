// `relay serve` with `ingress.auth: {type: jwt}` against a JWKS the test serves over HTTPS
// (its own certificate, trusted through ca_file), with tokens made by npm `jose`: accepted
// ones reach the sink; bad ones get 401; no key set yet gets 503.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "tests/net/http_test_client.hpp"
#include "tests/net/http_test_server.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/net/self_signed.hpp"
#include "tests/support/jose.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::object claims(json::object changes = {}) {
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  json::object c{{"iss", "https://idp.example"}, {"aud", "relay"}, {"exp", now + 600}, {"roles", json::array{"publisher"}}};
  for (auto& kv : changes) c[kv.key()] = kv.value();
  return c;
}

enum Name { kGood, kGoodEc, kPartner, kNone, kWrongIssuer, kWrongAudience, kNotYetValid, kExpired, kTampered, kNoRole, kCount };

class ServeJwt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::vector<JoseToken> spec(kCount);
    spec[kGood] = {"rsa", claims()};
    spec[kGoodEc] = {"ec", claims()};
    spec[kPartner] = {"ec", claims({{"roles", json::array{"partner"}}})};
    spec[kNone] = {"none", claims()};
    spec[kWrongIssuer] = {"rsa", claims({{"iss", "https://evil.example"}})};
    spec[kWrongAudience] = {"rsa", claims({{"aud", "someone-else"}})};
    spec[kNotYetValid] = {"rsa", claims({{"nbf", now + 3600}})};
    spec[kExpired] = {"rsa", claims({{"exp", now - 3600}})};
    spec[kTampered] = {"rsa", claims(), "", "(key's)", claims({{"roles", json::array{"publisher", "partner"}}})};
    spec[kNoRole] = {"rsa", claims({{"roles", json::array{}}})};
    jose_ = new JoseKeys(jose_tokens(spec));
  }
  static void TearDownTestSuite() { delete jose_; }

  void SetUp() override { write_self_signed(cert_, key_); }

  // Serves relay with jwt on /events (role publisher) and on route `partner`'s door (role partner).
  Listening serve(const std::string& jwks_url) {
    const std::string door = "{type: jwt, jwks_url: \"" + jwks_url + "\", ca_file: \"" + cert_ +
                             "\", issuer: \"https://idp.example\", audience: relay, required_roles: [";
    return start_serve(dir_, ServeConfig(sink_.url)
                                 .set(&ServeConfig::auth, door + "publisher]}")
                                 .set(&ServeConfig::more_routes, "  - name: partner\n"
                                                                 "    handler: raw\n"
                                                                 "    destinations: [webhook]\n"
                                                                 "    request: {auth: " + door + "partner]}}\n"));
  }
  static Headers bearer(Name token) { return {{"authorization", "Bearer " + jose_->tokens[token]}}; }

  TempDir dir_;
  std::string cert_ = dir_.path() + "/idp.crt";
  std::string key_ = dir_.path() + "/idp.key";
  Listening sink_ = start_sink();
  static JoseKeys* jose_;
};

JoseKeys* ServeJwt::jose_ = nullptr;

TEST_F(ServeJwt, AcceptsJoseTokensAndRefusesBadOnes) {
  HttpTestServer idp([](const HttpTestServer::Request&) { return HttpTestServer::Response{200, jose_->jwks}; },
                     HttpTestServer::Tls{cert_, key_});
  auto relay = serve(idp.url() + "/.well-known/jwks.json");
  HttpTestClient client(relay.url);

  ASSERT_EQ(client.post("/events", ecs_event(1), bearer(kGood)).status, 202u);
  ASSERT_EQ(sink_lines(*sink_.process, 1, 10s).size(), 1u);
  EXPECT_EQ(client.post("/events", ecs_event(2), bearer(kGoodEc)).status, 202u);
  ASSERT_EQ(sink_lines(*sink_.process, 1, 10s).size(), 1u);
  for (Name bad : {kNone, kWrongIssuer, kWrongAudience, kNotYetValid, kExpired, kTampered, kNoRole, kPartner}) {
    SCOPED_TRACE(bad);
    const HttpReply r = client.post("/events", ecs_event(3), bearer(bad));
    EXPECT_EQ(r.status, 401u);
    EXPECT_THAT(r.body, ::testing::HasSubstr("unauthorized"));
  }
  EXPECT_EQ(client.post("/events", ecs_event(4)).status, 401u);

  // The route's own door asks for another role.
  EXPECT_EQ(client.post("/events/partner", ecs_event(5), bearer(kGood)).status, 401u);
  EXPECT_EQ(client.post("/events/partner", ecs_event(6), bearer(kPartner)).status, 202u);
  ASSERT_EQ(sink_lines(*sink_.process, 1, 10s).size(), 1u);
  EXPECT_FALSE(sink_.process->stdout_line(300ms)) << "no refused event was delivered";
  EXPECT_THAT(relay.process->stderr_text(), ::testing::Not(::testing::HasSubstr(jose_->tokens[kGood])));
}

TEST_F(ServeJwt, Answers503WhileTheKeysWereNeverFetched) {
  HttpTestServer idp([](const HttpTestServer::Request&) { return HttpTestServer::Response{503, "maintenance"}; },
                     HttpTestServer::Tls{cert_, key_});
  auto relay = serve(idp.url() + "/jwks");
  HttpTestClient client(relay.url);
  const HttpReply r = client.post("/events", ecs_event(1), bearer(kGood));
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.headers.count("retry-after"), 1u);
  EXPECT_EQ(client.post("/events", ecs_event(2)).status, 401u) << "without a token there is nothing to wait for";
  EXPECT_FALSE(sink_.process->stdout_line(300ms));
}

}  // namespace
}  // namespace relay::testing
