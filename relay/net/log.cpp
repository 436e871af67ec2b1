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

void write_line(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields) {
  std::string text;
  observe::append_log_line(text, std::chrono::system_clock::now(), level, msg, fields);
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto n = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (n <= 0) return;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void log(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields) {
  if (log_enabled(level)) write_line(level, msg, fields);
}

void log_line(std::string_view msg) { write_line(observe::LogLevel::info, msg, {}); }

}  // namespace relay::net
