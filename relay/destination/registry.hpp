#pragma once
// The one explicit list of destination kinds. Adding a kind: a new file pair and one line
// in registry.cpp.
#include "relay/destination/destination.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace relay::destination {

// What a kind is built from: the destination's name, a reader over its mapping (`type` is
// read already; the kind reads the rest and the caller rejects unknown keys afterwards), and
// outbound.deny for URLs that are IP literals. Problems go through the reader.
struct KindArgs {
  std::string_view name;
  core::ObjectReader& reader;
  const std::vector<config::DenyRule>& deny;
};

struct KindInfo {
  std::string_view type;
  // nullptr when the options are unusable (the reader holds why).
  std::unique_ptr<Destination> (*make)(KindArgs& args);
};

std::span<const KindInfo> destination_kinds();

// Builds the destination `name` from its mapping `value`, appending "path: problem" lines
// (paths like destinations.NAME.KEY) to `errors`; nullptr when there is any.
std::unique_ptr<Destination> make_destination(std::string_view name, const boost::json::value& value,
                                              const std::vector<config::DenyRule>& deny,
                                              std::vector<std::string>& errors);

}  // namespace relay::destination
