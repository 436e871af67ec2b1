#pragma once
// The host and port of a parsed URL, as every URL reader here takes them (destinations,
// proxies). Internal to relay/config.
#include <boost/url/url_view.hpp>

#include <optional>
#include <string>

namespace relay::config {

struct UrlHost {
  std::string host;  // IP literals in canonical form, without brackets
  bool is_ip = false;
};

// nullopt unless the host is an IP literal or a plain host name.
std::optional<UrlHost> url_host(const boost::urls::url_view& url);

// The URL's port as digits, `fallback` when it has none; nullopt unless 1-65535.
std::optional<std::string> url_port(const boost::urls::url_view& url, std::string fallback);

}  // namespace relay::config
