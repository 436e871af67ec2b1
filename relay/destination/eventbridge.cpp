#include "relay/destination/eventbridge.hpp"

#include "relay/aws/credential_config.hpp"
#include "relay/aws/sigv4.hpp"
#include "relay/destination/event_bus.hpp"
#include "relay/destination/put_events_answer.hpp"
#include "relay/destination/put_events_entry.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace relay::destination {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxEntriesPerCall = 10;
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;  // a 10-entry answer with long error messages
constexpr std::size_t kResponseExcerptBytes = 1024;  // of a whole-call answer, kept per entry

// Entry error codes worth another try; any other is final.
constexpr std::array<std::string_view, 2> kRetriedEntryCodes = {"InternalFailure", "ThrottlingException"};
// Whole-call error types that are not the request's fault: throttling, a timeout on AWS's
// side, credentials that expired in flight (they are refreshed before the retry).
constexpr std::array<std::string_view, 9> kRetriedCallErrors = {
    "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "RequestTimeout", "RequestTimeoutException", "ExpiredTokenException"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool is_json(std::string_view content_type) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  return type == "application/json" || (type.size() > 5 && type.substr(type.size() - 5) == "+json");
}

struct Settings {
  EventBus bus;
  std::string source;
  std::string detail_type;
  Batching batching;
  aws::CredentialSource credentials;
};

class EventBridge final : public Destination {
 public:
  EventBridge(std::string name, Transport transport, Settings settings)
      : Destination(std::move(name), std::move(transport)), s_(std::move(settings)) {}

  std::string_view kind() const override { return "eventbridge"; }
  Batching batching() const override { return s_.batching; }

  std::optional<std::string> refuses_route(std::string_view handler, std::string_view content_type) const override {
    if (!is_json(content_type))
      return "handler \"" + std::string(handler) + "\" sends " + std::string(content_type) +
             ", and an eventbridge destination takes JSON objects only";
    if (handler == "raw" || (!s_.source.empty() && !s_.detail_type.empty())) return std::nullopt;
    const std::string missing = s_.source.empty() && s_.detail_type.empty() ? "source and detail_type"
                                : s_.source.empty()                         ? "source"
                                                                            : "detail_type";
    return "handler \"" + std::string(handler) + "\" needs " + missing + " set on destination " + name() +
           " (only the raw handler's entries carry their own)";
  }

  std::variant<std::size_t, std::string> measure(const Item& item) const override {
    auto entry = make_entry(item, defaults());
    if (auto* why = std::get_if<std::string>(&entry)) return std::move(*why);
    const std::size_t size = entry_size(std::get<PutEventsEntry>(entry));
    if (size > kMaxPutEventsBytes)
      return "the entry is " + std::to_string(size) + " bytes as EventBridge counts them, over its limit of " +
             std::to_string(kMaxPutEventsBytes);
    return size;
  }

  // Signed when context.credentials is set (the caller waits for them to be resolved).
  Request request(std::span<const Item> items, const SendContext& context) const override {
    std::vector<PutEventsEntry> entries;
    entries.reserve(items.size());
    for (const auto& item : items) entries.push_back(std::get<PutEventsEntry>(make_entry(item, defaults())));
    aws::HttpRequest call{"POST",
                          transport().url.target,
                          {{"host", transport().url.host_header()},
                           {"content-type", "application/x-amz-json-1.1"},
                           {"x-amz-target", "AWSEvents.PutEvents"}},
                          put_events_body(entries, s_.bus.name_or_arn)};
    if (context.credentials)
      aws::sign_request(call, *context.credentials, s_.credentials.region, "events", context.now);
    Request r{call.method, transport().shown_url, {}, std::move(call.body)};
    for (auto& [name, value] : call.headers) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      const bool secret = lower == "authorization" || lower == "x-amz-security-token";
      r.headers.push_back({std::move(lower), std::move(value), secret});
    }
    return r;
  }

  std::vector<ItemOutcome> classify(const Answer& answer, std::size_t items) const override {
    if (answer.status == 0)
      return std::vector<ItemOutcome>(items,
                                      {Verdict::retry, answer.error.empty() ? "no answer" : std::string(answer.error)});
    const std::string excerpt(answer.body.substr(0, kResponseExcerptBytes));
    if (answer.status / 100 == 2) {
      auto parsed = parse_put_events_answer(answer.body, items);
      if (auto* why = std::get_if<std::string>(&parsed))
        return std::vector<ItemOutcome>(items, {Verdict::retry, *why, excerpt});
      std::vector<ItemOutcome> out;
      for (auto& result : std::get<std::vector<EntryResult>>(parsed)) out.push_back(entry_outcome(std::move(result)));
      return out;
    }
    const AwsError e = parse_aws_error(answer.body);
    std::string error = "HTTP " + std::to_string(answer.status);
    if (!e.type.empty()) error += " " + e.type;
    if (!e.message.empty()) error += ": " + e.message;
    const bool transient = answer.status >= 500 || answer.status == 429 || contains(kRetriedCallErrors, e.type);
    return std::vector<ItemOutcome>(items, {transient ? Verdict::retry : Verdict::dead, error, excerpt});
  }

  const aws::CredentialSource* aws_credentials() const override { return &s_.credentials; }

 private:
  EntryDefaults defaults() const { return {s_.source, s_.detail_type}; }

  static ItemOutcome entry_outcome(EntryResult r) {
    if (r.error_code.empty()) return {Verdict::delivered, {}, std::move(r.json)};
    const Verdict v = contains(kRetriedEntryCodes, r.error_code) ? Verdict::retry : Verdict::dead;
    return {v, r.error_code + (r.error_message.empty() ? "" : ": " + r.error_message), std::move(r.json)};
  }

  Settings s_;
};

// The region: `region`, else the ARN's, else AWS_REGION / AWS_DEFAULT_REGION; empty (with
// an error) when none is found or it contradicts the ARN.
std::string read_region(core::ObjectReader& r, const std::optional<EventBus>& bus) {
  const std::string arn_region = bus ? bus->region : std::string();
  std::string region = r.string("region");
  if (!region.empty()) {
    if (!is_region(region)) r.error("region", "\"" + region + "\" is not an AWS region name such as us-east-1");
    else if (!arn_region.empty() && region != arn_region)
      r.error("region", "\"" + region + "\" differs from the event_bus ARN's region \"" + arn_region + "\"");
    else return region;
    return {};
  }
  if (!arn_region.empty()) return arn_region;
  for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* value = std::getenv(var);
    if (!value || !*value) continue;
    if (is_region(value)) return value;
    r.error("region", std::string("not set, and ") + var + " (\"" + value + "\") is not an AWS region name");
    return {};
  }
  if (bus) r.error("region", "missing: set region, name the bus by its ARN, or set AWS_REGION or AWS_DEFAULT_REGION");
  return {};
}

void read_batch(core::ObjectReader& r, Batching& out) {
  out.max_items = kMaxEntriesPerCall;
  out.max_bytes = kMaxPutEventsBytes;
  out.flush_after = 100ms;
  const auto* batch = r.object("batch");
  if (!batch) return;
  core::ObjectReader b(*batch, r.path_of("batch"), r.errors());
  out.max_items = static_cast<std::size_t>(b.integer("max_entries", kMaxEntriesPerCall, 1, kMaxEntriesPerCall));
  out.flush_after = b.duration("flush_after", 100ms);
  if (out.flush_after > 1min) b.error("flush_after", "at most 1m: deliveries wait that long for a batch to fill");
  b.reject_unknown();
}

}  // namespace

std::unique_ptr<Destination> make_eventbridge(KindArgs& args) {
  core::ObjectReader& r = args.reader;
  const std::size_t errors_before = r.error_count();
  Settings s;
  std::optional<EventBus> bus;
  if (const std::string text = r.string("event_bus", {}, true); !text.empty()) {
    std::string error;
    bus = parse_event_bus(text, error);
    if (!bus) r.error("event_bus", error);
  }
  const std::string region = read_region(r, bus);
  Transport transport;
  if (r.value("endpoint")) {
    read_url(r, "endpoint", true, args.deny, transport);
  } else if (!region.empty()) {
    std::string error;  // a region name makes a valid host
    transport.shown_url = default_endpoint(region);
    transport.url = *config::parse_http_url(transport.shown_url, error);
  }
  s.source = r.string("source");
  s.detail_type = r.string("detail_type");
  s.credentials = aws::read_credential_source(r, "credentials");
  s.credentials.region = region;
  read_batch(r, s.batching);
  read_transport(r, transport);
  transport.max_answer_bytes = kMaxAnswerBytes;
  if (r.error_count() != errors_before || !bus) return nullptr;
  s.bus = std::move(*bus);
  return std::make_unique<EventBridge>(std::string(args.name), std::move(transport), std::move(s));
}

}  // namespace relay::destination
