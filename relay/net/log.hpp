#pragma once
// One line to standard error, written with a single call so that threads do not interleave.
#include <string_view>

namespace relay::net {

void log_line(std::string_view line);

}  // namespace relay::net
