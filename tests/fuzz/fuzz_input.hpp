#pragma once
// What the fuzz targets share: an input split into fields, and a check that stops the run
// (libFuzzer saves the input that made it fail).
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace relay::fuzz {

// Separates the fields of one input: the ASCII record separator, which JSON, YAML and the
// HTTP head never hold unescaped, so seeds stay readable text.
inline constexpr char kFieldSeparator = '\x1e';

// Exactly `n` fields: the first n - 1 end at a separator, the last takes the rest
// (separators included); fields the input lacks are empty.
inline std::vector<std::string_view> fields(std::string_view input, std::size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    const auto end = input.find(kFieldSeparator);
    out.push_back(input.substr(0, end));
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  }
  out.push_back(input);
  return out;
}

inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, file, line);
  std::abort();
}

}  // namespace relay::fuzz

// A property every input must keep; a violation is reported like a crash.
#define RELAY_FUZZ_CHECK(cond) \
  ((cond) ? void() : ::relay::fuzz::check_failed(#cond, __FILE__, __LINE__))
