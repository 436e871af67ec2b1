#include "relay/pipeline/pipeline.hpp"

#include "handlers/registry.hpp"
#include "relay/pattern/matcher.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace relay::pipeline {

namespace {

struct Destination {
  DestinationSpec spec;
  Signer signer;
};

struct Route {
  std::string name;
  std::string handler_name;
  std::unique_ptr<handlers::Handler> handler;
  std::vector<std::size_t> destinations;
  std::vector<Header> request_headers;
  bool own_path;

  bool admits(const RequestScope& scope) const {
    if (scope.route.empty() ? own_path : scope.route != name) return false;
    for (const auto& h : request_headers)
      if (!scope.header || scope.header(h.name) != h.value) return false;
    return true;
  }
};

std::string route_path(std::size_t i) { return "routes[" + std::to_string(i) + "]"; }

}  // namespace

struct Pipeline::Impl {
  std::vector<Destination> destinations;
  std::vector<Route> routes;
  pattern::Matcher matcher;
};

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pipeline::~Pipeline() = default;

std::unique_ptr<Pipeline> Pipeline::build(std::vector<DestinationSpec> destinations, std::vector<RouteSpec> routes,
                                          std::vector<std::string>& errors, pattern::Limits limits) {
  const std::size_t errors_before = errors.size();
  auto impl = std::make_unique<Impl>();
  for (auto& d : destinations) {
    const auto problem = Signer::check(d.scheme, d.secrets);
    if (problem) errors.push_back("destinations." + d.name + ".secret: " + *problem);
    Signer signer(problem ? SigningScheme::none : d.scheme, d.secrets);  // a placeholder when the build fails
    impl->destinations.push_back(Destination{std::move(d), std::move(signer)});
  }

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
                spec.request_headers, spec.own_path};
    for (auto& e : option_errors) errors.push_back(path + ".options." + e);
    if (!route.handler) continue;

    for (std::size_t k = 0; k < spec.destinations.size(); ++k) {
      auto it = std::find_if(impl->destinations.begin(), impl->destinations.end(),
                             [&](const Destination& d) { return d.spec.name == spec.destinations[k]; });
      if (it == impl->destinations.end())
        errors.push_back(path + ".destinations[" + std::to_string(k) + "]: unknown destination \"" +
                         spec.destinations[k] + "\"");
      else
        route.destinations.push_back(static_cast<std::size_t>(it - impl->destinations.begin()));
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

namespace {

Request signed_request(const Destination& dest, const DeliveryKey& key, std::string_view content_type,
                       std::string body, std::string_view signing_time) {
  Request r{"POST", dest.spec.shown_url.empty() ? dest.spec.url : dest.spec.shown_url, {}, std::move(body)};
  r.headers.reserve(dest.spec.headers.size() + 4);
  r.headers.push_back({"content-type", std::string(content_type)});
  for (const auto& h : dest.spec.headers) r.headers.push_back(h);
  const std::string id = dest.spec.scheme == SigningScheme::standard_webhooks ? message_id(key) : std::string();
  dest.signer.sign({r.body, signing_time, id}, r.headers);
  return r;
}

}  // namespace

void Pipeline::process(const boost::json::value& envelope, std::string_view signing_time, Outcome& out,
                       const RequestScope& scope) const {
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
      const Destination& dest = impl_->destinations[route.destinations[k]];
      const bool last = k + 1 == route.destinations.size();
      const DeliveryKey key{event.id, route.name, dest.spec.name};
      out.deliveries.push_back({route.name, route.handler_name, dest.spec.name, content_type,
                                signed_request(dest, key, content_type, last ? std::move(body) : body, signing_time)});
    }
  }
}

std::optional<Request> Pipeline::request_for(const DeliveryKey& key, std::string_view content_type, std::string body,
                                             std::string_view signing_time) const {
  for (const auto& d : impl_->destinations)
    if (d.spec.name == key.destination) return signed_request(d, key, content_type, std::move(body), signing_time);
  return std::nullopt;
}

bool Pipeline::has_route(std::string_view name) const {
  return std::any_of(impl_->routes.begin(), impl_->routes.end(), [&](const Route& r) { return r.name == name; });
}

void zero_config(std::string url, std::string secret, std::vector<DestinationSpec>& destinations,
                 std::vector<RouteSpec>& routes) {
  destinations.push_back({"webhook", std::move(url), SigningScheme::hmac_timestamp, {std::move(secret)}, {}});
  for (const auto& h : handlers::builtin_handlers())
    if (h.zero_config) routes.push_back({std::string(h.name), std::string(h.name), {}, std::nullopt, {"webhook"}});
}

}  // namespace relay::pipeline
