#pragma once
// Whether the outbox can be written, as the last write found it: ingress answers 503 while
// it cannot, and a readiness check (/readyz, /admin/status) reports it.
#include <atomic>
#include <mutex>
#include <string>

namespace relay::net {

struct StoreStatus {
  bool writable = true;
  std::string error;  // why the last write failed, while not writable
};

class StoreHealth {
 public:
  // A write committed / failed; true when that changed the state (worth a log line).
  bool wrote();
  bool failed(std::string error);
  StoreStatus status() const;

 private:
  std::atomic<bool> writable_{true};
  mutable std::mutex mutex_;
  std::string error_;
};

}  // namespace relay::net
