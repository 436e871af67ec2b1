#pragma once
// EventBridge input-transformer semantics: `input_paths` name JSON paths into the event
// ($.detail.project-name, $.resources[0]); `input_template` is the body with <name>
// placeholders, plus the predefined <aws.events.event> (the event without detail),
// <aws.events.event.json> (the whole event), <aws.events.rule-name> (the route) and
// <aws.events.event.ingestion-time> (the event's time). In a JSON template a value inside a
// string is JSON-escaped, outside a string it is inserted as JSON; a missing path is empty
// inside a string and null outside. In a text template values are inserted as text.
#include <boost/json/fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::payloads {

class InputTemplate {
 public:
  // Validates everything at load; problems are "input_paths.x: ..." / "input_template: ...".
  static std::optional<InputTemplate> compile(const boost::json::object* input_paths, std::string_view text,
                                              bool json, std::vector<std::string>& errors);
  InputTemplate(InputTemplate&&) noexcept;
  ~InputTemplate();

  void render(const boost::json::object& envelope, std::string_view rule_name, std::string& out) const;

 private:
  struct Impl;
  explicit InputTemplate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay::payloads
