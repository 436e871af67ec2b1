#pragma once
// The process's config::SecretFetcher: AWS Secrets Manager GetSecretValue over HTTPS, signed
// with SigV4 (service secretsmanager) with what the standard credential chain finds (in
// Lambda: the function role's keys in the environment). The region is the ARN's, else
// AWS_REGION / AWS_DEFAULT_REGION; the endpoint https://secretsmanager.REGION.amazonaws.com
// unless AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL says else. Each distinct secret
// is asked for once for the life of the fetcher, its answer or its failure kept.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <variant>

#include "relay/config/secret_ref.hpp"
#include "relay/net/asio.hpp"
#include "relay/net/aws_credentials.hpp"

namespace relay::net {

// Any thread; fetch() blocks its caller (it runs an io_context of its own; the call to Secrets
// Manager times out after 5 s) and one runs at a time, so call it at start-up, not from an
// io_context's thread.
class SecretsManagerFetcher final : public config::SecretFetcher {
 public:
  SecretsManagerFetcher();
  std::variant<std::string, config::SecretError> fetch(const config::SecretsManagerRef& ref) override;

 private:
  using Outcome = std::variant<std::string, config::SecretError>;
  awaitable<Outcome> get_secret_value(asio::io_context& io, std::string region, std::string secret_id);

  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Outcome> fetched_;  // by (region, secret id)
  CredentialProvider credentials_;
  std::shared_ptr<ssl::context> tls_;  // made on the first https call
};

}  // namespace relay::net
