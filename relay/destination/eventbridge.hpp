#pragma once
// `type: eventbridge`: deliveries become entries of Amazon EventBridge PutEvents calls (up
// to 10 per call), signed with SigV4 at send time; each entry's result decides its
// delivery's outcome. Config keys: event_bus, region, endpoint, source, detail_type,
// credentials, batch {max_entries, flush_after}, and the shared transport keys.
#include "relay/destination/registry.hpp"

namespace relay::destination {

std::unique_ptr<Destination> make_eventbridge(KindArgs& args);

}  // namespace relay::destination
