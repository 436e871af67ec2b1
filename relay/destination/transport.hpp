#pragma once
// What every destination kind shares: where its requests go and how they travel (timeouts,
// concurrency, TLS, proxy, rate), whether it is paused, and its retry schedule. Read from a
// destination's mapping at config load.
#include "relay/config/http_url.hpp"
#include "relay/config/outbound_deny.hpp"
#include "relay/core/object_reader.hpp"
#include "relay/destination/client_certificate.hpp"
#include "relay/destination/proxy_choice.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace relay::destination {

// The delay before each retry; after the last one the delivery is dead. The default is the
// best peers' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
struct RetryPolicy {
  std::vector<std::chrono::milliseconds> schedule = {
      std::chrono::seconds(5), std::chrono::minutes(5), std::chrono::minutes(30), std::chrono::hours(2),
      std::chrono::hours(5),   std::chrono::hours(10),  std::chrono::hours(10)};
  double jitter = 0.2;  // each delay is drawn within +/- this fraction
};

// At most `per_second` requests a second (a batch is one request), `burst` of them at once
// after a pause; one bucket per destination, shared by all threads of the process.
struct RateLimit {
  double per_second = 1;
  double burst = 1;
};

struct Transport {
  config::HttpUrl url;
  std::string shown_url;  // how the URL may be printed (redacted when it is a secret)
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
  std::size_t max_concurrency = 64;
  std::optional<std::string> ca_file;
  RetryPolicy retry;
  std::size_t max_answer_bytes = 4096;  // how much of an answer's body classify() sees
  ProxySetting proxy;
  std::optional<ClientCertificate> client_certificate;  // tls.client_cert, tls.client_key
  std::optional<RateLimit> rate_limit;
  bool paused = false;  // deliveries stay pending until it is unpaused
};

// Reads `key` as a destination URL: the URL itself, or env:NAME / file:PATH naming it (a
// secret, then shown redacted). It must parse as delivery parses it, and an IP literal must
// pass `deny`. Problems never quote the URL. False when absent (and not `required`) or bad.
bool read_url(core::ObjectReader& r, std::string_view key, bool required, const std::vector<config::DenyRule>& deny,
              Transport& out);

// Reads the keys every kind shares (connect_timeout, timeout, max_concurrency, ca_file, retry,
// proxy, tls, rate_limit, rate_limit_burst, paused). Client certificate files are read and
// checked against each other here.
void read_transport(core::ObjectReader& r, Transport& out);

}  // namespace relay::destination
