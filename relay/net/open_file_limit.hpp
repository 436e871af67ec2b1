#pragma once
// The process's limit on open files (RLIMIT_NOFILE), which bounds how many connections
// the server can hold. Call at start, from the main thread.
#include <cstddef>

namespace relay::net {

struct OpenFileLimit {
  std::size_t soft = 0;  // in force
  std::size_t hard = 0;  // the most it may be raised to without privileges
};

// Raises the soft limit to the hard limit; returns the limits now in force.
OpenFileLimit raise_open_file_limit();

}  // namespace relay::net
