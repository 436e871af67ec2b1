#pragma once
// relay's token endpoint on the ingress listener (ingress.oauth): the plain functions of
// oauth/token_endpoint.hpp with the clock, random token ids, and failed client logins
// limited per address (after kMaxClientFailures within a minute: 429 with Retry-After
// until the minute has passed). Any server thread may call.
#include <mutex>

#include "relay/core/failure_limiter.hpp"
#include "relay/net/http_server.hpp"
#include "relay/oauth/token_endpoint.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

class OAuthService {
 public:
  explicit OAuthService(oauth::TokenEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

  static constexpr std::size_t kMaxClientFailures = 10;

  // Answers /oauth/token and /oauth/jwks.json (oauth::is_oauth_target); `client`: the
  // address the request came from.
  void answer(const HttpRequest& request, HttpResponse& response, const std::string& client) const;
  // The JWKS text relay serves: the key set a jwt check of relay's own tokens uses.
  const std::string& jwks() const { return endpoint_.jwks(); }

 private:
  oauth::TokenEndpoint endpoint_;
  mutable std::mutex failures_mutex_;
  mutable core::FailureLimiter failures_{kMaxClientFailures, std::chrono::minutes(1)};
};

// The signing key for ingress.oauth: the configured one; else the one kept in the store
// (the first start keeps a new one there, so restarts keep tokens valid); else, with no
// store (sync mode), a new one for this process, with a warning that tokens issued before
// a restart are refused after it. Throws when the store cannot be read.
oauth::SigningKey oauth_signing_key(const oauth::Settings& settings, store::StoreWorker* store);

}  // namespace relay::net
