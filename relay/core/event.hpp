#pragma once
// The event model: every accepted input becomes an EventBridge envelope (a JSON object
// with source, detail-type and an object detail). Pure: no I/O, no clock.
#include "relay/core/input_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace relay::core {

// A validated view of one envelope; it borrows from the value it was made from.
struct Event {
  const boost::json::object& envelope;
  std::string_view id;  // the envelope id, or a deterministic one derived from the content
  std::string_view source;
  std::string_view detail_type;
  std::string_view time;
  std::string_view account;
  std::string_view region;
  const boost::json::object& detail;

  // Requires a value that decode_events produced.
  static Event view(const boost::json::value& envelope);
};

struct DecodeLimits {
  std::size_t max_depth = 128;
};

// Turns request bodies into envelopes. Keeps its parser between calls; one per thread.
class EventDecoder {
 public:
  explicit EventDecoder(DecodeLimits limits = {});
  ~EventDecoder();

  // Parses a body holding one envelope, one CloudWatch alarm-action object, or a JSON
  // array of those, and appends one normalised envelope per event to `out`, allocated from
  // `sp`. Alarm actions become "CloudWatch Alarm State Change" envelopes whose detail is the
  // alarmData; an event without an id (or with an empty one) gets one derived from its content. On failure returns
  // the first problem and appends nothing.
  std::optional<InputError> decode(std::string_view body, std::vector<boost::json::value>& out,
                                   boost::json::storage_ptr sp = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay::core
