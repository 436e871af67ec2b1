#include "relay/destination/proxy_choice.hpp"

#include "relay/config/outbound_deny.hpp"

#include <algorithm>
#include <cctype>

namespace relay::destination {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view without_trailing_dot(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// One NO_PROXY entry against a lower-case host.
bool entry_matches(std::string_view entry, std::string_view host, std::string_view port) {
  if (entry == "*") return true;
  std::string_view name = entry, entry_port;
  if (entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return false;
    name = entry.substr(1, close - 1);
    const auto rest = entry.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    if (!rest.empty()) entry_port = rest.substr(1);
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    const auto colon = entry.find(':');
    name = entry.substr(0, colon);
    entry_port = entry.substr(colon + 1);
  }
  if (!entry_port.empty() && entry_port != port) return false;
  if (const auto host_ip = pattern::parse_ip(host)) {
    if (name.find('/') != std::string_view::npos) {
      const auto block = config::parse_deny_rule(name);
      return block && config::refused_by({*block}, *host_ip);
    }
    return pattern::parse_ip(name) == host_ip;
  }
  if (name.starts_with("*.")) name.remove_prefix(2);
  if (name.starts_with(".")) name.remove_prefix(1);
  name = without_trailing_dot(name);
  if (name.empty()) return false;
  host = without_trailing_dot(host);
  return host == name || (host.size() > name.size() && host.ends_with(name) && host[host.size() - name.size() - 1] == '.');
}

}  // namespace

ProxyEnvironment proxy_environment(const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  auto first_set = [&](const std::string& name) {
    for (const std::string& n : {lower(name), name})
      if (auto v = lookup(n); v && !v->empty()) return EnvVariable{n, std::move(*v)};
    return EnvVariable{name, {}};
  };
  return {first_set("HTTPS_PROXY"), first_set("HTTP_PROXY"), first_set("NO_PROXY")};
}

bool no_proxy_matches(std::string_view list, std::string_view host, std::string_view port) {
  const std::string text = lower(list), name = lower(host);
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = std::min(text.find_first_of(", \t", at), text.size());
    if (end > at && entry_matches(std::string_view(text).substr(at, end - at), name, port)) return true;
    at = end + 1;
  }
  return false;
}

ProxyChoice choose_proxy(const config::HttpUrl& url, const ProxySetting& setting, const ProxyEnvironment& env) {
  if (setting.source == ProxySetting::Source::none) return {};
  if (setting.source == ProxySetting::Source::url) return {setting.url, {}};
  const EnvVariable& variable = url.tls ? env.https_proxy : env.http_proxy;
  if (variable.value.empty() || no_proxy_matches(env.no_proxy.value, url.host, url.port)) return {};
  std::string error;
  auto proxy = config::parse_proxy_url(variable.value, error);
  if (!proxy) return {std::nullopt, variable.name + " (from the environment): " + error};
  return {std::move(proxy), {}};
}

}  // namespace relay::destination
