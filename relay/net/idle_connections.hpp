#pragma once
// The server's connections that wait for a request, longest wait first, across every
// server thread. At the connection cap (or out of file descriptors) the longest idle one
// is closed to make room; a stopping server closes them all. Any thread may close; the
// close itself runs on the connection's own thread, which then sees its read fail.
#include <list>
#include <memory>
#include <mutex>

#include "relay/net/asio.hpp"

namespace relay::net {

class IdleConnections {
  struct Slot;

 public:
  class Waiting;

  // One connection, `stream` (whose coroutines run on its executor, the calling thread's):
  // make one per connection, on that thread; it holds the list entry each wait reuses.
  class Member {
   public:
    Member(IdleConnections& idle, tcp_stream& stream);
    Member(const Member&) = delete;
    Member& operator=(const Member&) = delete;

   private:
    friend class IdleConnections::Waiting;
    IdleConnections& idle_;
    std::shared_ptr<Slot> slot_;
    std::list<std::shared_ptr<Slot>> entry_;  // the slot's list node while not listed
  };

  // Lists the member's connection until destroyed; make one around each wait for a
  // request, on the connection's thread. No allocation unless the entry was taken.
  class Waiting {
   public:
    explicit Waiting(Member& member);
    ~Waiting();
    Waiting(const Waiting&) = delete;
    Waiting& operator=(const Waiting&) = delete;

   private:
    Member& member_;
  };

  // Closes the connection that has waited longest; false when none waits.
  bool close_longest_idle();
  void close_all();
  // How many wait now.
  std::size_t waiting();

 private:
  void close(std::shared_ptr<Slot> slot);

  std::mutex mutex_;
  std::list<std::shared_ptr<Slot>> waiting_;  // oldest first
};

}  // namespace relay::net
