#include "relay/net/open_file_limit.hpp"

#include <sys/resource.h>

namespace relay::net {

OpenFileLimit raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const auto size = [](rlim_t n) { return n == RLIM_INFINITY ? ~std::size_t{0} : static_cast<std::size_t>(n); };
  return {size(limit.rlim_cur), size(limit.rlim_max)};
}

}  // namespace relay::net
