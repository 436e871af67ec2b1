#pragma once
// One PutEvents entry per delivery: what it carries, its size as AWS counts it, and the
// JSON of a PutEvents request. Pure; any thread.
#include "relay/destination/destination.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::destination {

struct PutEventsEntry {
  std::string source;
  std::string detail_type;
  std::string detail;  // the text of a JSON object
  std::vector<std::string> resources;
  std::optional<std::chrono::system_clock::time_point> time;  // none: EventBridge uses the call's time
};

// PutEvents' limit on one entry and on the entries of one call, as entry_size() counts.
inline constexpr std::size_t kMaxPutEventsBytes = std::size_t{1} << 20;

// Source and DetailType configured on the destination (empty when not).
struct EntryDefaults {
  std::string_view source;
  std::string_view detail_type;
};

// "relay:idempotency-key:" + the delivery's message id: the same for every retry.
std::string idempotency_resource(const core::DeliveryKey& key);

// The entry for `item`, or why there can be none. With the raw handler the body is the
// event, and the entry carries its own source, detail-type, resources, time and detail
// (source and detail-type fall back to `defaults`); with any other handler the body, a
// JSON object, is the Detail and `defaults` give Source and DetailType. Resources end with
// idempotency_resource(item.key).
std::variant<PutEventsEntry, std::string> make_entry(const Item& item, const EntryDefaults& defaults);

// AWS's documented PutEventsRequestEntry size: 14 for a Time, plus the UTF-8 bytes of
// Source, DetailType, Detail and each of Resources.
std::size_t entry_size(const PutEventsEntry& entry);

// {"Entries":[...]} with EventBusName `event_bus` in every entry, Time in epoch seconds
// (as the AWS JSON 1.1 protocol writes timestamps).
std::string put_events_body(std::span<const PutEventsEntry> entries, std::string_view event_bus);

}  // namespace relay::destination
