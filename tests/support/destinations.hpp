#pragma once
// Destinations and pipelines for tests, built the way the config file builds them.
#include "relay/pipeline/pipeline.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace relay::testing {

// Destinations from a config file's `destinations` mapping, as JSON text; a problem fails
// the calling test.
std::shared_ptr<const destination::DestinationSet> destinations_from(std::string_view mapping);

// The zero-config pipeline: every zero-config handler to one hmac-timestamp webhook "webhook".
std::shared_ptr<const pipeline::Pipeline> zero_config_pipeline(std::string_view url, std::string secret);

// The request delivery `d` (of the event `event_id`) makes, signed at `signing_time`
// ("YYYY-MM-DDTHH:MM:SS.000Z"), as its destination sends it.
destination::Request request_of(const pipeline::Pipeline& p, const pipeline::Delivery& d, std::string_view event_id,
                                std::string_view signing_time);

}  // namespace relay::testing
