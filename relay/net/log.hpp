#pragma once
// The structured log on standard error: one JSON object per line ({"time", "level", "msg",
// ...fields}), each written with a single call so that threads do not interleave. Lines
// below the configured level are dropped; payloads are logged only when asked for.
#include <initializer_list>
#include <string>
#include <string_view>

#include "relay/observe/log_line.hpp"

namespace relay::net {

void configure_log(observe::LogLevel level, bool payloads);
bool log_enabled(observe::LogLevel level);
bool log_payloads();

void log(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields = {});

// A lifecycle line (listening, stopping, stopped): level info, written whatever the level.
void log_line(std::string_view msg);

// Lines of one request, each stamped when added and written together with one call when
// the batch ends (sooner past about 3 KB, and never more in one write than a pipe keeps
// whole): one system call per request instead of one per line. Lines below the level are
// dropped as they are added. One thread at a time.
class LogBatch {
 public:
  LogBatch() = default;
  LogBatch(const LogBatch&) = delete;
  LogBatch& operator=(const LogBatch&) = delete;
  ~LogBatch();

  void add(observe::LogLevel level, std::string_view msg, std::initializer_list<observe::LogField> fields = {});
  void flush();

 private:
  std::string text_;
};

}  // namespace relay::net
