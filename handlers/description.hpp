#pragma once
// Helpers handlers share to build incident descriptions line by line.
#include <string>
#include <string_view>
#include <vector>

namespace relay::handlers {

// Appends "\n<label>: <value>", or nothing when the value is empty.
void add_line(std::string& description, std::string_view label, std::string_view value);

// The default pattern's JSON list of strings: "a", "b".
std::string json_string_list(const std::vector<std::string>& items);

}  // namespace relay::handlers
