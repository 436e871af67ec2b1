#include "relay/net/store_health.hpp"

namespace relay::net {

bool StoreHealth::wrote() {
  if (writable_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(mutex_);
  error_.clear();
  return !writable_.exchange(true, std::memory_order_acq_rel);
}

bool StoreHealth::failed(std::string error, store::StoreFault fault) {
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
  fault_ = fault;
  return writable_.exchange(false, std::memory_order_acq_rel);
}

bool StoreHealth::reached() {
  if (writable_.load(std::memory_order_acquire)) return false;
  {
    std::lock_guard lock(mutex_);
    if (fault_ == store::StoreFault::full) return false;
  }
  return wrote();
}

StoreStatus StoreHealth::status() const {
  std::lock_guard lock(mutex_);
  return {writable_.load(std::memory_order_acquire), error_};
}

}  // namespace relay::net
