// The console's pure HTTP decisions: its targets, its files, the session cookie.
#include <gtest/gtest.h>

#include "relay/console/console_http.hpp"

namespace relay::console {
namespace {

TEST(ConsoleHttp, OwnsUiAndWhatIsUnderIt) {
  EXPECT_TRUE(is_console_target("/ui"));
  EXPECT_TRUE(is_console_target("/ui/"));
  EXPECT_TRUE(is_console_target("/ui?x=1"));
  EXPECT_TRUE(is_console_target("/ui/login"));
  EXPECT_FALSE(is_console_target("/uix"));
  EXPECT_FALSE(is_console_target("/admin/ui"));
  EXPECT_FALSE(is_console_target("/events"));
}

TEST(ConsoleHttp, FindsTheEmbeddedFilesWithTheirTypesAndTags) {
  const Asset* page = find_asset("/ui");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page, find_asset("/ui/"));
  EXPECT_EQ(page, find_asset("/ui/index.html?v=2"));
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<!doctype html>"), std::string_view::npos);
  EXPECT_EQ(page->body.find("<script>"), std::string_view::npos) << "no inline script";
  const Asset* script = find_asset("/ui/console.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  ASSERT_NE(find_asset("/ui/console.css"), nullptr);
  EXPECT_EQ(find_asset("/ui/console.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(page->etag.size(), 18u);
  EXPECT_NE(page->etag, script->etag);
  EXPECT_EQ(find_asset("/ui/nothing.js"), nullptr);
  EXPECT_EQ(find_asset("/ui/../relay.yaml"), nullptr);
}

TEST(ConsoleHttp, ReadsACookieOutOfTheHeader) {
  EXPECT_EQ(cookie_value("relay_session=abc", "relay_session"), "abc");
  EXPECT_EQ(cookie_value("a=1; relay_session=abc;b=2", "relay_session"), "abc");
  EXPECT_EQ(cookie_value("x_relay_session=abc", "relay_session"), std::nullopt);
  EXPECT_EQ(cookie_value("", "relay_session"), std::nullopt);
  EXPECT_EQ(cookie_value("relay_session", "relay_session"), std::nullopt);
}

TEST(ConsoleHttp, TheSessionCookieIsHttpOnlyStrictAndSecureOverTls) {
  EXPECT_EQ(session_cookie("abc", false), "relay_session=abc; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(session_cookie("abc", true), "relay_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_NE(cleared_session_cookie(false).find("Max-Age=0"), std::string::npos);
}

TEST(ConsoleHttp, ReadsTheLoginBody) {
  EXPECT_EQ(login_token(R"({"token": "t0k"})"), "t0k");
  EXPECT_EQ(login_token(R"({"token": 5})"), std::nullopt);
  EXPECT_EQ(login_token("token=t0k"), std::nullopt);
  EXPECT_EQ(login_token("[]"), std::nullopt);
}

TEST(ConsoleHttp, EveryAnswerCarriesAStrictContentSecurityPolicy) {
  const auto headers = security_headers();
  const auto csp = std::find_if(headers.begin(), headers.end(),
                                [](const auto& h) { return h.first == "Content-Security-Policy"; });
  ASSERT_NE(csp, headers.end());
  EXPECT_EQ(csp->second.find("default-src 'self'"), 0u);
  EXPECT_EQ(csp->second.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp->second.find("frame-ancestors 'none'"), std::string::npos);
}

}  // namespace
}  // namespace relay::console
