#include "relay/destination/webhook_signing.hpp"

#include "relay/core/hmac_timestamp.hpp"
#include "relay/core/standard_webhooks.hpp"

#include <array>
#include <chrono>
#include <stdexcept>

namespace relay::destination {

namespace {

constexpr std::array<std::pair<std::string_view, SigningScheme>, 5> kSchemes = {{
    {"hmac-timestamp", SigningScheme::hmac_timestamp},
    {"bearer", SigningScheme::bearer},
    {"standard-webhooks", SigningScheme::standard_webhooks},
    {"hmac-sha256-hex", SigningScheme::hmac_sha256_hex},
    {"none", SigningScheme::none},
}};

std::int64_t unix_seconds(std::string_view signing_time) {
  auto t = core::parse_signing_time(signing_time);
  return t ? std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() : 0;
}

}  // namespace

std::optional<SigningScheme> parse_signing_scheme(std::string_view name) {
  for (const auto& [n, s] : kSchemes)
    if (n == name) return s;
  return std::nullopt;
}

std::string_view signing_scheme_name(SigningScheme scheme) {
  for (const auto& [n, s] : kSchemes)
    if (s == scheme) return n;
  return "none";
}

std::optional<std::string> Signer::check(SigningScheme scheme, const std::vector<std::string>& secrets) {
  if (scheme == SigningScheme::none) return std::nullopt;
  if (secrets.empty()) return "the scheme needs a secret";
  for (const auto& s : secrets) {
    if (s.empty()) return "a secret is empty";
    if (scheme == SigningScheme::standard_webhooks && !core::standard_webhooks_key(s))
      return "standard-webhooks secrets look like whsec_<base64>";
  }
  return std::nullopt;
}

Signer::Signer(SigningScheme scheme, const std::vector<std::string>& secrets) : scheme_(scheme) {
  if (auto problem = check(scheme, secrets)) throw std::invalid_argument(*problem);
  if (scheme == SigningScheme::none) return;
  if (scheme == SigningScheme::bearer) {
    bearer_ = "Bearer " + secrets.front();
    return;
  }
  for (const auto& s : secrets) {
    keys_.emplace_back(scheme == SigningScheme::standard_webhooks ? *core::standard_webhooks_key(s) : s);
    if (scheme != SigningScheme::standard_webhooks) break;  // one signature header, the current secret
  }
}

void Signer::sign(const SignInput& in, std::vector<Header>& headers) const {
  switch (scheme_) {
    case SigningScheme::hmac_timestamp:
      headers.push_back({std::string(core::kTimestampHeader), std::string(in.timestamp)});
      headers.push_back(
          {std::string(core::kSignatureHeader), core::hmac_timestamp_signature(keys_.front(), in.timestamp, in.body)});
      return;
    case SigningScheme::bearer: headers.push_back({"authorization", bearer_, true}); return;
    case SigningScheme::standard_webhooks: {
      const std::int64_t ts = unix_seconds(in.timestamp);
      std::string signatures;
      for (const auto& key : keys_) {
        if (!signatures.empty()) signatures.push_back(' ');
        signatures += core::standard_webhooks_signature(key, in.message_id, ts, in.body);
      }
      headers.push_back({"webhook-id", std::string(in.message_id)});
      headers.push_back({"webhook-timestamp", std::to_string(ts)});
      headers.push_back({"webhook-signature", std::move(signatures)});
      return;
    }
    case SigningScheme::hmac_sha256_hex:
      headers.push_back({"x-hub-signature-256", core::hub_signature_256(keys_.front(), in.body)});
      return;
    case SigningScheme::none: return;
  }
}

}  // namespace relay::destination
