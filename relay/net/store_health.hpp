#pragma once
// Whether the outbox can be written, as the last write found it: ingress answers 503 while
// it cannot, and a readiness check (/readyz, /admin/status) reports it.
#include <atomic>
#include <mutex>
#include <string>

#include "relay/store/outbox.hpp"

namespace relay::net {

struct StoreStatus {
  bool writable = true;
  std::string error;  // why the last write failed, while not writable
};

class StoreHealth {
 public:
  // A write committed / failed; true when that changed the state (worth a log line).
  bool wrote();
  bool failed(std::string error, store::StoreFault fault = store::StoreFault::unavailable);
  // The store answered again (a lease worked): writable again when the failure was the store
  // being out of reach, not one that only writes meet (full); true when that changed the state.
  bool reached();
  StoreStatus status() const;

 private:
  std::atomic<bool> writable_{true};
  mutable std::mutex mutex_;
  std::string error_;
  store::StoreFault fault_ = store::StoreFault::failed;
};

}  // namespace relay::net
