#pragma once
// application/x-www-form-urlencoded text (a form body or a URL's query): name=value pairs
// joined by '&', '+' for a space, %XX for a byte.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay::oauth {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// The pairs in order (a name without '=' has an empty value; empty pieces are skipped);
// nullopt when a %-escape is not two hex digits.
std::optional<FormFields> parse_form(std::string_view text);

// One name or value decoded; nullopt for a bad %-escape.
std::optional<std::string> form_decode(std::string_view text);

}  // namespace relay::oauth
