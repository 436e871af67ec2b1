#include "relay/net/store_health.hpp"

namespace relay::net {

bool StoreHealth::wrote() {
  if (writable_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(mutex_);
  error_.clear();
  return !writable_.exchange(true, std::memory_order_acq_rel);
}

bool StoreHealth::failed(std::string error) {
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
  return writable_.exchange(false, std::memory_order_acq_rel);
}

StoreStatus StoreHealth::status() const {
  std::lock_guard lock(mutex_);
  return {writable_.load(std::memory_order_acquire), error_};
}

}  // namespace relay::net
