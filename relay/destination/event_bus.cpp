#include "relay/destination/event_bus.hpp"

#include <algorithm>
#include <vector>

namespace relay::destination {

namespace {

constexpr std::size_t kMaxNameLength = 256;

bool is_bus_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNameLength && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '/';
  });
}

bool all_of(std::string_view s, bool (*pred)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), pred); }
bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string_view> split(std::string_view s, char sep, std::size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const auto at = s.find(sep);
    if (at == std::string_view::npos) break;
    parts.push_back(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
  parts.push_back(s);
  return parts;
}

// "aws", or "aws-" followed by lower-case words ("aws-cn", "aws-us-gov", "aws-iso-b").
bool is_partition(std::string_view s) {
  if (s == "aws") return true;
  if (s.substr(0, 4) != "aws-" || s.size() == 4 || s.back() == '-') return false;
  s.remove_prefix(4);
  return std::all_of(s.begin(), s.end(), [](char c) { return lower(c) || c == '-'; });
}

std::optional<EventBus> parse_arn(std::string_view text, std::string& error) {
  constexpr std::string_view kShape = " (expected arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME)";
  const auto parts = split(text, ':', 6);
  if (parts.size() != 6) {
    error = "not an event bus ARN" + std::string(kShape);
    return std::nullopt;
  }
  const std::string_view partition = parts[1], service = parts[2], region = parts[3], account = parts[4],
                         resource = parts[5];
  if (!is_partition(partition)) error = "the ARN's partition \"" + std::string(partition) + "\" is not an AWS one";
  else if (service != "events") error = "the ARN names the service \"" + std::string(service) + "\", not events";
  else if (!is_region(region)) error = "the ARN's region \"" + std::string(region) + "\" is not a region name";
  else if (account.size() != 12 || !all_of(account, digit)) error = "the ARN's account is not 12 digits";
  else if (resource.substr(0, 10) != "event-bus/") error = "the ARN does not name an event bus";
  else if (!is_bus_name(resource.substr(10))) error = "the ARN's bus name is not a valid event bus name";
  if (!error.empty()) {
    error += kShape;
    return std::nullopt;
  }
  return EventBus{std::string(text), std::string(region)};
}

}  // namespace

bool is_region(std::string_view text) {
  // Lower-case words joined by '-', the last one a number: at least three parts.
  const auto parts = split(text, '-', 16);
  if (parts.size() < 3 || !all_of(parts.back(), digit)) return false;
  return std::all_of(parts.begin(), parts.end() - 1, [](std::string_view p) { return all_of(p, lower); });
}

std::optional<EventBus> parse_event_bus(std::string_view text, std::string& error) {
  if (text.substr(0, 4) == "arn:") return parse_arn(text, error);
  if (!is_bus_name(text)) {
    error =
        "expected an event bus name (up to 256 of A-Z a-z 0-9 . _ - /) or an ARN "
        "arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME";
    return std::nullopt;
  }
  return EventBus{std::string(text), {}};
}

std::string default_endpoint(std::string_view region) {
  const bool china = region.substr(0, 3) == "cn-";
  return "https://events." + std::string(region) + (china ? ".amazonaws.com.cn" : ".amazonaws.com");
}

}  // namespace relay::destination
