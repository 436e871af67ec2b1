#pragma once
// When credentials are due for renewal: like the AWS SDKs, 5 minutes before they expire, so
// a request signed with them still arrives in time. Pure; any thread.
#include "relay/aws/credentials.hpp"

#include <chrono>

namespace relay::aws {

inline constexpr std::chrono::minutes kRefreshBefore{5};

// True when `c` expires within kRefreshBefore of `now` (or has expired); never for keys
// without an expiration.
inline bool needs_refresh(const Credentials& c, std::chrono::system_clock::time_point now) {
  return c.expiration && *c.expiration - now < kRefreshBefore;
}

// True when `c` can no longer sign at `now`.
inline bool expired(const Credentials& c, std::chrono::system_clock::time_point now) {
  return c.expiration && *c.expiration <= now;
}

}  // namespace relay::aws
