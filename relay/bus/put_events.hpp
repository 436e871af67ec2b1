#pragma once
// PutEvents as EventBridge answers it: the request body read into entries (each accepted or
// refused on its own), each accepted entry made into an event envelope, and the answer.
// Pure: ids and the clock are arguments. Any thread.
#include "relay/bus/aws_error.hpp"
#include "relay/destination/put_events_entry.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::bus {

inline constexpr std::size_t kMaxEntries = 10;
inline constexpr std::string_view kDefaultEventBus = "default";

// Why one entry was refused: an ErrorCode EventBridge uses (InvalidArgument,
// MalformedDetail, InternalFailure, ...) and a message.
struct EntryError {
  std::string code;
  std::string message;
};

// An entry that passed every check.
struct BusEntry {
  destination::PutEventsEntry entry;  // detail holds the Detail text as sent
  boost::json::object detail;         // the same, parsed
  std::string event_bus;              // EventBusName as a name ("default" when not given)
};

using ReadEntry = std::variant<BusEntry, EntryError>;

// The entries of a PutEvents body, in order. A body that is not a JSON object, members of
// the wrong JSON type or an unreadable Time make the whole call a SerializationException;
// Entries missing, empty or over kMaxEntries a ValidationException. Per entry: no Source,
// DetailType or Detail (or an empty one) is InvalidArgument, a Detail that is not the text
// of a JSON object MalformedDetail, an entry over destination::kMaxPutEventsBytes (as
// destination::entry_size counts) InvalidArgument. Time is epoch seconds (a number, as the
// SDKs send it) or an ISO 8601 UTC string.
std::variant<std::vector<ReadEntry>, AwsError> read_put_events(std::string_view body);

// The event bus an EventBusName names: the name itself, or the part of an event-bus ARN
// after "event-bus/"; "default" for an empty one.
std::string event_bus_name(std::string_view name_or_arn);

// Who put the entries, and when.
struct EnvelopeContext {
  std::string_view account;
  std::string_view region;
  std::chrono::system_clock::time_point now;  // the time of an entry without Time
};

// The event EventBridge makes of `entry`: {"version":"0","id","detail-type","source",
// "account","time","region","resources","detail"}, time in whole seconds
// ("2026-01-01T12:00:00Z").
boost::json::object make_envelope(const BusEntry& entry, std::string_view id, const EnvelopeContext& context);

// One entry's result: its event id, or why it was refused.
using EntryResult = std::variant<std::string, EntryError>;

// The 200 answer: {"FailedEntryCount": N, "Entries": [{"EventId"} | {"ErrorCode", "ErrorMessage"}]}.
std::string put_events_answer(const std::vector<EntryResult>& results);

}  // namespace relay::bus
