#include "relay/net/idle_connections.hpp"

#include <boost/asio/dispatch.hpp>

namespace relay::net {

struct IdleConnections::Slot {
  tcp_stream* stream;           // touched on its own thread only, while `waiting`
  asio::any_io_executor thread;  // the stream's: its io_context outlives every slot's use
  bool waiting = true;           // on the stream's thread
  bool listed = true;            // under the mutex
  std::list<std::shared_ptr<Slot>>::iterator it;
};

IdleConnections::Waiting::Waiting(IdleConnections& idle, tcp_stream& stream)
    : idle_(idle), slot_(std::make_shared<Slot>(Slot{&stream, stream.get_executor()})) {
  std::lock_guard lock(idle_.mutex_);
  slot_->it = idle_.waiting_.insert(idle_.waiting_.end(), slot_);
}

IdleConnections::Waiting::~Waiting() {
  slot_->waiting = false;
  std::lock_guard lock(idle_.mutex_);
  if (slot_->listed) idle_.waiting_.erase(slot_->it);
}

std::size_t IdleConnections::waiting() {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

bool IdleConnections::close_longest_idle() {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) return false;
    slot = std::move(waiting_.front());
    waiting_.pop_front();
    slot->listed = false;
  }
  close(std::move(slot));
  return true;
}

void IdleConnections::close_all() {
  std::list<std::shared_ptr<Slot>> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(waiting_);
    for (auto& slot : all) slot->listed = false;
  }
  for (auto& slot : all) close(std::move(slot));
}

void IdleConnections::close(std::shared_ptr<Slot> slot) {
  auto thread = slot->thread;
  asio::dispatch(thread, [slot = std::move(slot)] {
    if (slot->waiting) slot->stream->close();
  });
}

}  // namespace relay::net
