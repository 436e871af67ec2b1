// A JWT door end to end inside one process: the JWKS fetched over HTTPS (a certificate the
// test makes) from a test server, tokens made by npm `jose`, IngressAuthenticator's verdicts.
#include "relay/net/jwks_fetcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "relay/net/ingress_auth.hpp"
#include "tests/net/http_test_server.hpp"
#include "tests/net/self_signed.hpp"
#include "tests/support/jose.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::HttpTestServer;

const auto kNow = std::chrono::system_clock::now();

json::object claims(json::object changes = {}) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(kNow.time_since_epoch()).count();
  json::object c{{"iss", "https://idp.example"}, {"aud", "relay"}, {"exp", now + 600}, {"roles", json::array{"publisher"}}};
  for (auto& kv : changes) c[kv.key()] = kv.value();
  return c;
}

enum Name { kRsa, kEc, kTampered, kOtherKey, kUnlistedKid, kMissingRole, kCount };

// The test's identity provider: answers GET /jwks with `jwks` while `up`, else 500.
class Provider {
 public:
  Provider()
      : server_(
            [this](const HttpTestServer::Request&) {
              if (!up) return HttpTestServer::Response{500, "down"};
              std::lock_guard lock(mutex_);
              return HttpTestServer::Response{200, jwks_, {{"Content-Type", "application/json"}}};
            },
            HttpTestServer::Tls{tls_.cert, tls_.key}) {}

  void serve(std::string jwks) {
    std::lock_guard lock(mutex_);
    jwks_ = std::move(jwks);
    up = true;
  }
  std::size_t requests() const { return server_.requests().size(); }

  std::shared_ptr<jwt::KeyCache> keys = std::make_shared<jwt::KeyCache>();
  std::atomic<bool> up = false;

  JwksFetcher fetcher(std::chrono::milliseconds retry = 60s) const {
    std::string error;
    return JwksFetcher({*config::parse_http_url(server_.url() + "/jwks", error), tls_.cert, 600s, retry}, keys);
  }

 private:
  struct Files {
    testing::TempDir dir;
    std::string cert = dir.path() + "/cert.pem";
    std::string key = dir.path() + "/key.pem";
    Files() { testing::write_self_signed(cert, key); }
  } tls_;
  std::mutex mutex_;
  std::string jwks_;
  HttpTestServer server_;
};

class JwksFetcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<testing::JoseToken> spec(kCount);
    spec[kRsa] = {"rsa", claims()};
    spec[kEc] = {"ec", claims()};
    spec[kTampered] = {"ec", claims(), "", "(key's)", claims({{"roles", json::array{"publisher", "admin"}}})};
    spec[kOtherKey] = {"other", claims()};
    spec[kUnlistedKid] = {"rsa", claims(), "", "rsa-9"};
    spec[kMissingRole] = {"rsa", claims({{"roles", json::array{}}})};
    jose_ = new testing::JoseKeys(testing::jose_tokens(spec));
  }
  static void TearDownTestSuite() { delete jose_; }

  IngressAuthenticator door(std::shared_ptr<jwt::KeyCache> keys) {
    config::IngressConfig c;
    c.auth = config::IngressAuth::jwt;
    c.jwt.policy.issuer = "https://idp.example";
    c.jwt.policy.audience = "relay";
    c.jwt.policy.required_roles = {"publisher"};
    return IngressAuthenticator(c, std::move(keys));
  }
  static AuthVerdict check(const IngressAuthenticator& auth, Name token,
                           std::chrono::system_clock::time_point now = kNow) {
    const std::string header = "Bearer " + jose_->tokens[token];
    return auth.check({.authorization = header}, "{}", now);
  }
  static std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + 10s; }

  static testing::JoseKeys* jose_;
};

testing::JoseKeys* JwksFetcherTest::jose_ = nullptr;

TEST_F(JwksFetcherTest, Answers503UntilAKeySetWasEverFetched) {
  Provider idp;
  auto fetcher = idp.fetcher(100ms);
  const auto auth = door(idp.keys);
  EXPECT_EQ(check(auth, kRsa), AuthVerdict::unavailable) << "nothing fetched yet";
  EXPECT_EQ(auth.check({}, "{}", kNow), AuthVerdict::refused) << "no token: 401 all the same";
  fetcher.start();
  ASSERT_TRUE(fetcher.wait_fetches(1, soon()));
  EXPECT_EQ(check(auth, kRsa), AuthVerdict::unavailable) << "the JWKS could not be fetched";
  idp.serve(jose_->jwks);
  // The check above asked for a fetch (maybe answered 500 still); the retry follows.
  for (std::uint64_t n = 2; !idp.keys->keys(); ++n)
    ASSERT_TRUE(n <= 3 && fetcher.wait_fetches(n, soon())) << "a failed fetch is tried again";
  EXPECT_EQ(check(auth, kRsa), AuthVerdict::allowed);
}

TEST_F(JwksFetcherTest, VerifiesJoseTokensWithTheFetchedKeys) {
  Provider idp;
  idp.serve(jose_->jwks);
  auto fetcher = idp.fetcher();
  const auto auth = door(idp.keys);
  fetcher.start();
  ASSERT_TRUE(fetcher.wait_fetches(1, soon()));
  EXPECT_EQ(check(auth, kRsa), AuthVerdict::allowed);
  EXPECT_EQ(check(auth, kEc), AuthVerdict::allowed);
  EXPECT_EQ(check(auth, kTampered), AuthVerdict::refused);
  EXPECT_EQ(check(auth, kMissingRole), AuthVerdict::refused);
  EXPECT_EQ(check(auth, kRsa, kNow + 1h), AuthVerdict::refused) << "expired";
  const std::string token = jose_->tokens[kRsa];
  EXPECT_EQ(auth.check({.authorization = "bearer " + token}, "{}", kNow), AuthVerdict::allowed);
  EXPECT_EQ(auth.check({.authorization = "Basic " + token}, "{}", kNow), AuthVerdict::refused);
  EXPECT_EQ(auth.check({.authorization = "Bearer "}, "{}", kNow), AuthVerdict::refused);
}

TEST_F(JwksFetcherTest, AnUnknownKidFetchesAgainAtMostOnceAMinute) {
  Provider idp;
  idp.serve(jose_->jwks);
  auto fetcher = idp.fetcher();
  const auto auth = door(idp.keys);
  fetcher.start();
  ASSERT_TRUE(fetcher.wait_fetches(1, soon()));
  idp.serve(jose_->jwks_all);  // the provider rotates in rsa-2
  EXPECT_EQ(check(auth, kOtherKey), AuthVerdict::refused) << "not in the set fetched";
  ASSERT_TRUE(fetcher.wait_fetches(2, soon())) << "the unknown kid asked for a fetch";
  EXPECT_EQ(idp.requests(), 2u);
  EXPECT_EQ(check(auth, kOtherKey), AuthVerdict::allowed) << "the rotated key was fetched";

  EXPECT_EQ(check(auth, kUnlistedKid, kNow + 30s), AuthVerdict::refused);
  EXPECT_FALSE(idp.keys->request_refresh(kNow + 30s)) << "a refetch within the minute is not asked for";
  EXPECT_EQ(check(auth, kUnlistedKid, kNow + 61s), AuthVerdict::refused);
  ASSERT_TRUE(fetcher.wait_fetches(3, soon())) << "a minute later, it is";
  EXPECT_EQ(idp.requests(), 3u);
}

TEST_F(JwksFetcherTest, AFailingRefetchKeepsTheKeys) {
  Provider idp;
  idp.serve(jose_->jwks);
  auto fetcher = idp.fetcher();
  const auto auth = door(idp.keys);
  fetcher.start();
  ASSERT_TRUE(fetcher.wait_fetches(1, soon()));
  idp.up = false;
  EXPECT_EQ(check(auth, kUnlistedKid), AuthVerdict::refused);
  ASSERT_TRUE(fetcher.wait_fetches(2, soon()));
  EXPECT_EQ(idp.requests(), 2u);
  EXPECT_EQ(check(auth, kRsa), AuthVerdict::allowed) << "the keys fetched before are kept";
  EXPECT_EQ(check(auth, kEc), AuthVerdict::allowed);
}

TEST_F(JwksFetcherTest, ADocumentThatIsNotAJwksKeepsTheKeysToo) {
  Provider idp;
  idp.serve("<html>login</html>");
  auto fetcher = idp.fetcher(100ms);
  const auto auth = door(idp.keys);
  fetcher.start();
  ASSERT_TRUE(fetcher.wait_fetches(1, soon()));
  EXPECT_EQ(check(auth, kRsa), AuthVerdict::unavailable);
  fetcher.stop();
  EXPECT_FALSE(idp.keys->request_refresh(kNow + 1h)) << "a stopped fetcher is asked for nothing";
}

TEST(JwksFetcher, StopsWhileAFetchWaitsForItsAnswer) {
  std::promise<void> arrived;
  std::promise<void> release;
  auto released = release.get_future().share();
  HttpTestServer idp([&](const HttpTestServer::Request&) {
    arrived.set_value();
    released.wait();
    return HttpTestServer::Response{500, ""};
  });
  std::string error;
  auto keys = std::make_shared<jwt::KeyCache>();
  JwksFetcher fetcher({*config::parse_http_url(idp.url() + "/jwks", error)}, keys);
  fetcher.start();
  ASSERT_EQ(arrived.get_future().wait_for(10s), std::future_status::ready);
  const auto before = std::chrono::steady_clock::now();
  fetcher.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s) << "the 5 s fetch timeout is not waited for";
  EXPECT_EQ(fetcher.fetches_finished(), 0u);
  EXPECT_EQ(keys->keys(), nullptr);
  release.set_value();
}

TEST(JwksFetcher, ACaFileThatCannotBeReadIsAnError) {
  std::string error;
  auto keys = std::make_shared<jwt::KeyCache>();
  EXPECT_THROW(JwksFetcher({*config::parse_http_url("https://127.0.0.1:9/jwks", error), "/nonexistent/ca.pem"}, keys),
               std::runtime_error);
}

}  // namespace
}  // namespace relay::net
