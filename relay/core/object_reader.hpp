#pragma once
// Validating reader for a JSON object (handler options, config sections): each accessor
// reads one key, and every bad or unknown key adds one "path.key: problem" line.
#include <boost/json/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::core {

class ObjectReader {
 public:
  // `path` prefixes every error ("" for none, "routes[2]" gives "routes[2].key: ...").
  ObjectReader(const boost::json::object& object, std::string path, std::vector<std::string>& errors);

  // The raw value, marked as known; nullptr when absent (an error too when `required`).
  const boost::json::value* value(std::string_view key, bool required = false);

  bool boolean(std::string_view key, bool fallback);
  std::string string(std::string_view key, std::string fallback = {}, bool required = false);
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  double number(std::string_view key, double fallback, double min, double max);
  // "250ms", "5s", "30m", "2h", "7d" (a bare number is refused: the unit is never guessed).
  std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds fallback);
  // One of `allowed`; the view points into `allowed`'s literals.
  std::string_view choice(std::string_view key, std::string_view fallback,
                          std::initializer_list<std::string_view> allowed);
  // A non-empty list of strings, each one of `allowed`.
  std::vector<std::string> choices(std::string_view key, std::vector<std::string> fallback,
                                   std::initializer_list<std::string_view> allowed);
  // The object at `key` (an error when present and not an object); nullptr when absent.
  const boost::json::object* object(std::string_view key, bool required = false);

  // Reports every key no accessor asked for. Call once, after reading.
  void reject_unknown();

  std::string path_of(std::string_view key) const;
  std::size_t error_count() const { return errors_.size(); }
  // Where problems go: for readers of nested mappings.
  std::vector<std::string>& errors() { return errors_; }
  void error(std::string_view key, std::string_view what);

 private:
  const boost::json::object& object_;
  std::string path_;
  std::vector<std::string>& errors_;
  std::vector<std::string> known_;
};

// Parses "250ms", "5s", "30m", "2h", "7d"; nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace relay::core
