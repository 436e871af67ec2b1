#include "relay/net/oauth_service.hpp"

#include <openssl/rand.h>

#include <array>
#include <future>

#include "relay/net/log.hpp"
#include "relay/core/base64.hpp"

namespace relay::net {

namespace {

constexpr const char* kKeptKeyName = "oauth.signing_key";

// 128 random bits, base64url: a token's jti.
std::string random_token_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return core::base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void to_response(oauth::OAuthAnswer answer, HttpResponse& response) {
  response.result(answer.status);
  response.set(http::field::content_type, "application/json");
  if (!answer.cache_control.empty()) response.set(http::field::cache_control, answer.cache_control);
  if (answer.cache_control == "no-store") response.set(http::field::pragma, "no-cache");
  if (!answer.www_authenticate.empty()) response.set(http::field::www_authenticate, answer.www_authenticate);
  if (!answer.allow.empty()) response.set(http::field::allow, answer.allow);
  response.body() = std::move(answer.body);
}

}  // namespace

void OAuthService::answer(const HttpRequest& request, HttpResponse& response, const std::string& client) const {
  {
    std::lock_guard lock(failures_mutex_);
    if (const auto wait = failures_.blocked(client, std::chrono::steady_clock::now())) {
      oauth::OAuthAnswer refused{429,
                                 R"({"error": "invalid_client", "error_description": "too many failed client )"
                                 R"(authentications from this address; retry later"})",
                                 "no-store",
                                 {},
                                 {}};
      to_response(std::move(refused), response);
      response.set(http::field::retry_after, std::to_string(wait->count()));
      return;
    }
  }
  const oauth::OAuthRequest asked{request.method_string(), request.target(), request[http::field::content_type],
                                  request[http::field::authorization], request.body()};
  oauth::OAuthAnswer answer = endpoint_.answer(asked, std::chrono::system_clock::now(), random_token_id());
  if (answer.status == 401) {
    std::lock_guard lock(failures_mutex_);
    failures_.record_failure(client, std::chrono::steady_clock::now());
  }
  if (answer.status == 401 || answer.status == 400)
    log(observe::LogLevel::warn, "oauth token request refused",
        {{"status", static_cast<std::int64_t>(answer.status)}, {"client_address", client}});
  to_response(std::move(answer), response);
}

oauth::SigningKey oauth_signing_key(const oauth::Settings& settings, store::StoreWorker* store) {
  std::string problem;
  if (!settings.signing_key_pem.empty()) {
    auto key = oauth::SigningKey::from_pem(settings.signing_key_pem, problem);
    if (!key) throw std::runtime_error("ingress.oauth.signing_key: " + problem);
    return std::move(*key);
  }
  if (!store) {
    log(observe::LogLevel::warn,
        "relay serve: ingress.oauth has no signing_key and sync mode has no store to keep one: this process signs "
        "with a new key, so tokens it issues are refused after a restart (EventBridge fetches a new one on the 401)");
    return oauth::SigningKey::generate();
  }
  std::promise<std::string> kept;
  auto pem = kept.get_future();
  store->post(
      [&kept, candidate = oauth::SigningKey::generate().private_pem()](store::Outbox& outbox) {
        kept.set_value(outbox.kept_value(kKeptKeyName, candidate));
      },
      [&kept](const std::string& error) { kept.set_exception(std::make_exception_ptr(std::runtime_error(error))); });
  auto key = oauth::SigningKey::from_pem(pem.get(), problem);
  if (!key) throw std::runtime_error("the OAuth signing key kept in the store is unusable: " + problem);
  return std::move(*key);
}

}  // namespace relay::net
