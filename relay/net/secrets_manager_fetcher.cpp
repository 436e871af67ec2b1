#include "relay/net/secrets_manager_fetcher.hpp"

#include <cstdlib>

#include "relay/aws/secrets_manager.hpp"
#include "relay/aws/sigv4.hpp"
#include "relay/config/listen_address.hpp"
#include "relay/net/http_client.hpp"
#include "relay/net/http_fetch.hpp"

namespace relay::net {

namespace {

using namespace std::chrono_literals;

constexpr auto kTimeout = 5s;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The endpoint's URL: AWS_ENDPOINT_URL_SECRETS_MANAGER, else AWS_ENDPOINT_URL, else the
// region's; nullopt with `problem` naming the variable when it is unusable.
std::optional<config::HttpUrl> endpoint(const std::string& region, std::string& problem) {
  std::string named = "AWS_ENDPOINT_URL_SECRETS_MANAGER";
  std::string text = env("AWS_ENDPOINT_URL_SECRETS_MANAGER");
  if (text.empty()) {
    named = "AWS_ENDPOINT_URL";
    text = env("AWS_ENDPOINT_URL");
  }
  if (text.empty()) {
    named = "the endpoint of region " + region;
    text = aws::secrets_manager_endpoint_for(region);
  }
  std::string error;
  auto url = config::parse_http_url(text, error);
  if (!url) {
    problem = named + ": " + error;
    return std::nullopt;
  }
  // The session token and the secret would travel in clear.
  if (!url->tls && !config::is_loopback(config::ListenAddress{url->host, 0})) {
    problem = named + ": must be https (http only to a loopback address such as 127.0.0.1)";
    return std::nullopt;
  }
  return url;
}

}  // namespace

SecretsManagerFetcher::SecretsManagerFetcher() : credentials_(aws::CredentialSource{}) {}

std::variant<std::string, config::SecretError> SecretsManagerFetcher::fetch(const config::SecretsManagerRef& ref) {
  std::string region = ref.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"})
    if (region.empty()) region = env(name);
  if (region.empty())
    return config::SecretError{"no region: a secret given by name takes AWS_REGION or AWS_DEFAULT_REGION, and neither is set"};

  std::lock_guard lock(mutex_);
  const auto key = std::pair{region, ref.secret_id};
  if (const auto known = fetched_.find(key); known != fetched_.end()) return known->second;
  asio::io_context io;
  Outcome outcome = config::SecretError{"GetSecretValue did not finish"};
  asio::co_spawn(io, get_secret_value(io, region, ref.secret_id), [&](std::exception_ptr e, Outcome got) {
    try {
      if (e) std::rethrow_exception(e);
      outcome = std::move(got);
    } catch (const std::exception& error) {
      outcome = config::SecretError{error.what()};
    }
  });
  io.run();
  return fetched_.emplace(key, std::move(outcome)).first->second;
}

awaitable<SecretsManagerFetcher::Outcome> SecretsManagerFetcher::get_secret_value(asio::io_context& io, std::string region,
                                                                                 std::string secret_id) {
  std::string problem;
  const auto url = endpoint(region, problem);
  if (!url) co_return config::SecretError{std::move(problem)};
  auto credentials = co_await credentials_.get();
  if (auto* why = std::get_if<std::string>(&credentials)) co_return config::SecretError{std::move(*why)};

  aws::HttpRequest request{"POST", url->target, aws::get_secret_value_headers(), aws::get_secret_value_body(secret_id)};
  request.headers.emplace_back("host", url->host_header());
  aws::sign_request(request, std::get<aws::Credentials>(credentials), region, "secretsmanager",
                    std::chrono::system_clock::now());
  if (url->tls && !tls_) tls_ = client_tls_context(std::nullopt);
  FetchRequest call{"POST", *url, std::move(request.headers), std::move(request.body), kTimeout};
  const FetchResult answer = co_await net::fetch(io, call, url->tls ? tls_ : nullptr);
  if (answer.status == 0) co_return config::SecretError{"Secrets Manager at " + url->host_header() + ": " + answer.error};
  co_return aws::parse_get_secret_value_answer(answer.status, answer.body);
}

}  // namespace relay::net
