#include "tests/support/destinations.hpp"

#include "relay/config/config.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/destination/registry.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace relay::testing {

std::shared_ptr<const destination::DestinationSet> destinations_from(std::string_view mapping) {
  auto set = std::make_shared<destination::DestinationSet>();
  const auto parsed = boost::json::parse(mapping).as_object();
  std::vector<std::string> errors;
  for (const auto& kv : parsed)
    if (auto made = destination::make_destination(kv.key(), kv.value(), {}, errors)) set->add(std::move(made));
  for (const auto& e : errors) ADD_FAILURE() << e;
  return set;
}

std::shared_ptr<const pipeline::Pipeline> zero_config_pipeline(std::string_view url, std::string secret) {
  std::vector<std::string> errors;
  auto cfg = config::zero_config(url, std::move(secret), errors);
  for (const auto& e : errors) ADD_FAILURE() << e;
  return cfg ? cfg->pipeline : nullptr;
}

destination::Request request_of(const pipeline::Pipeline& p, const pipeline::Delivery& d, std::string_view event_id,
                                std::string_view signing_time) {
  const destination::Item item{{event_id, d.route, d.destination}, d.handler, d.content_type, d.body};
  return p.destinations().find(d.destination)->request({&item, 1}, {*core::parse_signing_time(signing_time), nullptr});
}

}  // namespace relay::testing
