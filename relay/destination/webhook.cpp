#include "relay/destination/webhook.hpp"

#include "relay/aws/header_text.hpp"
#include "relay/config/secret_ref.hpp"
#include "relay/core/hmac_timestamp.hpp"

#include <boost/json/value.hpp>

namespace relay::destination {

namespace {

using core::ObjectReader;

struct Signing {
  SigningScheme scheme = SigningScheme::hmac_timestamp;
  std::vector<std::string> secrets;  // the current one first, then older ones in rotation
};

class Webhook final : public Destination {
 public:
  Webhook(std::string name, Transport transport, Signing signing, std::vector<Header> headers)
      : Destination(std::move(name), std::move(transport)),
        scheme_(signing.scheme),
        signer_(signing.scheme, signing.secrets),
        headers_(std::move(headers)) {}

  std::string_view kind() const override { return "webhook"; }

  Request request(std::span<const Item> items, const SendContext& context) const override {
    const Item& item = items.front();
    Request r{"POST", transport().shown_url, {}, std::string(item.body)};
    r.headers.reserve(headers_.size() + 4);
    r.headers.push_back({"content-type", std::string(item.content_type)});
    for (const auto& h : headers_) r.headers.push_back(h);
    const std::string id = scheme_ == SigningScheme::standard_webhooks ? core::message_id(item.key) : std::string();
    signer_.sign({r.body, core::format_signing_time(context.now), id}, r.headers);
    return r;
  }

  std::vector<ItemOutcome> classify(const Answer& answer, std::size_t items) const override {
    ItemOutcome outcome{verdict_for_status(answer.status), std::string(answer.error), std::string(answer.body)};
    return std::vector<ItemOutcome>(items, outcome);
  }

 private:
  SigningScheme scheme_;
  Signer signer_;
  std::vector<Header> headers_;
};

// `secret: S`, or `secrets: [current, older...]` during a rotation.
void read_secrets(ObjectReader& r, Signing& s) {
  const bool needed = s.scheme != SigningScheme::none;
  const auto* list = r.value("secrets");
  if (list && r.value("secret")) {
    r.error("secrets", "give either secret or secrets, not both");
    return;
  }
  if (!list) {
    if (auto one = config::read_secret(r, "secret", needed); !one.empty()) s.secrets.push_back(std::move(one));
    return;
  }
  if (!list->is_array() || list->get_array().empty()) {
    r.error("secrets", "expected a non-empty list of secrets");
    return;
  }
  const std::size_t errors_before = r.error_count();
  for (std::size_t i = 0; i < list->get_array().size(); ++i) {
    const auto& item = list->get_array()[i];
    const std::string key = "secrets[" + std::to_string(i) + "]";
    auto resolved =
        item.is_string() ? config::resolve_secret(item.get_string()) : std::variant<std::string, config::SecretError>{};
    if (!item.is_string())
      r.error(key, "expected a secret, env:NAME or file:PATH");
    else if (auto* err = std::get_if<config::SecretError>(&resolved))
      r.error(key, err->message);
    else
      s.secrets.push_back(std::get<std::string>(std::move(resolved)));
  }
  if (r.error_count() != errors_before) s.secrets.clear();
}

std::vector<Header> read_headers(ObjectReader& r) {
  std::vector<Header> out;
  const auto* headers = r.object("headers");
  if (!headers) return out;
  ObjectReader h(*headers, r.path_of("headers"), r.errors());
  for (const auto& kv : *headers) {
    std::string lower(kv.key());
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool secret = kv.value().is_string() && config::is_secret_ref(kv.value().get_string());
    std::string value = config::read_secret(h, kv.key(), true);
    if (!aws::is_token(lower))
      h.error(kv.key(), "not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    else if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
      h.error(kv.key(), "relay sets this header itself");
    else if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      h.error(kv.key(), "a header value may not hold a line break (CR, LF) or NUL");
    out.push_back({lower, std::move(value), secret});
  }
  return out;
}

}  // namespace

Verdict verdict_for_status(unsigned status) {
  if (status >= 200 && status < 300) return Verdict::delivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return Verdict::retry;
  return Verdict::dead;
}

std::unique_ptr<Destination> make_webhook(KindArgs& args) {
  ObjectReader& r = args.reader;
  const std::size_t errors_before = r.error_count();
  Transport transport;
  read_url(r, "url", true, args.deny, transport);
  Signing signing;
  signing.scheme = *parse_signing_scheme(
      r.choice("signing", "hmac-timestamp", {"hmac-timestamp", "bearer", "standard-webhooks", "hmac-sha256-hex", "none"}));
  read_secrets(r, signing);
  if (r.error_count() == errors_before)
    if (auto problem = Signer::check(signing.scheme, signing.secrets))
      r.error(signing.secrets.size() > 1 ? "secrets" : "secret", *problem);
  auto headers = read_headers(r);
  read_transport(r, transport);
  if (r.error_count() != errors_before) return nullptr;
  return std::make_unique<Webhook>(std::string(args.name), std::move(transport), std::move(signing), std::move(headers));
}

std::unique_ptr<Destination> webhook_for(std::string name, Transport transport, std::string secret) {
  return std::make_unique<Webhook>(std::move(name), std::move(transport),
                                   Signing{SigningScheme::hmac_timestamp, {std::move(secret)}}, std::vector<Header>{});
}

}  // namespace relay::destination
