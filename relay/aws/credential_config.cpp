#include "relay/aws/credential_config.hpp"

#include "relay/config/http_url.hpp"
#include "relay/config/secret_ref.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <cctype>

namespace relay::aws {

using namespace std::chrono_literals;

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

// The value at `key`, resolved when it is an env:/file: reference; empty when absent or bad.
std::string read_secret(core::ObjectReader& r, std::string_view key) {
  const std::string ref = r.string(key);
  if (ref.empty()) return {};
  auto resolved = config::resolve_secret(ref);
  if (auto* err = std::get_if<config::SecretError>(&resolved)) {
    r.error(key, err->message);
    return {};
  }
  return std::get<std::string>(std::move(resolved));
}

void read_static_keys(const boost::json::object& o, core::ObjectReader& c, CredentialSource& out) {
  const bool has_id = o.contains("access_key_id");
  const bool has_secret = o.contains("secret_access_key");
  const bool has_token = o.contains("session_token");
  Credentials keys;
  keys.access_key_id = read_secret(c, "access_key_id");
  keys.secret_access_key = read_secret(c, "secret_access_key");
  keys.session_token = read_secret(c, "session_token");
  if (has_id != has_secret) {
    c.error(has_id ? "secret_access_key" : "access_key_id", "missing: access_key_id and secret_access_key go together");
    return;
  }
  if (has_token && !has_id) {
    c.error("session_token", "only with access_key_id and secret_access_key");
    return;
  }
  if (has_id && !keys.access_key_id.empty() && !keys.secret_access_key.empty()) out.fixed = std::move(keys);
}

}  // namespace

bool is_role_arn(std::string_view arn) {
  // arn:partition:iam::account:role/[path/]name
  auto next = [&arn](std::string_view& part) {
    const auto colon = arn.find(':');
    if (colon == std::string_view::npos) return false;
    part = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
    return true;
  };
  std::string_view scheme, partition, service, region, account;
  if (!next(scheme) || !next(partition) || !next(service) || !next(region) || !next(account)) return false;
  if (scheme != "arn" || service != "iam" || !region.empty() || !partition.starts_with("aws")) return false;
  if (account.size() != 12 || !std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  if (!arn.starts_with("role/")) return false;
  const std::string_view name_and_path = arn.substr(5);
  const std::string_view name = name_and_path.substr(name_and_path.rfind('/') + 1);
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name_and_path.begin(), name_and_path.end(), [](char c) { return c == '/' || is_name_char(c); });
}

CredentialSource read_credential_source(core::ObjectReader& r, std::string_view key) {
  CredentialSource out;
  out.session_name = "relay";
  const boost::json::object* o = r.object(key);
  if (!o) return out;
  core::ObjectReader c(*o, r.path_of(key), r.errors());
  read_static_keys(*o, c, out);
  out.profile = c.string("profile");
  if (!out.profile.empty() && o->contains("access_key_id")) c.error("profile", "give either static keys or a profile, not both");

  out.role_arn = c.string("role_arn");
  if (!out.role_arn.empty() && !is_role_arn(out.role_arn))
    c.error("role_arn", "expected an IAM role ARN such as arn:aws:iam::123456789012:role/relay");
  auto only_with_role = [&](std::string_view k) {
    if (!o->contains("role_arn") && o->contains(k)) c.error(k, "only with role_arn");
  };

  out.external_id = c.string("external_id");
  if (out.external_id.size() > 1224 || (!out.external_id.empty() && out.external_id.size() < 2))
    c.error("external_id", "expected 2 to 1224 characters");
  only_with_role("external_id");

  out.session_name = c.string("session_name", "relay");
  if (out.session_name.size() < 2 || out.session_name.size() > 64 ||
      !std::all_of(out.session_name.begin(), out.session_name.end(), is_name_char))
    c.error("session_name", "expected 2 to 64 letters, digits or +=,.@_-");
  only_with_role("session_name");

  const auto duration = c.duration("duration", 1h);
  if (duration < 15min || duration > 12h || duration % 1s != 0ms)
    c.error("duration", "expected whole seconds from 15m to 12h");
  else
    out.duration = std::chrono::duration_cast<std::chrono::seconds>(duration);
  only_with_role("duration");

  out.sts_endpoint = c.string("sts_endpoint");
  if (!out.sts_endpoint.empty()) {
    std::string error;
    if (!config::parse_http_url(out.sts_endpoint, error)) c.error("sts_endpoint", error);
  }
  c.reject_unknown();
  return out;
}

}  // namespace relay::aws
