#pragma once
// Deterministic identifiers derived from content, so a redelivered event gets the same id.
#include <initializer_list>
#include <string>
#include <string_view>

namespace relay::core {

// A UUID-shaped string (8-4-4-4-12 lowercase hex) from SHA-256 over the parts, each
// followed by a NUL so that ("ab","c") and ("a","bc") differ.
std::string content_id(std::initializer_list<std::string_view> parts);

}  // namespace relay::core
