#include "handlers/cloudtrail_denied.hpp"

#include "handlers/description.hpp"
#include "payloads/incident.hpp"
#include "relay/core/json_access.hpp"

#include <boost/json/object.hpp>

namespace relay::handlers {

namespace json = boost::json;
using core::object_at;
using core::string_at;

namespace {

bool is_denial(std::string_view code) {
  return code == "AccessDenied" || code == "AccessDeniedException" || code.ends_with("UnauthorizedOperation");
}

// The caller as CloudTrail names it: the ARN, else the principal, else the identity type.
std::string_view caller(const json::object& identity) {
  for (auto key : {"arn", "principalId", "type"})
    if (auto v = string_at(identity, key); !v.empty()) return v;
  return "unknown caller";
}

class CloudTrailDenied final : public Handler {
 public:
  explicit CloudTrailDenied(std::string_view priority) : priority_(priority) {}

  std::string default_pattern() const override {
    return R"({"detail-type": ["AWS API Call via CloudTrail"], "detail": {"errorCode": ["AccessDenied", )"
           R"("AccessDeniedException", {"suffix": "UnauthorizedOperation"}]}})";
  }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    if (event.detail_type != "AWS API Call via CloudTrail")
      return Skip{"not a CloudTrail API call (detail-type \"" + std::string(event.detail_type) + "\")"};
    const auto& d = event.detail;
    const std::string_view code = string_at(d, "errorCode");
    if (!is_denial(code))
      return Skip{code.empty() ? std::string("the call succeeded") : "errorCode " + std::string(code) + " is not a denial"};

    const auto& identity = object_at(d, "userIdentity");
    const std::string_view who = caller(identity);
    const std::string_view call = string_at(d, "eventName", "Unknown");
    const std::string_view service = string_at(d, "eventSource", event.source);
    const std::string_view from = string_at(d, "sourceIPAddress");
    const std::string_view event_id = string_at(d, "eventID", event.id);

    payloads::Incident incident;
    incident.incident_id = "cloudtrail-" + std::string(event_id);
    incident.action = "created";
    incident.priority = priority_;
    incident.title = "Access denied: " + std::string(call) + " on " + std::string(service);
    incident.description = "Unauthorized API call";
    add_line(incident.description, "Caller", who);
    add_line(incident.description, "Identity type", string_at(identity, "type"));
    add_line(incident.description, "Call", call);
    add_line(incident.description, "Service", service);
    add_line(incident.description, "Source address", from);
    add_line(incident.description, "User agent", string_at(d, "userAgent"));
    add_line(incident.description, "Error", code);
    add_line(incident.description, "Message", string_at(d, "errorMessage"));
    add_line(incident.description, "AWS Account", event.account);
    add_line(incident.description, "Region", string_at(d, "awsRegion", event.region));
    incident.timestamp = string_at(d, "eventTime", event.time);
    incident.service = service;

    payloads::write_incident(body, incident, [&](core::JsonWriter& w) {
      w.field("caller", who);
      w.key("userIdentity");
      w.value(identity);
      w.field("eventName", call);
      w.field("eventSource", service);
      w.field("sourceIPAddress", from);
      w.field("errorCode", code);
      w.field("errorMessage", string_at(d, "errorMessage"));
      w.field("eventID", event_id);
      w.field("awsRegion", string_at(d, "awsRegion", event.region));
      w.field("accountId", event.account);
    });
    return std::nullopt;
  }

 private:
  std::string_view priority_;
};

}  // namespace

std::unique_ptr<Handler> make_cloudtrail_denied(const HandlerArgs& args) {
  core::ObjectReader o(args.options, "", args.errors);
  auto priority = payloads::read_priority(o);
  o.reject_unknown();
  return std::make_unique<CloudTrailDenied>(priority);
}

}  // namespace relay::handlers
