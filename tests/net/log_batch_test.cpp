// LogBatch: a request's lines go out together, in one write, when the batch ends.
#include "relay/net/log.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace relay::testing {
namespace {

// Standard error pointed at a packet socket while the test runs: each read returns what one
// write sent, so the test sees the writes themselves.
class StderrPackets {
 public:
  StderrPackets() {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds_), 0);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fds_[1], STDERR_FILENO);
  }
  ~StderrPackets() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  // What the next write sent, or "" when nothing came.
  std::string read_once() {
    char buf[65536];
    const auto n = ::read(fds_[0], buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  int fds_[2]{-1, -1};
  int saved_ = -1;
};

TEST(LogBatch, WritesItsLinesTogetherWhenItEndsAndDropsLinesBelowTheLevel) {
  net::configure_log(observe::LogLevel::info, false);
  StderrPackets err;
  {
    net::LogBatch lines;
    lines.add(observe::LogLevel::info, "event accepted", {{"event_id", "e-1"}});
    lines.add(observe::LogLevel::debug, "not at this level");
    lines.add(observe::LogLevel::warn, "delivery failed", {{"status", std::int64_t{503}}});
    EXPECT_EQ(err.read_once(), "") << "nothing is written before the batch ends";
  }
  const std::string text = err.read_once();
  const auto first_end = text.find('\n');
  ASSERT_NE(first_end, std::string::npos) << text;
  EXPECT_NE(text.find("\"msg\":\"event accepted\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"event_id\":\"e-1\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"msg\":\"delivery failed\"", first_end), std::string::npos) << text;
  EXPECT_EQ(text.find("not at this level"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_EQ(err.read_once(), "") << "both lines went in the one write";
}

TEST(LogBatch, AManyLineBatchGoesOutInWritesOfWholeLinesWithinAPipeBuffer) {
  net::configure_log(observe::LogLevel::info, false);
  StderrPackets err;
  const std::string id(100, 'x');
  {
    net::LogBatch lines;
    for (int i = 0; i < 100; ++i) lines.add(observe::LogLevel::info, "event accepted", {{"event_id", id}});
  }
  int total = 0, writes = 0;
  for (std::string chunk = err.read_once(); !chunk.empty(); chunk = err.read_once()) {
    EXPECT_LE(chunk.size(), 4096u);
    EXPECT_EQ(chunk.back(), '\n') << "a write ends with a whole line";
    total += static_cast<int>(std::count(chunk.begin(), chunk.end(), '\n'));
    ++writes;
  }
  EXPECT_EQ(total, 100);
  EXPECT_GT(writes, 1);
  EXPECT_LT(writes, 20) << "lines go out many to a write";
}

TEST(LogBatch, ALongLineThatWouldCarryTheBatchPastAPipeBufferGoesInAWriteOfItsOwn) {
  net::configure_log(observe::LogLevel::info, false);
  StderrPackets err;
  {
    net::LogBatch lines;
    lines.add(observe::LogLevel::info, "event accepted", {{"event_id", std::string(2500, 's')}});
    lines.add(observe::LogLevel::info, "delivered", {{"error", std::string(2500, 'l')}});
  }
  const std::string first = err.read_once();
  const std::string second = err.read_once();
  EXPECT_NE(first.find(std::string(2500, 's')), std::string::npos);
  EXPECT_EQ(std::count(first.begin(), first.end(), '\n'), 1) << "the first line alone";
  EXPECT_NE(second.find(std::string(2500, 'l')), std::string::npos);
  EXPECT_EQ(std::count(second.begin(), second.end(), '\n'), 1);
  EXPECT_EQ(err.read_once(), "");
}

}  // namespace
}  // namespace relay::testing
