#pragma once
// The one-line JSON report `relay test` prints per event:
// {"file": ..., "event_id": ..., "deliveries": [{route, handler, destination,
//  request: {method, url, headers: {...}, body}}], "skipped": [{route, handler, reason}]}
#include "relay/pipeline/pipeline.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace relay::pipeline {

// Each delivery's request as its destination would send it at `signing_time` (unsigned
// where that needs credentials fetched at run time). Secret header values
// (Header::secret) read "<redacted>" unless `show_secrets`.
void append_outcome_line(std::string& out, std::string_view file, std::string_view event_id, const Outcome& outcome,
                         const destination::DestinationSet& destinations,
                         std::chrono::system_clock::time_point signing_time, bool show_secrets = false);

// {"file": ..., "error": ...} for an input that did not decode.
void append_error_line(std::string& out, std::string_view file, std::string_view error);

}  // namespace relay::pipeline
