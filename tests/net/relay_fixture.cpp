#include "tests/net/relay_fixture.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace relay::testing {

namespace json = boost::json;
using namespace std::chrono_literals;

Listening start_relay(std::vector<std::string> args, const std::vector<std::string>& env) {
  // A line per event would fill the stderr pipe that tests read only when they wait for
  // something: serve logs warnings and errors unless the test asks for more.
  if (args.at(0) == "serve" && std::find(args.begin(), args.end(), "--log-level") == args.end())
    args.insert(args.end(), {"--log-level", "warn"});
  args.insert(args.begin(), RELAY_BINARY);
  auto p = std::make_unique<ChildProcess>(args, env);
  std::string url = listening_url(*p);
  return {std::move(p), std::move(url)};
}

Listening start_sink(std::vector<std::string> args) {
  args.insert(args.begin(), {"sink", "--listen", "127.0.0.1:0", "--secret", kSinkSecret});
  return start_relay(std::move(args));
}

std::string ServeConfig::yaml() const {
  return "listen: 127.0.0.1:0\n"
         "threads: 2\n"
         "ingress:\n"
         "  auth: " +
         auth + "\n" + ingress + "delivery: " + delivery + "\n" + (store.empty() ? "" : "store: " + store + "\n") +
         (admin.empty() ? "" : "admin: " + admin + "\n") + (outbound.empty() ? "" : "outbound: " + outbound + "\n") +
         "destinations:\n"
         "  webhook:\n"
         "    url: " +
         sink_url +
         "/hooks\n"
         "    signing: hmac-timestamp\n"
         "    secret: " +
         kSinkSecret +
         "\n"
         "    timeout: " +
         timeout + "\n" +
         destination + "    retry: " + retry +
         "\n"
         "routes:\n"
         "  - name: ecs\n"
         "    handler: ecs_task\n"
         "    destinations: [webhook]\n" +
         more_routes;
}

std::string outbox_path(const TempDir& dir) { return dir.path() + "/var/relay.db"; }

Listening start_serve(const TempDir& dir, const ServeConfig& config, std::vector<std::string> args,
                      const std::vector<std::string>& env) {
  ServeConfig c = config;
  if (c.store.empty()) c.store = "{path: " + outbox_path(dir) + "}";
  args.insert(args.begin(), {"serve", "--config", dir.write("relay.yaml", c.yaml())});
  return start_relay(std::move(args), env);
}

std::string sample(const std::string& name) { return read_text(RELAY_SOURCE_DIR "/payloads/samples/" + name); }

std::string ecs_event(int n) {
  auto event = json::parse(sample("ecs-task-stopped-exit-codes.json"));
  auto& o = event.as_object();
  o["id"] = "event-" + std::to_string(n);
  o["detail"].as_object()["taskArn"] = "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t" + std::to_string(n);
  return json::serialize(event);
}

std::string task_arn_of(const std::string& incident) {
  return std::string(json::parse(incident).at_pointer("/data/metadata/taskArn").as_string());
}

std::vector<std::string> sink_lines(ChildProcess& sink, std::size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> lines;
  while (lines.size() < count) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto line = sink.stdout_line(std::max(left, 0ms));
    if (!line) break;
    lines.push_back(std::move(*line));
  }
  return lines;
}

}  // namespace relay::testing
