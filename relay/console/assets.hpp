#pragma once
// The console's files (relay/console/assets/), embedded in the binary at build time by
// embed_assets.cmake. Immutable; any thread may read.
#include <span>
#include <string_view>

namespace relay::console {

struct Asset {
  std::string_view name;          // "index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view etag;          // "\"<16 hex digits of its SHA-256>\""
  std::string_view body;
};

std::span<const Asset> assets();

}  // namespace relay::console
