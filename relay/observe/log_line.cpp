#include "relay/observe/log_line.hpp"

#include "relay/core/json_writer.hpp"
#include "relay/core/utc_time.hpp"

#include <array>

namespace relay::observe {

namespace {
constexpr std::array<std::string_view, 4> kLevels = {"error", "warn", "info", "debug"};
}

std::string_view log_level_name(LogLevel level) { return kLevels[static_cast<std::size_t>(level)]; }

bool parse_log_level(std::string_view name, LogLevel& out) {
  for (std::size_t i = 0; i < kLevels.size(); ++i)
    if (kLevels[i] == name) {
      out = static_cast<LogLevel>(i);
      return true;
    }
  return false;
}

void append_log_line(std::string& out, std::chrono::system_clock::time_point time, LogLevel level, std::string_view msg,
                     std::initializer_list<LogField> fields) {
  core::JsonWriter w(out, core::JsonStyle::compact);
  w.begin_object();
  w.field("time", core::view(core::utc_millis_text(time)));
  w.field("level", log_level_name(level));
  w.field("msg", msg);
  for (const auto& f : fields) {
    if (f.name.empty()) continue;
    w.key(f.name);
    if (const auto* s = std::get_if<std::string_view>(&f.value))
      w.string(*s);
    else
      w.number(std::get<std::int64_t>(f.value));
  }
  w.end_object();
  out.push_back('\n');
}

}  // namespace relay::observe
