// The console over HTTP against `relay serve`: its files with their headers, the login that
// gives a session cookie, and the admin API taking that cookie with its CSRF token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

struct Console : ::testing::Test {
  TempDir dir;
  Listening sink = start_sink();
  Listening serve = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::admin, "{token: t0k}"));
  HttpTestClient client{serve.url};

  // Logs in; the cookie header to send and the CSRF token.
  std::pair<std::string, std::string> login() {
    const HttpReply r = client.post("/ui/login", R"({"token": "t0k"})");
    EXPECT_EQ(r.status, 200u) << r.body;
    const std::string cookie = r.headers.count("set-cookie") ? r.headers.at("set-cookie") : "";
    return {cookie.substr(0, cookie.find(';')), std::string(json::parse(r.body).at("csrf").as_string())};
  }
};

TEST_F(Console, ServesItsFilesWithTypesTagsAndAStrictPolicy) {
  HttpReply page = client.get("/ui");
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_THAT(page.body, HasSubstr("src=\"/ui/console.js\""));
  EXPECT_THAT(page.headers["content-security-policy"], StartsWith("default-src 'self'"));
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["cache-control"], "no-cache");
  const std::string etag = page.headers["etag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(client.get("/ui/", {{"if-none-match", etag}}).status, 304u);
  EXPECT_EQ(client.get("/ui/console.js").headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(client.get("/ui/console.css").headers["content-type"], "text/css; charset=utf-8");
  EXPECT_EQ(client.get("/ui/nothing.js").status, 404u);
  EXPECT_EQ(client.post("/ui", "").status, 405u);
}

TEST_F(Console, ALoginGivesAnHttpOnlyStrictCookieAndAWrongTokenNone) {
  HttpReply r = client.post("/ui/login", R"({"token": "wrong"})");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.headers.count("set-cookie"), 0u);
  EXPECT_EQ(client.post("/ui/login", "token=t0k", {}, true, "application/x-www-form-urlencoded").status, 415u)
      << "a cross-site form cannot log in";
  r = client.post("/ui/login", R"({"token": "t0k"})");
  ASSERT_EQ(r.status, 200u);
  EXPECT_THAT(r.headers["set-cookie"], ::testing::MatchesRegex("relay_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict"));
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("t0k"))) << "the token never reaches the page";
}

TEST_F(Console, FailedLoginsCountAgainstTheAdminApisLimit) {
  for (int i = 0; i < 10; ++i) ASSERT_EQ(client.post("/ui/login", R"({"token": "wrong"})").status, 401u) << i;
  HttpReply r = client.post("/ui/login", R"({"token": "t0k"})");
  EXPECT_EQ(r.status, 429u) << "even the right token, for the rest of the minute";
  EXPECT_FALSE(r.headers["retry-after"].empty());
  EXPECT_EQ(r.headers.count("set-cookie"), 0u);
  EXPECT_EQ(client.get("/admin/status", {{"authorization", "Bearer t0k"}}).status, 429u) << "one limit for both";
}

TEST_F(Console, TheSessionCookieOpensTheAdminApiAndChangesNeedTheCsrfToken) {
  EXPECT_EQ(client.get("/ui/session").status, 401u);
  const auto [cookie, csrf] = login();
  HttpReply r = client.get("/ui/session", {{"cookie", cookie}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json::parse(r.body).at("csrf").as_string(), csrf);

  EXPECT_EQ(client.get("/admin/deliveries", {{"cookie", cookie}}).status, 200u);
  r = client.post("/admin/dlq/replay?all=true", "", {{"cookie", cookie}});
  EXPECT_EQ(r.status, 403u) << "no X-CSRF-Token";
  EXPECT_THAT(r.body, HasSubstr("X-CSRF-Token"));
  EXPECT_EQ(client.post("/admin/dlq/replay?all=true", "", {{"cookie", cookie}, {"x-csrf-token", "forged"}}).status, 403u);
  r = client.post("/admin/dlq/replay?all=true", "", {{"cookie", cookie}, {"x-csrf-token", csrf}});
  EXPECT_EQ(r.status, 200u) << r.body;

  EXPECT_EQ(client.get("/admin/deliveries", {{"cookie", "relay_session=" + std::string(64, 'a')}}).status, 401u);
  EXPECT_EQ(client.get("/admin/deliveries", {{"cookie", "other=1"}}).status, 401u) << "no session, no token";

  EXPECT_EQ(client.post("/ui/logout", "", {{"cookie", cookie}}).status, 403u) << "logging out is a change too";
  r = client.post("/ui/logout", "", {{"cookie", cookie}, {"x-csrf-token", csrf}});
  EXPECT_EQ(r.status, 204u);
  EXPECT_THAT(r.headers["set-cookie"], HasSubstr("Max-Age=0"));
  EXPECT_EQ(client.get("/admin/deliveries", {{"cookie", cookie}}).status, 401u) << "the session has ended";
}

TEST_F(Console, TestsPatternsWithTheSessionOrTheToken) {
  const auto [cookie, csrf] = login();
  const Headers session{{"cookie", cookie}, {"x-csrf-token", csrf}};
  HttpReply r = client.post("/admin/pattern/test", R"({"pattern": {"source": ["aws.ecs"]}, "event": {"source": "aws.ecs"}})", session);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"match": true})"));
  r = client.post("/admin/pattern/test", R"({"pattern": {"source": "aws.ecs"}, "event": {}})",
                  {{"authorization", "Bearer t0k"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_THAT(r.body, HasSubstr("source"));
}

TEST(ConsoleOff, NoConsoleWithoutAnAdminToken) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url));
  HttpTestClient client(serve.url);
  EXPECT_NE(client.get("/ui").status, 200u);
  EXPECT_NE(client.post("/ui/login", R"({"token": ""})").status, 200u);
}

}  // namespace
}  // namespace relay::testing
