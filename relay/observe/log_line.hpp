#pragma once
// Structured log lines: one JSON object per line, {"time", "level", "msg", ...fields}. Secrets
// never go in a field; payloads only when the operator asked (--log-payloads).
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace relay::observe {

enum class LogLevel { error, warn, info, debug };

std::string_view log_level_name(LogLevel level);
// "error", "warn", "info", "debug"; nullopt-like false for anything else.
bool parse_log_level(std::string_view name, LogLevel& out);

struct LogField {
  std::string_view name;
  std::variant<std::string_view, std::int64_t> value;
};

// Appends one line (with its newline) to `out`. A field with an empty name is left out
// (for fields that appear only on request, such as payloads).
void append_log_line(std::string& out, std::chrono::system_clock::time_point time, LogLevel level, std::string_view msg,
                     std::initializer_list<LogField> fields);

}  // namespace relay::observe
