#include "relay/lambda/answer.hpp"

#include "relay/core/utf8.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace relay::lambda {

namespace json = boost::json;

std::string function_error(std::string_view type, std::string_view message) {
  const json::object body{
      {"errorMessage", core::valid_utf8(message)}, {"errorType", type}, {"stackTrace", json::array()}};
  return json::serialize(body);
}

std::string batch_item_failures(const std::vector<std::string>& message_ids) {
  json::array failures;
  for (const auto& id : message_ids) failures.push_back(json::object{{"itemIdentifier", id}});
  return json::serialize(json::object{{"batchItemFailures", std::move(failures)}});
}

std::string http_answer(unsigned status, std::string_view content_type, std::string_view body,
                        std::optional<unsigned> retry_after) {
  json::object headers{{"content-type", content_type}};
  if (retry_after) headers["retry-after"] = std::to_string(*retry_after);
  return json::serialize(json::object{{"statusCode", status}, {"headers", std::move(headers)}, {"body", body}});
}

std::optional<std::string> delivery_failure(std::span<const DeliveryResult> results) {
  for (const auto& r : results) {
    if (r.delivered) continue;
    std::string message = "delivery to " + std::string(r.destination) + " failed: " +
                          (r.status ? "status " + std::to_string(r.status) : std::string("no answer"));
    if (!r.error.empty()) message += " (" + std::string(r.error) + ")";
    return message;
  }
  return std::nullopt;
}

std::string delivered_answer(std::span<const EventSummary> events) {
  std::size_t delivered = 0;
  json::array ids;
  json::array skipped;
  for (const auto& e : events) {
    delivered += e.deliveries;
    ids.emplace_back(e.id);
    for (const auto& s : e.skipped)
      skipped.push_back(
          json::object{{"event_id", e.id}, {"route", s.route}, {"handler", s.handler}, {"reason", s.reason}});
    if (e.deliveries == 0 && e.skipped.empty())
      skipped.push_back(json::object{{"event_id", e.id}, {"reason", "no route matches the event"}});
  }
  return json::serialize(
      json::object{{"delivered", delivered}, {"event_ids", std::move(ids)}, {"skipped", std::move(skipped)}});
}

}  // namespace relay::lambda
