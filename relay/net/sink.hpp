#pragma once
// `relay sink`: a receiver for local testing that verifies hmac-timestamp signatures and
// prints each accepted payload as one line on stdout.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "relay/config/listen_address.hpp"

namespace relay::net {

struct SinkOptions {
  config::ListenAddress listen;
  std::optional<std::string> secret;  // verify signatures when set
  std::optional<std::string> tls_cert_file;
  std::optional<std::string> tls_key_file;
  unsigned status = 200;                // answer to every verified request not failed below
  double fail_rate = 0;                 // fraction of requests answered 503
  std::size_t fail_first = 0;           // the first N requests are answered 503
  std::chrono::milliseconds delay{0};   // before answering
  std::optional<unsigned> retry_after;  // seconds, sent with 429 and 503 answers
  std::size_t threads = 1;
};

// Serves until SIGINT or SIGTERM; prints "relay sink: listening on URL" to stderr once
// ready. Returns the exit code.
int run_sink(const SinkOptions& options);

}  // namespace relay::net
