#include "relay/destination/put_events_answer.hpp"

#include "relay/core/json_writer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace relay::destination {

namespace json = boost::json;

namespace {

std::string string_member(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (auto key : keys)
    if (const json::value* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}

}  // namespace

std::variant<std::vector<EntryResult>, std::string> parse_put_events_answer(std::string_view body, std::size_t sent) {
  boost::system::error_code ec;
  const json::value answer = json::parse(body, ec);
  if (ec) return "the PutEvents answer is not JSON (" + ec.message() + ")";
  const json::value* entries = answer.is_object() ? answer.get_object().if_contains("Entries") : nullptr;
  if (!entries || !entries->is_array()) return std::string("the PutEvents answer has no Entries list");
  const json::array& list = entries->get_array();
  if (list.size() != sent)
    return "the PutEvents answer has " + std::to_string(list.size()) + " entries for " + std::to_string(sent) + " sent";
  std::vector<EntryResult> results;
  results.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) return "the PutEvents answer's entry " + std::to_string(i) + " is not an object";
    const json::object& o = list[i].get_object();
    EntryResult r{string_member(o, {"EventId"}), string_member(o, {"ErrorCode"}), string_member(o, {"ErrorMessage"})};
    if (r.event_id.empty() && r.error_code.empty())
      return "the PutEvents answer's entry " + std::to_string(i) + " has neither EventId nor ErrorCode";
    core::JsonWriter(r.json, core::JsonStyle::compact).value(o);
    results.push_back(std::move(r));
  }
  return results;
}

AwsError parse_aws_error(std::string_view body) {
  boost::system::error_code ec;
  const json::value answer = json::parse(body, ec);
  if (ec || !answer.is_object()) return {};
  const json::object& o = answer.get_object();
  std::string type = string_member(o, {"__type", "code", "Code"});
  if (const auto colon = type.find(':'); colon != std::string::npos) type.resize(colon);
  if (const auto hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
  return {std::move(type), string_member(o, {"message", "Message", "errorMessage"})};
}

}  // namespace relay::destination
