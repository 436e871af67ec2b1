#pragma once
// Random (version 4) UUIDs in their lower-case text form. Pure: the caller supplies the
// random bytes. Any thread.
#include <array>
#include <cstdint>
#include <string>

namespace relay::bus {

// "xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx" (N one of 8, 9, a, b) from 16 random bytes.
std::string uuid_v4(std::array<std::uint8_t, 16> random);

}  // namespace relay::bus
