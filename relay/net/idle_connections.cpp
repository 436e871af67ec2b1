#include "relay/net/idle_connections.hpp"

#include <boost/asio/dispatch.hpp>

namespace relay::net {

struct IdleConnections::Slot {
  tcp_stream* stream;           // touched on its own thread only, while `waiting`
  asio::any_io_executor thread;  // the stream's: its io_context outlives every slot's use
  bool waiting = false;          // on the stream's thread
  bool listed = false;           // under the mutex
  std::list<std::shared_ptr<Slot>>::iterator it;
};

IdleConnections::Member::Member(IdleConnections& idle, tcp_stream& stream)
    : idle_(idle), slot_(std::make_shared<Slot>(Slot{&stream, stream.get_executor()})), entry_{slot_} {}

// The entry moves between the member and the list by splicing: no allocation per wait.
IdleConnections::Waiting::Waiting(Member& member) : member_(member) {
  if (member_.entry_.empty()) member_.entry_.push_back(member_.slot_);  // a closer took it
  Slot& slot = *member_.slot_;
  slot.waiting = true;
  std::lock_guard lock(member_.idle_.mutex_);
  auto& list = member_.idle_.waiting_;
  list.splice(list.end(), member_.entry_, member_.entry_.begin());
  slot.it = std::prev(list.end());
  slot.listed = true;
}

IdleConnections::Waiting::~Waiting() {
  Slot& slot = *member_.slot_;
  slot.waiting = false;
  std::lock_guard lock(member_.idle_.mutex_);
  if (!slot.listed) return;
  member_.entry_.splice(member_.entry_.end(), member_.idle_.waiting_, slot.it);
  slot.listed = false;
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
