#include "relay/destination/registry.hpp"

#include "relay/destination/webhook.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <array>

namespace relay::destination {

namespace {

constexpr std::array kKinds = {
    KindInfo{"webhook", make_webhook},
};

}  // namespace

std::span<const KindInfo> destination_kinds() { return kKinds; }

std::unique_ptr<Destination> make_destination(std::string_view name, const boost::json::value& value,
                                              const std::vector<config::DenyRule>& deny,
                                              std::vector<std::string>& errors) {
  const std::string path = "destinations." + std::string(name);
  if (!value.is_object()) {
    errors.push_back(path + ": expected a mapping");
    return nullptr;
  }
  const std::size_t errors_before = errors.size();
  core::ObjectReader r(value.get_object(), path, errors);
  const std::string type = r.string("type", "webhook");
  const auto kinds = destination_kinds();
  const auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const KindInfo& k) { return k.type == type; });
  if (kind == kinds.end()) {
    std::string known;
    for (const auto& k : kinds) known += (known.empty() ? "" : ", ") + std::string(k.type);
    r.error("type", "unknown destination type \"" + type + "\" (known: " + known + ")");
    return nullptr;
  }
  KindArgs args{name, r, deny};
  auto made = kind->make(args);
  r.reject_unknown();
  if (errors.size() != errors_before) return nullptr;
  return made;
}

}  // namespace relay::destination
