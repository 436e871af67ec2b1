#include "relay/net/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>

namespace relay::net {

namespace {
std::atomic<int> g_level{static_cast<int>(observe::LogLevel::info)};
std::atomic<bool> g_payloads{false};
}  // namespace

void configure_log(observe::LogLevel level, bool payloads) {
  g_level = static_cast<int>(level);
  g_payloads = payloads;
}

bool log_enabled(observe::LogLevel level) { return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed); }

bool log_payloads() { return g_payloads.load(std::memory_order_relaxed); }

namespace {

void write_all(std::string_view text) {
  while (!text.empty()) {
    const auto n = ::write(STDERR_FILENO, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void write_line(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields) {
  std::string text;
  observe::append_log_line(text, std::chrono::system_clock::now(), level, msg, fields);
  write_all(text);
}

// A pipe keeps a write of up to PIPE_BUF (4096) bytes whole. A batch never carries more in
// one write (only a single line that long alone, as an unbatched line would), so lines of
// several threads never interleave mid-line.
constexpr std::size_t kPipeBuf = 4096;
constexpr std::size_t kBatchFlushBytes = 3072;

}  // namespace

void log(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields) {
  if (log_enabled(level)) write_line(level, msg, fields);
}

void log_line(std::string_view msg) { write_line(observe::LogLevel::info, msg, {}); }

LogBatch::~LogBatch() { flush(); }

void LogBatch::add(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields) {
  if (!log_enabled(level)) return;
  if (text_.empty()) text_.reserve(1024);
  const std::size_t before = text_.size();
  observe::append_log_line(text_, std::chrono::system_clock::now(), level, msg, fields);
  if (before > 0 && text_.size() > kPipeBuf) {  // the earlier lines go first, on their own
    write_all({text_.data(), before});
    text_.erase(0, before);
  }
  if (text_.size() >= kBatchFlushBytes) flush();
}

void LogBatch::flush() {
  write_all(text_);
  text_.clear();
}

}  // namespace relay::net
