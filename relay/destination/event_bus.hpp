#pragma once
// Where an eventbridge destination's PutEvents calls go: the bus (a name or an event-bus
// ARN, sent as configured in EventBusName), its AWS region and the service endpoint. Pure;
// any thread.
#include <optional>
#include <string>
#include <string_view>

namespace relay::destination {

struct EventBus {
  std::string name_or_arn;  // as configured
  std::string region;       // from the ARN; empty for a bare name
};

// A bus name (1-256 of A-Z a-z 0-9 . _ - /, as AWS allows) or
// arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME (PARTITION aws, aws-cn, aws-us-gov, ...);
// nullopt with `error` saying what is wrong otherwise.
std::optional<EventBus> parse_event_bus(std::string_view text, std::string& error);

// Whether `text` has the shape of an AWS region name (us-east-1, us-gov-west-1, cn-north-1).
bool is_region(std::string_view text);

// https://events.REGION.amazonaws.com (amazonaws.com.cn for the China regions).
std::string default_endpoint(std::string_view region);

}  // namespace relay::destination
