#include "relay/net/outbox.hpp"

namespace relay::net {

bool MemoryOutbox::put(std::span<const pipeline::Delivery> batch) {
  std::size_t current = pending_.load(std::memory_order_relaxed);
  do {
    if (batch.size() > capacity_ - current) return false;
  } while (!pending_.compare_exchange_weak(current, current + batch.size(), std::memory_order_acq_rel));
  return true;
}

void MemoryOutbox::settle(const pipeline::Delivery&, bool) { pending_.fetch_sub(1, std::memory_order_acq_rel); }

}  // namespace relay::net
