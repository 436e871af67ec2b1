#include "relay/pipeline/pipeline.hpp"

#include "handlers/registry.hpp"
#include "relay/pattern/matcher.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace relay::pipeline {

namespace {

struct Route {
  std::string name;
  std::string handler_name;
  std::unique_ptr<handlers::Handler> handler;
  std::vector<const destination::Destination*> destinations;
  std::vector<destination::Header> request_headers;
  bool own_path;
  std::string event_bus;

  bool admits(const RequestScope& scope) const {
    if (scope.route.empty() ? own_path : scope.route != name) return false;
    if (!event_bus.empty() && scope.event_bus != event_bus) return false;
    for (const auto& h : request_headers)
      if (!scope.header || scope.header(h.name) != h.value) return false;
    return true;
  }
};

std::string route_path(std::size_t i) { return "routes[" + std::to_string(i) + "]"; }

}  // namespace

struct Pipeline::Impl {
  std::shared_ptr<const destination::DestinationSet> destinations;
  std::vector<Route> routes;
  pattern::Matcher matcher;
};

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pipeline::~Pipeline() = default;

std::unique_ptr<Pipeline> Pipeline::build(std::shared_ptr<const destination::DestinationSet> destinations,
                                          std::vector<RouteSpec> routes, std::vector<std::string>& errors,
                                          pattern::Limits limits) {
  const std::size_t errors_before = errors.size();
  auto impl = std::make_unique<Impl>();
  impl->destinations = std::move(destinations);

  pattern::MatcherBuilder matcher(limits);
  for (std::size_t i = 0; i < routes.size(); ++i) {
    auto& spec = routes[i];
    const std::string path = route_path(i);
    const auto* info = handlers::find_handler(spec.handler);
    if (!info) {
      errors.push_back(path + ".handler: unknown handler \"" + spec.handler + "\"");
      continue;
    }
    std::vector<std::string> option_errors;
    Route route{spec.name, spec.handler, info->make({spec.name, spec.options, option_errors}), {},
                spec.request_headers, spec.own_path, spec.event_bus};
    for (auto& e : option_errors) errors.push_back(path + ".options." + e);
    if (!route.handler) continue;

    for (std::size_t k = 0; k < spec.destinations.size(); ++k) {
      const std::string where = path + ".destinations[" + std::to_string(k) + "]: ";
      const auto* dest = impl->destinations->find(spec.destinations[k]);
      if (!dest)
        errors.push_back(where + "unknown destination \"" + spec.destinations[k] + "\"");
      else if (auto refusal = dest->refuses_route(spec.handler, route.handler->content_type()))
        errors.push_back(where + "destination \"" + spec.destinations[k] + "\" cannot take this route: " + *refusal);
      else
        route.destinations.push_back(dest);
    }

    const auto id = static_cast<std::uint32_t>(impl->routes.size());
    auto pattern_error = spec.pattern ? matcher.add(id, *spec.pattern) : matcher.add(id, route.handler->default_pattern());
    if (pattern_error) {
      const std::string where = path + (spec.pattern ? ".pattern" : ".handler's default pattern");
      errors.push_back(where + (pattern_error->path.empty() ? "" : "." + pattern_error->path) + ": " +
                       pattern_error->problem);
    }
    impl->routes.push_back(std::move(route));
  }
  if (errors.size() != errors_before) return nullptr;
  impl->matcher = std::move(matcher).build();
  return std::unique_ptr<Pipeline>(new Pipeline(std::move(impl)));
}

void Pipeline::process(const boost::json::value& envelope, Outcome& out, const RequestScope& scope) const {
  thread_local std::vector<std::uint32_t> matched;
  impl_->matcher.match(envelope, matched);
  const core::Event event = core::Event::view(envelope);
  for (auto id : matched) {
    const Route& route = impl_->routes[id];
    if (!route.admits(scope)) continue;
    std::string body;
    body.reserve(8192);  // most incidents fit: no regrowth while writing
    if (auto skip = route.handler->transform(event, body)) {
      out.skipped.push_back({route.name, route.handler_name, std::move(skip->reason)});
      continue;
    }
    const auto content_type = route.handler->content_type();
    for (std::size_t k = 0; k < route.destinations.size(); ++k) {
      const bool last = k + 1 == route.destinations.size();
      out.deliveries.push_back({route.name, route.handler_name, route.destinations[k]->name(), content_type,
                                last ? std::move(body) : body});
    }
  }
}

bool Pipeline::has_route(std::string_view name) const {
  return std::any_of(impl_->routes.begin(), impl_->routes.end(), [&](const Route& r) { return r.name == name; });
}

std::string_view Pipeline::handler_of(std::string_view route) const {
  for (const auto& r : impl_->routes)
    if (r.name == route) return r.handler_name;
  return {};
}

const destination::DestinationSet& Pipeline::destinations() const { return *impl_->destinations; }

std::vector<RouteSpec> zero_config_routes(std::string_view destination) {
  std::vector<RouteSpec> routes;
  for (const auto& h : handlers::builtin_handlers())
    if (h.zero_config)
      routes.push_back({std::string(h.name), std::string(h.name), {}, std::nullopt, {std::string(destination)}});
  return routes;
}

}  // namespace relay::pipeline
