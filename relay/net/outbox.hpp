#pragma once
// Where accepted deliveries wait until they are settled (delivered, or failed for good).
// The server acknowledges an event only once its deliveries are in the outbox. Here the
// outbox is in memory and bounded; a durable one replaces it behind this interface.
#include <atomic>
#include <cstddef>
#include <span>

#include "relay/pipeline/pipeline.hpp"

namespace relay::net {

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Takes all of `batch` or nothing; false when there is no room. Thread-safe.
  virtual bool put(std::span<const pipeline::Delivery> batch) = 0;

  // One delivery that `put` took is finished. Thread-safe.
  virtual void settle(const pipeline::Delivery& delivery, bool delivered) = 0;

  // Deliveries taken and not yet settled.
  virtual std::size_t pending() const = 0;
};

// Holds at most `capacity` unsettled deliveries; the deliveries themselves live in the
// coroutines that send them, so this only keeps the count.
class MemoryOutbox final : public Outbox {
 public:
  explicit MemoryOutbox(std::size_t capacity) : capacity_(capacity) {}

  bool put(std::span<const pipeline::Delivery> batch) override;
  void settle(const pipeline::Delivery& delivery, bool delivered) override;
  std::size_t pending() const override { return pending_.load(std::memory_order_acquire); }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace relay::net
