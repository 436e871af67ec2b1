#pragma once
// Reads a handler's options (a JSON object; YAML config is converted first) and collects
// one "key: problem" line per bad or unknown option.
#include <boost/json/object.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace relay::handlers {

class Options {
 public:
  Options(const boost::json::object& options, std::vector<std::string>& errors);

  bool boolean(std::string_view key, bool fallback);
  // One of `allowed` (compared exactly).
  std::string_view choice(std::string_view key, std::string_view fallback,
                          std::initializer_list<std::string_view> allowed);
  // A non-empty list of strings, each one of `allowed`.
  std::vector<std::string> choices(std::string_view key, std::vector<std::string> fallback,
                                   std::initializer_list<std::string_view> allowed);

  // Reports every key no accessor asked for. Call once, after reading all options.
  void reject_unknown();

 private:
  const boost::json::value* take(std::string_view key);
  void error(std::string_view key, std::string what);

  const boost::json::object& options_;
  std::vector<std::string>& errors_;
  std::vector<std::string> known_;
};

// The `priority` option every incident handler takes (default HIGH).
std::string_view priority_option(Options& options);

}  // namespace relay::handlers
