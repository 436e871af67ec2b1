#include "handlers/description.hpp"

#include "relay/core/json_writer.hpp"

namespace relay::handlers {

void add_line(std::string& description, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  description += "\n";
  description += label;
  description += ": ";
  description += value;
}

std::string json_string_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    core::append_json_string(out, s);
  }
  return out;
}

}  // namespace relay::handlers
