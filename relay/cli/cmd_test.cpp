// `relay test`: run the pipeline on sample events offline and print what would be sent.
#include "relay/cli/commands.hpp"
#include "relay/cli/load_config.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/core/event.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/pipeline/outcome_json.hpp"
#include "relay/pipeline/pipeline.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>

namespace relay::cli {

namespace {

struct TestOptions {
  std::string config_file;
  std::vector<std::string> files;
  std::string timestamp;
  std::string route;                 // as if posted to /events/<route>
  std::vector<std::string> headers;  // "name: value", as if sent with the request
  bool show_secrets = false;         // print credential headers as they are sent, not redacted
};

// The request the events are taken to arrive in; false (with the error printed) for a
// header that is not "name: value".
bool request_scope(const TestOptions& opt, std::vector<destination::Header>& headers, pipeline::RequestScope& scope) {
  for (const auto& h : opt.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::cerr << "relay test: --header: expected \"name: value\", got \"" << h << "\"\n";
      return false;
    }
    std::string name = h.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers.push_back({name, h.substr(h.find_first_not_of(' ', colon + 1) == std::string::npos
                                          ? h.size()
                                          : h.find_first_not_of(' ', colon + 1))});
  }
  scope.route = opt.route;
  scope.header = [&headers](std::string_view name) -> std::string_view {
    for (const auto& h : headers)
      if (h.name == name) return h.value;
    return {};
  };
  return true;
}

int run_test(const TestOptions& opt) {
  const auto timestamp = signing_time_from_option("relay test", opt.timestamp);
  if (!timestamp) return 2;
  auto cfg = load_config("relay test", opt.config_file);
  if (!cfg) return 2;
  const auto& pipe = cfg->pipeline;
  std::vector<destination::Header> headers;
  pipeline::RequestScope scope;
  if (!request_scope(opt, headers, scope)) return 2;
  if (!opt.route.empty() && !pipe->has_route(opt.route)) {
    std::cerr << "relay test: --route: no route is named \"" << opt.route << "\"\n";
    return 2;
  }

  std::vector<std::string> inputs;
  for (const auto& f : opt.files) {
    auto data = file_from_option("relay test", f);
    if (!data) return 2;
    inputs.push_back(std::move(*data));
  }

  core::EventDecoder decoder;
  int exit_code = 0;
  std::string out;
  std::vector<boost::json::value> events;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    out.clear();
    events.clear();
    if (auto err = decoder.decode(inputs[i], events)) {
      pipeline::append_error_line(out, opt.files[i], err->message());
      exit_code = 1;
    }
    for (const auto& ev : events) {
      pipeline::Outcome outcome;
      pipe->process(ev, outcome, scope);
      pipeline::append_outcome_line(out, opt.files[i], core::Event::view(ev).id, outcome, pipe->destinations(),
                                    *core::parse_signing_time(*timestamp), opt.show_secrets);
    }
    std::cout << out;
  }
  std::cout.flush();
  return exit_code;
}

}  // namespace

void add_test_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<TestOptions>();
  auto* cmd = app.add_subcommand("test", "Run the handlers on sample events, offline, and print what would be sent");
  cmd->add_option("--config", opt->config_file, "Config file (default: WEBHOOK_URL and WEBHOOK_SECRET from the environment)");
  cmd->add_option("--timestamp", opt->timestamp, "Signing time, YYYY-MM-DDTHH:MM:SS.000Z (default: now)");
  cmd->add_option("--route", opt->route, "As if posted to /events/ROUTE: only that route");
  cmd->add_option("--header", opt->headers, "\"name: value\", as if sent with the request (repeatable)");
  cmd->add_flag("--show-secrets", opt->show_secrets,
                "Print credential headers (bearer tokens, env:/file: header values) instead of <redacted>");
  cmd->add_option("events", opt->files, "Event files (JSON: one event, an alarm action, or an array); - is stdin")
      ->required();
  cmd->callback([opt, &exit_code] { exit_code = run_test(*opt); });
}

}  // namespace relay::cli
