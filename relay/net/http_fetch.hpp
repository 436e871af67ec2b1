#pragma once
// One HTTP(S) request on a fresh connection and its whole answer, for the calls relay makes
// for itself (AWS STS, the container-credentials endpoint, instance metadata), not for
// deliveries: outbound.deny does not apply (instance metadata lives at 169.254.169.254, which
// it refuses), nor proxies, pools or retries. TLS verifies the peer and its host name.
// For coroutines of one io_context thread.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "relay/config/http_url.hpp"
#include "relay/net/asio.hpp"

namespace relay::net {

struct FetchRequest {
  std::string method = "GET";
  config::HttpUrl url;
  std::vector<std::pair<std::string, std::string>> headers;  // Host is set from `url` unless given
  std::string body;
  std::chrono::milliseconds timeout{1000};  // the whole call: resolve, connect, TLS, send, read
};

struct FetchResult {
  unsigned status = 0;  // the final status; 0: no answer (see error)
  std::string body;     // at most kMaxFetchBody bytes (a longer answer is an error)
  std::string error;    // why there is no (whole) answer; never quotes headers or body
};

inline constexpr std::size_t kMaxFetchBody = 64 * 1024;

// `tls` is required for https URLs (see client_tls_context in http_client.hpp).
awaitable<FetchResult> fetch(asio::io_context& io, const FetchRequest& request, std::shared_ptr<ssl::context> tls);

}  // namespace relay::net
