#pragma once
// Which HTTP proxy, if any, a destination's requests go through. A destination's own `proxy`
// wins (`none`: never a proxy); without one, the environment decides as curl does:
// HTTPS_PROXY for https:// URLs, HTTP_PROXY for http:// ones, unless NO_PROXY exempts the
// host. Pure: the environment is an argument.
#include "relay/config/http_url.hpp"
#include "relay/config/proxy_url.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace relay::destination {

// What a destination's `proxy` key says.
struct ProxySetting {
  enum class Source { environment, none, url };
  Source source = Source::environment;  // the key is absent: the environment decides
  config::ProxyUrl url;                 // for Source::url
};

// One variable: its name as found, its value; an empty value is an unset variable.
struct EnvVariable {
  std::string name;
  std::string value;
};

struct ProxyEnvironment {
  EnvVariable https_proxy, http_proxy, no_proxy;
};

// The variables `lookup` (getenv, or a test's map) gives, lower-case names first as curl
// reads them (https_proxy before HTTPS_PROXY, ...).
ProxyEnvironment proxy_environment(const std::function<std::optional<std::string>(const std::string&)>& lookup);

// Whether the NO_PROXY `list` exempts `host`:`port`. Entries are separated by commas or
// spaces, compared without case: `*` (every host), a domain (itself and its subdomains; a
// leading `.` or `*.` changes nothing), an IP address or CIDR block (IP literal hosts only),
// any of them with `:port` (that port only; IPv6 as [addr]:port).
bool no_proxy_matches(std::string_view list, std::string_view host, std::string_view port);

struct ProxyChoice {
  std::optional<config::ProxyUrl> proxy;  // nullopt: connect directly
  std::string error;  // set when the variable that applies is not a proxy URL (it names the variable)
};

ProxyChoice choose_proxy(const config::HttpUrl& url, const ProxySetting& setting, const ProxyEnvironment& env);

}  // namespace relay::destination
