#include "tests/net/raw_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace relay::testing {

namespace {

struct Peer {
  int fd = -1;
  std::string received;
};

// The length of the first whole request in `data` (head and Content-Length body), or 0.
std::size_t request_length(const std::string& data) {
  const auto head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  std::size_t body = 0;
  std::string head = data.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (const auto at = head.find("content-length:"); at != std::string::npos)
    body = std::strtoul(head.c_str() + at + 15, nullptr, 10);
  const std::size_t total = head_end + 4 + body;
  return data.size() >= total ? total : 0;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away (as it should from an oversized body)
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

RawReceiver::RawReceiver(std::function<Reply(std::size_t)> reply) : reply_(std::move(reply)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("RawReceiver: cannot listen on 127.0.0.1");
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

RawReceiver::~RawReceiver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  thread_.join();
  ::close(listener_);
}

std::size_t RawReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t RawReceiver::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

std::string RawReceiver::head(std::size_t n) const {
  std::lock_guard lock(mutex_);
  return n < heads_.size() ? heads_[n] : std::string();
}

bool RawReceiver::wait_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_ >= n; });
}

void RawReceiver::serve() {
  std::vector<Peer> peers;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (const auto& p : peers) fds.push_back({p.fd, POLLIN, 0});
    // The timeout only bounds how long a stop request waits to be seen.
    if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd >= 0) {
        const timeval send_timeout{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
        peers.push_back({fd, {}});
        std::lock_guard lock(mutex_);
        ++connections_;
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Peer& peer = peers[i - 1];
      char chunk[65536];
      const auto n = ::recv(peer.fd, chunk, sizeof chunk, 0);
      bool close = n <= 0;
      if (n > 0) peer.received.append(chunk, static_cast<std::size_t>(n));
      while (!close) {
        const std::size_t length = request_length(peer.received);
        if (length == 0) break;
        const std::string head = peer.received.substr(0, peer.received.find("\r\n\r\n"));
        peer.received.erase(0, length);
        std::size_t index;
        {
          std::lock_guard lock(mutex_);
          index = requests_++;
          heads_.push_back(head);
        }
        changed_.notify_all();
        const Reply reply = reply_(index);
        send_all(peer.fd, reply.bytes);
        close = reply.close;
      }
      if (close) {
        ::close(peer.fd);
        peer.fd = -1;
      }
    }
    std::erase_if(peers, [](const Peer& p) { return p.fd < 0; });
  }
  for (const auto& p : peers) ::close(p.fd);
}

}  // namespace relay::testing
