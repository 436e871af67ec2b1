#include "relay/aws/shared_files.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace relay::aws {

namespace {

using Profiles = std::map<std::string, ProfileSettings, std::less<>>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view setting(const ProfileSettings& p, std::string_view key) {
  auto it = p.find(key);
  return it == p.end() ? std::string_view{} : std::string_view(it->second);
}

// The profile's static keys, or why it has none.
std::variant<Credentials, std::string> static_keys(const ProfileSettings& p, std::string_view name) {
  Credentials keys;
  keys.access_key_id = setting(p, "aws_access_key_id");
  keys.secret_access_key = setting(p, "aws_secret_access_key");
  keys.session_token = setting(p, "aws_session_token");
  if (keys.access_key_id.empty() && keys.secret_access_key.empty())
    return "profile " + std::string(name) + " has no aws_access_key_id and aws_secret_access_key";
  if (keys.access_key_id.empty() || keys.secret_access_key.empty())
    return "profile " + std::string(name) + " has " +
           (keys.access_key_id.empty() ? "aws_secret_access_key without aws_access_key_id"
                                       : "aws_access_key_id without aws_secret_access_key");
  return keys;
}

// The merged settings of `name` (config first, the credentials file over it); nullopt when
// neither file has the profile.
std::optional<ProfileSettings> settings_of(const Profiles& credentials, const Profiles& config, std::string_view name) {
  auto in_config = config.find(name);
  auto in_credentials = credentials.find(name);
  if (in_config == config.end() && in_credentials == credentials.end()) return std::nullopt;
  ProfileSettings merged;
  if (in_config != config.end()) merged = in_config->second;
  if (in_credentials != credentials.end())
    for (const auto& [k, v] : in_credentials->second) merged[k] = v;
  return merged;
}

std::string where(const SharedFile& credentials, const SharedFile& config) {
  auto one = [](const SharedFile& f) { return f.path + (f.text ? "" : " (absent)"); };
  return one(credentials) + " and " + one(config);
}

}  // namespace

SharedFilePaths shared_file_paths(const char* credentials_env, const char* config_env, const char* home) {
  const std::string home_dir = home ? home : "";
  auto pick = [&](const char* env, const char* fallback) {
    if (env && *env) {
      const std::string_view path(env);
      return path.starts_with("~/") ? home_dir + std::string(path.substr(1)) : std::string(path);
    }
    return home_dir + "/.aws/" + fallback;
  };
  return {pick(credentials_env, "credentials"), pick(config_env, "config")};
}

std::variant<Profiles, std::string> parse_shared_file(const SharedFile& file, bool is_config) {
  Profiles profiles;
  if (!file.text) return profiles;
  ProfileSettings* section = nullptr;
  bool in_section = false;  // inside any section, a profile or not
  bool after_setting = false;
  std::string_view rest = *file.text;
  for (std::size_t line_no = 1; !rest.empty(); ++line_no) {
    const auto eol = rest.find('\n');
    const std::string_view raw = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    auto fail = [&](std::string_view what) { return file.path + " line " + std::to_string(line_no) + ": " + std::string(what); };
    if (raw.front() == ' ' || raw.front() == '\t') {
      // An indented line belongs to the setting above it (a nested block such as s3 =).
      if (!after_setting) return fail("an indented line without a setting above it");
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']') return fail("expected [section]");
      std::string_view name = trim(line.substr(1, line.size() - 2));
      bool is_profile = true;
      if (is_config && name != "default") {
        is_profile = name.starts_with("profile ") || name.starts_with("profile\t");
        if (is_profile) name = trim(name.substr(7));
      }
      if (name.empty()) return fail("a section without a name");
      section = is_profile ? &profiles[std::string(name)] : nullptr;
      in_section = true;
      after_setting = false;
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected [section] or key = value");
    if (!in_section) return fail("a setting before any [section]");
    const std::string key = lower(trim(line.substr(0, eq)));
    if (key.empty()) return fail("a setting without a name");
    if (section) (*section)[key] = std::string(trim(line.substr(eq + 1)));
    after_setting = true;
  }
  return profiles;
}

std::variant<ProfileCredentials, ProfileProblem> resolve_profile(const SharedFile& credentials, const SharedFile& config,
                                                                 std::string_view profile) {
  auto credential_profiles = parse_shared_file(credentials, false);
  if (auto* e = std::get_if<std::string>(&credential_profiles)) return ProfileProblem{std::move(*e)};
  auto config_profiles = parse_shared_file(config, true);
  if (auto* e = std::get_if<std::string>(&config_profiles)) return ProfileProblem{std::move(*e)};
  const auto& in_credentials = std::get<Profiles>(credential_profiles);
  const auto& in_config = std::get<Profiles>(config_profiles);
  const std::string name(profile);

  const auto settings = settings_of(in_credentials, in_config, name);
  if (!settings) return ProfileProblem{"profile " + name + " is in neither " + where(credentials, config), true};
  for (std::string_view unsupported : {"credential_process", "credential_source", "sso_session", "sso_start_url",
                                       "web_identity_token_file"})
    if (settings->contains(unsupported))
      return ProfileProblem{"profile " + name + ": " + std::string(unsupported) +
                            " is not supported (use static keys, or role_arn with source_profile)"};

  ProfileCredentials out;
  out.region = setting(*settings, "region");
  const std::string_view role_arn = setting(*settings, "role_arn");
  if (role_arn.empty()) {
    auto keys = static_keys(*settings, name);
    if (auto* e = std::get_if<std::string>(&keys)) return ProfileProblem{std::move(*e)};
    out.keys = std::get<Credentials>(std::move(keys));
    return out;
  }

  const std::string source(setting(*settings, "source_profile"));
  if (source.empty()) return ProfileProblem{"profile " + name + ": role_arn needs source_profile"};
  const auto source_settings = source == name ? settings : settings_of(in_credentials, in_config, source);
  if (!source_settings)
    return ProfileProblem{"profile " + name + ": its source_profile " + source + " is in neither " + where(credentials, config)};
  if (source != name && source_settings->contains("role_arn"))
    return ProfileProblem{"profile " + name + ": its source_profile " + source +
                          " assumes a role too (chained roles are not supported)"};
  auto keys = static_keys(*source_settings, source);
  if (auto* e = std::get_if<std::string>(&keys)) return ProfileProblem{std::move(*e)};
  out.keys = std::get<Credentials>(std::move(keys));

  ProfileRole role;
  role.role_arn = role_arn;
  role.external_id = setting(*settings, "external_id");
  role.session_name = setting(*settings, "role_session_name");
  if (const std::string_view d = setting(*settings, "duration_seconds"); !d.empty()) {
    long seconds = 0;
    const auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), seconds);
    if (ec != std::errc() || end != d.data() + d.size() || seconds < 900 || seconds > 43200)
      return ProfileProblem{"profile " + name + ": duration_seconds must be a whole number from 900 to 43200"};
    role.duration = std::chrono::seconds(seconds);
  }
  out.role = std::move(role);
  return out;
}

}  // namespace relay::aws
