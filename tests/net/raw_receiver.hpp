#pragma once
// A receiver on 127.0.0.1 (a port the system picks) that answers each request with scripted
// bytes, for the faults a real HTTP server would not commit (interim answers, a close after
// 100 Continue, trailing bytes, oversized bodies). Serves on its own thread.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace relay::testing {

class RawReceiver {
 public:
  struct Reply {
    std::string bytes;
    bool close = false;  // close the connection once they are sent
  };
  // `reply(n)` answers the n-th request (0-based, counted over all connections).
  explicit RawReceiver(std::function<Reply(std::size_t)> reply);
  ~RawReceiver();  // stops serving and joins its thread

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string url_named(const std::string& host) const { return "http://" + host + ":" + std::to_string(port_); }
  std::size_t requests() const;
  // The n-th request's head (request line and headers), as received.
  std::string head(std::size_t n) const;
  std::size_t connections() const;
  // True once `n` requests came, false when they do not come within `timeout`.
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  void serve();

  std::function<Reply(std::size_t)> reply_;
  int listener_ = -1;
  unsigned short port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::size_t requests_ = 0;
  std::vector<std::string> heads_;
  std::size_t connections_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace relay::testing
