// `relay sink`: a local receiver that verifies signatures and prints what it accepts.
#include <CLI/CLI.hpp>
#include <iostream>

#include "relay/cli/commands.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/net/sink.hpp"

namespace relay::cli {

namespace {

struct SinkCommandOptions {
  std::string listen;
  std::string secret;
  std::string tls_cert;
  std::string tls_key;
  unsigned status = 200;
  double fail_rate = 0;
  std::size_t fail_first = 0;
  unsigned delay_ms = 0;
  unsigned retry_after = 0;
  std::size_t threads = 1;
};

int run(const SinkCommandOptions& opt) {
  std::string problem;
  auto listen = config::parse_listen_address(opt.listen, problem);
  if (!listen) {
    std::cerr << "relay sink: --listen: " << problem << "\n";
    return 2;
  }
  if (opt.tls_cert.empty() != opt.tls_key.empty()) {
    std::cerr << "relay sink: --tls-cert and --tls-key go together\n";
    return 2;
  }
  net::SinkOptions o;
  o.listen = *listen;
  if (!opt.secret.empty()) {
    o.secret = secret_from_option("relay sink", opt.secret);
    if (!o.secret) return 2;
  }
  if (!opt.tls_cert.empty()) {
    o.tls_cert_file = opt.tls_cert;
    o.tls_key_file = opt.tls_key;
  }
  o.status = opt.status;
  o.fail_rate = opt.fail_rate;
  o.fail_first = opt.fail_first;
  o.delay = std::chrono::milliseconds(opt.delay_ms);
  if (opt.retry_after) o.retry_after = opt.retry_after;
  o.threads = opt.threads;
  return net::run_sink(o);
}

}  // namespace

void add_sink_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<SinkCommandOptions>();
  auto* cmd = app.add_subcommand(
      "sink", "A webhook receiver for local testing: verifies signatures, prints each accepted payload as one line");
  cmd->add_option("--listen", opt->listen, "ADDRESS:PORT to listen on (port 0: any free port)")->required();
  cmd->add_option("--secret", opt->secret,
                  "Verify x-amzn-event-signature with this secret: the value, env:NAME or file:PATH");
  cmd->add_option("--tls-cert", opt->tls_cert, "PEM certificate chain: serve HTTPS");
  cmd->add_option("--tls-key", opt->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--status", opt->status, "Status of every answer not failed on purpose")
      ->check(CLI::Range(100, 599))
      ->capture_default_str();
  cmd->add_option("--fail-rate", opt->fail_rate, "Fraction of requests answered 503")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--fail-first", opt->fail_first, "Answer the first N requests with 503");
  cmd->add_option("--delay-ms", opt->delay_ms, "Wait this long before answering");
  cmd->add_option("--retry-after", opt->retry_after, "Retry-After seconds sent with 429 and 503 answers");
  cmd->add_option("--threads", opt->threads, "Server threads")->capture_default_str();
  cmd->callback([opt, &exit_code] { exit_code = run(*opt); });
}

}  // namespace relay::cli
