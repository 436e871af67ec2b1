#pragma once
// The delivery client: for each destination and server thread, a pool of kept-alive
// connections (TLS with peer and host-name verification, SNI), at most a given number in
// use at once, connect and total timeouts. One call is one attempt; retries are the caller's.
// Every address DNS returns is checked against outbound.deny; only checked ones are dialled.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay/config/config.hpp"
#include "relay/config/proxy_url.hpp"
#include "relay/destination/destination.hpp"
#include "relay/destination/proxy_choice.hpp"
#include "relay/net/asio.hpp"
#include "relay/net/async_semaphore.hpp"
#include "relay/net/aws_credentials.hpp"
#include "relay/net/rate_limiter.hpp"

namespace relay::net {

// A destination as every thread sees it: built once, then read-only.
struct Endpoint {
  const destination::Destination* destination;  // owned by the config's pipeline
  std::vector<config::DenyRule> deny;            // outbound.deny
  std::shared_ptr<ssl::context> tls;             // set for https
  std::shared_ptr<CredentialProvider> credentials;  // set for kinds that sign with AWS credentials
  // The proxy requests go through (CONNECT for https, forwarding for http), chosen at start;
  // outbound.deny then judges the proxy's addresses, the destination's name being the proxy's
  // to resolve.
  std::optional<config::ProxyUrl> proxy;
  std::shared_ptr<RateLimiter> rate;  // null: no rate limit; else shared by every thread

  const std::string& name() const { return destination->name(); }
  const destination::Transport& transport() const { return destination->transport(); }
};

// A TLS client context: TLS 1.2+, verify_peer, the system CA store and `ca_file` when given,
// presenting `client` when given (mTLS). Throws std::runtime_error naming a file it cannot load.
std::shared_ptr<ssl::context> client_tls_context(const std::optional<std::string>& ca_file,
                                                 const std::optional<destination::ClientCertificate>& client = {});

// The proxy for `url` as `setting` and the process environment choose it; throws
// std::runtime_error when the environment variable that applies is not a proxy URL.
std::optional<config::ProxyUrl> proxy_from_environment(const config::HttpUrl& url,
                                                      const destination::ProxySetting& setting);

// Every destination of `config`, in order; throws std::runtime_error for a CA or client
// certificate file it cannot load, or a proxy variable that is not a proxy URL.
std::vector<Endpoint> endpoints_from(const config::Config& config);

struct AttemptResult {
  unsigned status = 0;  // the final (non-1xx) status; 0: no answer (see error)
  std::string error;    // why there is no answer; with a status, what went wrong reading its body
  std::optional<std::chrono::milliseconds> retry_after;
  std::string excerpt;  // the first transport().max_answer_bytes of the response body
};

class ConnectionPool {
 public:
  ConnectionPool(asio::io_context& io, const Endpoint& endpoint, std::size_t max_in_use);
  ~ConnectionPool();

  const Endpoint& endpoint() const { return endpoint_; }

  // Sends `request`'s bytes as they are (its destination signed them) and reads the answer,
  // skipping interim 1xx answers (101 fails the attempt). Waits for a free unit first; the
  // total timeout counts from when it has one; resolving, connecting, a proxy's CONNECT and
  // the TLS handshake share connect_timeout. The rate limit is the caller's (Deliverer).
  // A connection goes back to the pool only after a clean exchange, and carries another
  // request only if nothing came from the receiver meanwhile.
  static awaitable<AttemptResult> send(std::shared_ptr<ConnectionPool> pool, const destination::Request& request);

 private:
  struct Connection;
  static awaitable<std::unique_ptr<Connection>> connect(ConnectionPool& pool, std::string& error);

  asio::io_context& io_;
  const Endpoint& endpoint_;
  AsyncSemaphore in_use_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace relay::net
