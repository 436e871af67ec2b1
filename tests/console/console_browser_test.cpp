// The console in a real browser: headless Debian Chromium driven by playwright-core
// (console_browser.js) against `relay serve` (queued, SQLite) and `relay sink`, at
// 1280x800 and at 375x812. Screenshots go to <build>/console-screenshots.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/npm_packages.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* kPlaywright = "playwright-core@1.65.1";

TEST(ConsoleBrowser, LogsInWatchesFiltersReplaysAndTestsPatternsOnADesktopAndAPhone) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << "install chromium (scripts/install-deps.sh)";
  const std::string npm = npm_packages({kPlaywright});
  TempDir dir;
  // The first four requests fail: the two events posted first become dead letters (two
  // attempts each), one for each size to replay.
  auto sink = start_sink({"--fail-first", "4"});
  auto serve = start_serve(dir, ServeConfig(sink.url)
                                    .set(&ServeConfig::admin, "{token: t0k}")
                                    .set(&ServeConfig::retry, "{schedule: [50ms], jitter: 0}"));
  HttpTestClient client(serve.url);
  for (const int n : {1, 2}) {
    ASSERT_EQ(client.post("/events", ecs_event(n)).status, 202u);
    ASSERT_TRUE(serve.process->wait_stderr("now a dead letter", 10s)) << "event-" << n << " is a dead letter";
  }

  const json::object settings{
      {"url", serve.url},
      {"token", "t0k"},
      {"npm", npm},
      {"screenshots", RELAY_BINARY_DIR "/console-screenshots"},
      {"destination", json::object{{"url", sink.url + "/hooks"}, {"signing", "hmac-timestamp"}, {"secret", kSinkSecret}}},
      {"route", json::object{{"handler", "ecs_task"}}},
      {"sizes", json::array{json::object{{"name", "desktop"}, {"width", 1280}, {"height", 800},
                                         {"event", json::parse(ecs_event(11))}, {"dead", "event-1"}},
                            json::object{{"name", "phone"}, {"width", 375}, {"height", 812},
                                         {"event", json::parse(ecs_event(12))}, {"dead", "event-2"}}}}};
  const auto result = run_process(
      {"node", RELAY_SOURCE_DIR "/tests/console/console_browser.js", dir.write("settings.json", json::serialize(settings))});
  std::cout << result.out;
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("[desktop] dead letter event-1 replayed and delivered"));
  EXPECT_THAT(result.out, HasSubstr("[phone] a POST without X-CSRF-Token is refused (403)"));
  EXPECT_THAT(result.out, HasSubstr("none blank"));

  // At the sink, among the test events (and, with the registry, copies to the added
  // destinations): both new events and both replayed dead letters.
  std::string received;
  const auto has = [&](int n) { return received.find("example-cluster/t" + std::to_string(n) + "\"") != std::string::npos; };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!(has(1) && has(2) && has(11) && has(12)) && std::chrono::steady_clock::now() < deadline) {
    const auto line = sink.process->stdout_line(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!line) break;
    received += *line + "\n";
  }
  for (const int n : {1, 2, 11, 12}) EXPECT_TRUE(has(n)) << "t" << n << " did not arrive:\n" << received;
}

}  // namespace
}  // namespace relay::testing
