#include "relay/destination/transport.hpp"

#include "relay/config/secret_ref.hpp"
#include "relay/pattern/ip_address.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace relay::destination {

namespace json = boost::json;
using core::ObjectReader;
using namespace std::chrono_literals;

namespace {

// `text` as delivery will parse it, or nullopt with `error`: not an http(s) URL, or an IP
// literal that outbound.deny refuses.
std::optional<config::HttpUrl> checked_url(std::string_view text, const std::vector<config::DenyRule>& deny,
                                           std::string& error) {
  auto url = config::parse_http_url(text, error);
  if (!url || !url->host_is_ip) return url;
  // A literal the address reader does not take (a dotted IPv6 tail) is judged when dialled.
  const auto ip = pattern::parse_ip(url->host);
  if (!ip) return url;
  if (const config::DenyRule* rule = config::refused_by(deny, *ip)) {
    error = config::refusal(url->host, *rule);
    return std::nullopt;
  }
  return url;
}

void read_retry(const json::object& o, const std::string& path, RetryPolicy& retry, std::vector<std::string>& errors) {
  ObjectReader r(o, path, errors);
  const auto* schedule = r.value("schedule");
  const auto* exponential = r.object("exponential");
  if (schedule && exponential) r.error("schedule", "give either schedule or exponential, not both");
  if (schedule) {
    retry.schedule.clear();
    if (!schedule->is_array() || schedule->get_array().empty()) {
      r.error("schedule", "expected a non-empty list of durations");
    } else {
      const auto& items = schedule->get_array();
      for (std::size_t i = 0; i < items.size(); ++i) {
        auto d = items[i].is_string() ? core::parse_duration(items[i].get_string()) : std::nullopt;
        if (!d)
          r.error("schedule[" + std::to_string(i) + "]", "expected a duration such as 250ms, 5s, 30m or 2h");
        else
          retry.schedule.push_back(*d);
      }
    }
  }
  if (exponential) {
    ObjectReader e(*exponential, path + ".exponential", errors);
    const auto initial = e.duration("initial", 1s);
    const double factor = e.number("factor", 2.0, 1.0, 10.0);
    const auto max = e.duration("max", 1h);
    const auto attempts = e.integer("retries", 8, 1, 100);
    e.reject_unknown();
    retry.schedule.clear();
    double next = static_cast<double>(initial.count());
    for (std::int64_t i = 0; i < attempts; ++i) {
      retry.schedule.push_back(std::min(max, std::chrono::milliseconds(static_cast<std::int64_t>(next))));
      next = std::min(next * factor, static_cast<double>(max.count()));
    }
  }
  retry.jitter = r.number("jitter", 0.2, 0.0, 1.0);
  r.reject_unknown();
}

// `proxy`: none, or a proxy URL (itself or env:NAME / file:PATH: it may carry a password).
// Problems never quote it.
void read_proxy(ObjectReader& r, ProxySetting& out) {
  const std::string ref = r.string("proxy");
  if (ref.empty()) return;
  if (ref == "none") {
    out.source = ProxySetting::Source::none;
    return;
  }
  auto resolved = config::resolve_secret(ref);
  if (auto* err = std::get_if<config::SecretError>(&resolved)) {
    r.error("proxy", err->message);
    return;
  }
  std::string error;
  auto url = config::parse_proxy_url(std::get<std::string>(resolved), error);
  if (!url) {
    r.error("proxy", error);
    return;
  }
  out = {ProxySetting::Source::url, std::move(*url)};
}

void read_tls(const json::object& o, const std::string& path, Transport& out, std::vector<std::string>& errors) {
  ObjectReader t(o, path, errors);
  ClientCertificate files{t.string("client_cert", {}, true), t.string("client_key", {}, true)};
  t.reject_unknown();
  if (files.cert_file.empty() || files.key_file.empty()) return;
  if (const auto problem = check_client_certificate(files)) {
    t.error(problem->key, problem->message);
    return;
  }
  out.client_certificate = std::move(files);
}

void read_rate_limit(ObjectReader& r, Transport& out) {
  const bool burst_given = r.value("rate_limit_burst") != nullptr;
  if (!r.value("rate_limit")) {
    if (burst_given) r.error("rate_limit_burst", "applies only with rate_limit");
    return;
  }
  const std::size_t errors_before = r.error_count();
  const RateLimit limit{r.number("rate_limit", 1, 0.001, 1e6),
                        static_cast<double>(r.integer("rate_limit_burst", 1, 1, 1'000'000))};
  if (r.error_count() == errors_before) out.rate_limit = limit;
}

}  // namespace

bool read_url(ObjectReader& r, std::string_view key, bool required, const std::vector<config::DenyRule>& deny,
              Transport& out) {
  const std::string ref = r.string(key, {}, required);
  if (ref.empty()) return false;
  auto resolved = config::resolve_secret(ref);
  if (auto* err = std::get_if<config::SecretError>(&resolved)) {
    r.error(key, err->message);
    return false;
  }
  std::string error;
  auto url = checked_url(std::get<std::string>(resolved), deny, error);
  if (!url) {
    r.error(key, error);
    return false;
  }
  out.shown_url = config::is_secret_ref(ref) ? url->redacted() : std::get<std::string>(resolved);
  out.url = std::move(*url);
  return true;
}

void read_transport(ObjectReader& r, Transport& out) {
  out.connect_timeout = r.duration("connect_timeout", 5s);
  out.timeout = r.duration("timeout", 30s);
  out.max_concurrency = static_cast<std::size_t>(r.integer("max_concurrency", 64, 1, 10000));
  if (r.value("ca_file")) out.ca_file = r.string("ca_file");
  if (const auto* retry = r.object("retry")) read_retry(*retry, r.path_of("retry"), out.retry, r.errors());
  read_proxy(r, out.proxy);
  if (const auto* tls = r.object("tls")) read_tls(*tls, r.path_of("tls"), out, r.errors());
  read_rate_limit(r, out);
  out.paused = r.boolean("paused", false);
}

}  // namespace relay::destination
