#pragma once
// The structured log on standard error: one JSON object per line ({"time", "level", "msg",
// ...fields}), each written with a single call so that threads do not interleave. Lines
// below the configured level are dropped; payloads are logged only when asked for.
#include <initializer_list>
#include <string_view>

#include "relay/observe/log_line.hpp"

namespace relay::net {

void configure_log(observe::LogLevel level, bool payloads);
bool log_enabled(observe::LogLevel level);
bool log_payloads();

void log(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields = {});

// A lifecycle line (listening, stopping, stopped): level info, written whatever the level.
void log_line(std::string_view msg);

}  // namespace relay::net
