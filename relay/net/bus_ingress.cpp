#include "relay/net/bus_ingress.hpp"

#include "relay/bus/signature_check.hpp"
#include "relay/bus/test_event_pattern.hpp"
#include "relay/bus/uuid.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace relay::net {

namespace json = boost::json;

namespace {

constexpr std::string_view kPutEvents = "AWSEvents.PutEvents";
constexpr std::string_view kTestEventPattern = "AWSEvents.TestEventPattern";

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view header_of(const aws::HttpRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers)
    if (iequals(n, name)) return v;
  return {};
}

// The AWS JSON media types (the SDKs and the CLI send 1.1), and plain JSON.
bool is_aws_json(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return iequals(media, bus::kAwsJsonContentType) || iequals(media, "application/x-amz-json-1.0") ||
         iequals(media, "application/json");
}

Answer retry_later(bus::AwsError error) {
  auto answer = bus_error_answer(error);
  answer.retry_after = 1;
  return answer;
}

std::string new_uuid() {
  std::array<std::uint8_t, 16> random;
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    throw std::runtime_error("the random generator failed");
  return bus::uuid_v4(random);
}

}  // namespace

bool is_bus_target(std::string_view target) { return target.substr(0, target.find('?')) == "/"; }

Answer bus_shutting_down_answer() { return retry_later({503, "ServiceUnavailable", "shutting down; retry later"}); }

std::string new_request_id() { return new_uuid(); }

BusIngress::BusIngress(const pipeline::Pipeline& pipeline, const IngressAuthenticator& auth,
                       const bus::BusSettings& settings, pattern::Limits limits)
    : pipeline_(pipeline), auth_(auth), settings_(settings), limits_(limits) {}

std::variant<std::string_view, Answer> BusIngress::authenticate(const aws::HttpRequest& request,
                                                                std::chrono::system_clock::time_point now) const {
  if (!settings_.credentials.empty()) {
    auto checked = bus::check_signature(request, settings_.credentials, settings_.region, now);
    if (auto* error = std::get_if<bus::AwsError>(&checked)) return bus_error_answer(*error);
    return std::string_view(std::get<const bus::AccessKey*>(checked)->account);
  }
  Credentials credentials{header_of(request, "authorization"), {}, header_of(request, "x-amzn-event-timestamp"),
                          header_of(request, "x-amzn-event-signature")};
  if (!auth_.api_key_header().empty()) credentials.api_key = header_of(request, auth_.api_key_header());
  switch (auth_.check(credentials, request.body, now)) {
    case AuthVerdict::allowed:
      return std::string_view(settings_.account);
    case AuthVerdict::refused:
      return bus_error_answer({400, "AccessDeniedException", "the request does not pass ingress.auth"});
    case AuthVerdict::unavailable:
      break;
  }
  return retry_later({503, "ServiceUnavailable", "cannot check credentials now; retry later"});
}

std::variant<Answer, BusAdmitted> BusIngress::admit(const aws::HttpRequest& request,
                                                    std::chrono::system_clock::time_point now) {
  auto caller = authenticate(request, now);
  if (auto* refused = std::get_if<Answer>(&caller)) return std::move(*refused);
  const std::string_view target = header_of(request, "x-amz-target");
  if (target != kPutEvents && target != kTestEventPattern)
    return bus_error_answer({400, "UnknownOperationException",
                             target.empty() ? "no X-Amz-Target; relay answers AWSEvents.PutEvents and "
                                              "AWSEvents.TestEventPattern"
                                            : "unknown operation " + std::string(target)});
  if (!is_aws_json(header_of(request, "content-type")))
    return bus_error_answer(bus::serialization_error("content type must be application/x-amz-json-1.1"));
  if (target == kPutEvents) return put_events(request, std::get<std::string_view>(caller), now);
  auto tested = bus::test_event_pattern(request.body, limits_);
  if (auto* error = std::get_if<bus::AwsError>(&tested)) return bus_error_answer(*error);
  return bus_answer(std::move(std::get<std::string>(tested)));
}

std::variant<Answer, BusAdmitted> BusIngress::put_events(const aws::HttpRequest& request, std::string_view account,
                                                         std::chrono::system_clock::time_point now) {
  auto read = bus::read_put_events(request.body);
  if (auto* error = std::get_if<bus::AwsError>(&read)) return bus_error_answer(*error);
  auto& entries = std::get<std::vector<bus::ReadEntry>>(read);

  BusAdmitted out;
  out.results.reserve(entries.size());
  json::array envelopes;
  std::vector<std::string_view> buses;
  const bus::EnvelopeContext context{account, settings_.region, now};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (auto* refused = std::get_if<bus::EntryError>(&entries[i])) {
      out.results.emplace_back(std::move(*refused));
      continue;
    }
    const auto& entry = std::get<bus::BusEntry>(entries[i]);
    std::string id = new_uuid();
    envelopes.push_back(bus::make_envelope(entry, id, context));
    buses.push_back(entry.event_bus);
    out.results.emplace_back(std::move(id));
    out.entry_of_event.push_back(i);
  }
  if (envelopes.empty()) return out;

  // Through the decoder, so the pipeline sees envelopes exactly as /events makes them.
  thread_local unsigned char arena[64 * 1024];
  json::monotonic_resource resource(arena, sizeof arena);
  std::vector<json::value> events;
  if (auto error = decoder_.decode(json::serialize(envelopes), events, &resource))
    return bus_error_answer({500, "InternalException", error->message()});
  const auto header = [&request](std::string_view name) { return header_of(request, name); };
  pipeline::Outcome outcome;
  out.admitted.events.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    admit_event(pipeline_, events[i], {{}, header, buses[i]}, outcome, out.admitted);
  out.admitted.deliveries = std::move(outcome.deliveries);
  return out;
}

Answer bus_answer(std::string body) { return {200, std::move(body), std::nullopt, bus::kAwsJsonContentType}; }

Answer bus_error_answer(const bus::AwsError& error) {
  return {error.status, bus::error_body(error), std::nullopt, bus::kAwsJsonContentType};
}

Answer bus_queued_answer(const BusAdmitted& admitted, const Answer& intake) {
  if (intake.status < 300) return bus_answer(bus::put_events_answer(admitted.results));
  if (intake.status == 429) return retry_later({400, "ThrottlingException", "Rate exceeded: the delivery backlog is full"});
  return retry_later({503, "ServiceUnavailable", "relay cannot take events now (" + intake.body + "); retry later"});
}

Answer bus_sync_answer(const BusAdmitted& admitted, const std::vector<SyncResult>& results) {
  std::vector<bus::EntryResult> entries = admitted.results;
  auto result = results.begin();
  for (std::size_t e = 0; e < admitted.admitted.events.size(); ++e) {
    const SyncResult* failed = nullptr;
    for (std::size_t d = 0; d < admitted.admitted.events[e].deliveries && result != results.end(); ++d, ++result)
      if (!result->delivered && !failed) failed = &*result;
    if (!failed) continue;
    std::string message = "delivery to " + std::string(failed->destination) +
                          (failed->status ? " was refused with status " + std::to_string(failed->status)
                                          : std::string(" got no answer"));
    if (!failed->error.empty()) message += ": " + failed->error;
    entries[admitted.entry_of_event[e]] = bus::EntryError{"InternalFailure", std::move(message)};
  }
  return bus_answer(bus::put_events_answer(entries));
}

}  // namespace relay::net
