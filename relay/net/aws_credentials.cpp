#include "relay/net/aws_credentials.hpp"

#include <cstdlib>
#include <filesystem>

#include <boost/asio/post.hpp>

#include "relay/aws/credential_expiry.hpp"
#include "relay/aws/endpoint_credentials.hpp"
#include "relay/aws/shared_files.hpp"
#include "relay/aws/sigv4.hpp"
#include "relay/aws/sts.hpp"
#include "relay/config/read_file.hpp"
#include "relay/net/http_client.hpp"
#include "relay/net/http_fetch.hpp"

namespace relay::net {

namespace {

using namespace std::chrono_literals;
using Outcome = std::variant<aws::Credentials, std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr auto kLocalTimeout = 1s;  // the container endpoint and instance metadata
constexpr auto kStsTimeout = 5s;
constexpr auto kWaitAtMost = 30s;  // then a waiting caller looks again
const std::string kContainerHost = "http://169.254.170.2";
const std::string kInstanceMetadata = "http://169.254.169.254";

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "; ") + item;
  return out;
}

struct NotSetUp {
  std::string why;
};
struct Failed {
  std::string why;
};
struct Found {
  aws::Credentials credentials;
  std::string from;  // for messages: "the environment", "profile ops", ...
};
using Step = std::variant<NotSetUp, Found, Failed>;

// What every step needs.
struct Context {
  asio::io_context& io;
  const aws::CredentialSource& source;
  std::function<std::shared_ptr<ssl::context>()> tls;
};

// A file's text without its trailing newline, or why it cannot be read.
std::optional<std::string> read_trimmed(const std::string& path, std::string& error) {
  auto text = config::read_file(path, error);
  while (text && !text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return text;
}

awaitable<FetchResult> fetch_url(Context& c, std::string method, const config::HttpUrl& url, Headers headers,
                                 std::string body, std::chrono::milliseconds timeout) {
  FetchRequest request{std::move(method), url, std::move(headers), std::move(body), timeout};
  co_return co_await fetch(c.io, request, url.tls ? c.tls() : nullptr);
}

// The region STS calls go to: the destination's, else the environment's, else `fallback`.
std::string sts_region(const Context& c, std::string_view fallback) {
  if (!c.source.region.empty()) return c.source.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"})
    if (auto r = env(name); !r.empty()) return r;
  return std::string(fallback);
}

// One STS call: `form` POSTed to the STS endpoint, signed with `signer` when given.
awaitable<Outcome> call_sts(Context& c, std::string form, const aws::Credentials* signer, std::string_view region_fallback) {
  const std::string region = sts_region(c, region_fallback);
  std::string endpoint = c.source.sts_endpoint;
  std::string named = "sts_endpoint";
  if (endpoint.empty()) {
    endpoint = env("AWS_ENDPOINT_URL_STS");
    named = "AWS_ENDPOINT_URL_STS";
  }
  if (endpoint.empty()) endpoint = aws::sts_endpoint_for(region);
  std::string error;
  auto url = config::parse_http_url(endpoint, error);
  if (!url) co_return named + ": " + error;

  aws::HttpRequest request{"POST", url->target,
                           {{"host", url->host_header()},
                            {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}},
                           std::move(form)};
  if (signer)
    aws::sign_request(request, *signer, region.empty() ? "us-east-1" : region, "sts", std::chrono::system_clock::now());
  const FetchResult r = co_await fetch_url(c, "POST", *url, std::move(request.headers), std::move(request.body), kStsTimeout);
  if (r.status == 0) co_return "STS at " + url->host_header() + ": " + r.error;
  co_return aws::parse_sts_answer(r.status, r.body);
}

awaitable<Outcome> assume_role(Context& c, const aws::Credentials& with, aws::AssumeRoleParams params,
                               std::string_view region_fallback) {
  const std::string role = params.role_arn;
  Outcome got = co_await call_sts(c, aws::assume_role_form(params), &with, region_fallback);
  if (auto* why = std::get_if<std::string>(&got)) *why = "AssumeRole of " + role + ": " + *why;
  co_return got;
}

Step from_environment() {
  const std::string id = env("AWS_ACCESS_KEY_ID");
  const std::string secret = env("AWS_SECRET_ACCESS_KEY");
  if (id.empty() && secret.empty()) return NotSetUp{"environment: AWS_ACCESS_KEY_ID is not set"};
  if (id.empty() || secret.empty())
    return Failed{id.empty() ? "environment: AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID"
                             : "environment: AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"};
  return Found{{id, secret, env("AWS_SESSION_TOKEN")}, "the environment"};
}

awaitable<Step> from_web_identity(Context& c) {
  const std::string token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
  const std::string role = env("AWS_ROLE_ARN");
  if (token_file.empty() && role.empty()) co_return NotSetUp{"web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set"};
  if (token_file.empty() || role.empty())
    co_return Failed{token_file.empty() ? "web identity: AWS_ROLE_ARN is set without AWS_WEB_IDENTITY_TOKEN_FILE"
                                        : "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN"};
  std::string error;
  const auto token = read_trimmed(token_file, error);
  if (!token || token->empty())
    co_return Failed{"web identity: cannot read the token file " + (token ? token_file + ": empty" : error)};
  std::string session = env("AWS_ROLE_SESSION_NAME");
  if (session.empty()) session = c.source.session_name.empty() ? "relay" : c.source.session_name;
  Outcome got = co_await call_sts(c, aws::web_identity_form(role, session, *token), nullptr, "");
  if (auto* why = std::get_if<std::string>(&got))
    co_return Failed{"web identity: AssumeRoleWithWebIdentity of " + role + ": " + *why};
  co_return Found{std::get<aws::Credentials>(std::move(got)), "web identity (" + role + ")"};
}

// The file at `path`: its text, or none when it does not exist; nullopt with `error` when
// it exists but cannot be read.
std::optional<aws::SharedFile> shared_file(const std::string& path, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return aws::SharedFile{path, std::nullopt};
  auto text = config::read_file(path, error);
  if (!text) return std::nullopt;
  return aws::SharedFile{path, std::move(*text)};
}

// The profile the shared files hold (`from` names it), or the step's answer when they give none.
std::variant<aws::ProfileCredentials, Step> profile_from_files(const Context& c, std::string& from) {
  const auto paths = aws::shared_file_paths(std::getenv("AWS_SHARED_CREDENTIALS_FILE"), std::getenv("AWS_CONFIG_FILE"),
                                            std::getenv("HOME"));
  std::string profile = c.source.profile.empty() ? env("AWS_PROFILE") : c.source.profile;
  const bool named = !profile.empty();  // a profile asked for by name must be there
  if (profile.empty()) profile = "default";
  from = "profile " + profile;
  std::string error;
  const auto credentials = shared_file(paths.credentials, error);
  if (!credentials) return Failed{"shared files: " + error};
  const auto config = shared_file(paths.config, error);
  if (!config) return Failed{"shared files: " + error};
  auto got = aws::resolve_profile(*credentials, *config, profile);
  if (auto* problem = std::get_if<aws::ProfileProblem>(&got)) {
    if (problem->missing && !named) return NotSetUp{"shared files: " + problem->why};
    return Failed{"shared files: " + problem->why};
  }
  return std::get<aws::ProfileCredentials>(std::move(got));
}

awaitable<Step> from_shared_files(Context& c) {
  std::string from;
  auto profile = profile_from_files(c, from);
  if (auto* step = std::get_if<Step>(&profile)) co_return std::move(*step);
  auto& found = std::get<aws::ProfileCredentials>(profile);
  if (!found.role) co_return Found{std::move(found.keys), from};
  aws::AssumeRoleParams params{found.role->role_arn, found.role->session_name, found.role->external_id,
                               found.role->duration.value_or(3600s)};
  if (params.session_name.empty()) params.session_name = c.source.session_name.empty() ? "relay" : c.source.session_name;
  Outcome assumed = co_await assume_role(c, found.keys, std::move(params), found.region);
  if (auto* why = std::get_if<std::string>(&assumed)) co_return Failed{"shared files: " + from + ": " + *why};
  co_return Found{std::get<aws::Credentials>(std::move(assumed)), from};
}

// Plain http is for the container agent and loopback only: the token and the answer travel
// in clear.
bool may_be_plain(const config::HttpUrl& url) {
  if (url.tls) return true;
  const std::string& h = url.host;
  return h == "localhost" || h.starts_with("127.") || h == "::1" || h == "169.254.170.2" || h == "169.254.170.23" ||
         h == "fd00:ec2::23";
}

awaitable<Step> from_container(Context& c) {
  const std::string relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const std::string full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (relative.empty() && full.empty())
    co_return NotSetUp{"container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"};
  const std::string variable = relative.empty() ? "AWS_CONTAINER_CREDENTIALS_FULL_URI" : "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
  std::string error;
  const auto url = config::parse_http_url(relative.empty() ? full : kContainerHost + relative, error);
  if (!url) co_return Failed{"container credentials: " + variable + ": " + error};
  if (!may_be_plain(*url))
    co_return Failed{"container credentials: " + variable +
                     " must be https, or http to a loopback address or the container agent"};
  std::string token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (const std::string token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !token_file.empty()) {
    auto text = read_trimmed(token_file, error);
    if (!text) co_return Failed{"container credentials: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + error};
    token = std::move(*text);
  }
  if (token.find_first_of("\r\n") != std::string::npos)
    co_return Failed{"container credentials: the authorization token spans lines"};
  Headers headers;
  if (!token.empty()) headers.emplace_back("authorization", token);
  const FetchResult r = co_await fetch_url(c, "GET", *url, std::move(headers), {}, kLocalTimeout);
  const std::string where = "container credentials at " + url->host_header();
  if (r.status == 0) co_return Failed{where + ": " + r.error};
  if (r.status != 200) co_return Failed{where + ": answered " + std::to_string(r.status)};
  auto got = aws::parse_endpoint_credentials(r.body);
  if (auto* why = std::get_if<std::string>(&got)) co_return Failed{where + ": " + *why};
  co_return Found{std::get<aws::Credentials>(std::move(got)), where};
}

awaitable<Step> from_instance_metadata(Context& c) {
  std::string disabled = env("AWS_EC2_METADATA_DISABLED");
  for (auto& ch : disabled) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (disabled == "true") co_return NotSetUp{"instance metadata: disabled by AWS_EC2_METADATA_DISABLED"};
  std::string base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) base = kInstanceMetadata;
  while (base.ends_with('/')) base.pop_back();
  std::string error;
  auto url_of = [&](const std::string& path) { return config::parse_http_url(base + path, error); };
  const auto token_url = url_of("/latest/api/token");
  if (!token_url) co_return Failed{"instance metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT: " + error};
  const std::string where = "instance metadata at " + token_url->host_header();

  // Headers are built before each co_await: g++ 12 miscompiles array temporaries inside one.
  Headers ask_token{{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  const FetchResult token = co_await fetch_url(c, "PUT", *token_url, std::move(ask_token), {}, kLocalTimeout);
  if (token.status == 0) co_return NotSetUp{where + ": " + token.error};
  if (token.status != 200 || token.body.empty() || token.body.find_first_of("\r\n") != std::string::npos)
    co_return NotSetUp{where + ": the IMDSv2 token request was answered " + std::to_string(token.status)};

  const std::string roles_path = "/latest/meta-data/iam/security-credentials/";
  const Headers with_token{{"x-aws-ec2-metadata-token", token.body}};
  const auto roles_url = url_of(roles_path);
  const FetchResult roles = co_await fetch_url(c, "GET", *roles_url, with_token, {}, kLocalTimeout);
  if (roles.status == 404) co_return NotSetUp{where + ": the instance has no IAM role"};
  if (roles.status != 200) co_return Failed{where + ": listing roles: " + (roles.status ? "answered " + std::to_string(roles.status) : roles.error)};
  const std::string role = roles.body.substr(0, roles.body.find_first_of("\r\n"));
  const auto role_url = role.find_first_of("/?#% ") == std::string::npos ? url_of(roles_path + role) : std::nullopt;
  if (role.empty() || !role_url) co_return Failed{where + ": no usable role name in the answer"};

  const FetchResult answer = co_await fetch_url(c, "GET", *role_url, with_token, {}, kLocalTimeout);
  if (answer.status != 200)
    co_return Failed{where + ": role " + role + ": " + (answer.status ? "answered " + std::to_string(answer.status) : answer.error)};
  auto got = aws::parse_endpoint_credentials(answer.body);
  if (auto* why = std::get_if<std::string>(&got)) co_return Failed{where + ": role " + role + ": " + *why};
  co_return Found{std::get<aws::Credentials>(std::move(got)), where + " (role " + role + ")"};
}

// Records a step that was passed over; true when the next one should be tried.
bool passed_over(const Step& step, std::vector<std::string>& tried) {
  if (const auto* skipped = std::get_if<NotSetUp>(&step)) {
    tried.push_back(skipped->why);
    return true;
  }
  if (const auto* failed = std::get_if<Failed>(&step)) tried.push_back(failed->why);
  return false;
}

// What the chain (without the destination's role) finds, or why nothing.
awaitable<std::variant<Found, std::string>> base_credentials(Context& c) {
  if (c.source.fixed) co_return Found{*c.source.fixed, "static keys"};
  std::vector<std::string> tried;
  Step step;
  if (!c.source.profile.empty()) {
    step = co_await from_shared_files(c);  // a profile named in the config is the only source
  } else {
    step = from_environment();
    if (passed_over(step, tried)) step = co_await from_web_identity(c);
    if (passed_over(step, tried)) step = co_await from_shared_files(c);
    if (passed_over(step, tried)) step = co_await from_container(c);
    if (passed_over(step, tried)) step = co_await from_instance_metadata(c);
  }
  if (auto* found = std::get_if<Found>(&step)) co_return std::move(*found);
  passed_over(step, tried);
  co_return "no AWS credentials (tried " + join(tried) + ")";
}

}  // namespace

CredentialProvider::CredentialProvider(aws::CredentialSource source) : source_(std::move(source)) {}

std::shared_ptr<ssl::context> CredentialProvider::tls() {
  std::lock_guard lock(mutex_);
  if (!tls_) tls_ = client_tls_context(std::nullopt);
  return tls_;
}

awaitable<Outcome> CredentialProvider::resolve(asio::io_context& io) {
  Context c{io, source_, [this] { return tls(); }};
  auto base = co_await base_credentials(c);
  if (auto* why = std::get_if<std::string>(&base)) co_return std::move(*why);
  Found& found = std::get<Found>(base);
  if (source_.role_arn.empty()) co_return std::move(found.credentials);
  aws::AssumeRoleParams params{source_.role_arn, source_.session_name.empty() ? "relay" : source_.session_name,
                               source_.external_id, source_.duration};
  Outcome assumed = co_await assume_role(c, found.credentials, std::move(params), "");
  if (auto* why = std::get_if<std::string>(&assumed)) *why += " (signed with the credentials of " + found.from + ")";
  co_return assumed;
}

awaitable<Outcome> CredentialProvider::get() {
  auto& io = static_cast<asio::io_context&>(asio::query(co_await asio::this_coro::executor, asio::execution::context));
  std::unique_lock lock(mutex_);
  for (;;) {
    const auto now = std::chrono::system_clock::now();
    if (current_ && !aws::needs_refresh(*current_, now)) co_return *current_;
    if (!resolving_) break;
    if (current_ && !aws::expired(*current_, now)) co_return *current_;
    // Another caller is resolving: wait for its outcome rather than asking again.
    const auto seen = finished_;
    auto woken = std::make_shared<timer_t>(io);
    woken->expires_after(kWaitAtMost);
    waiting_.push_back([woken] { asio::post(woken->get_executor(), [woken] { woken->cancel(); }); });
    lock.unlock();
    co_await woken->async_wait();
    lock.lock();
    if (finished_ != seen && !last_error_.empty()) {
      if (current_ && !aws::expired(*current_, std::chrono::system_clock::now())) co_return *current_;
      co_return last_error_;
    }
  }
  resolving_ = true;
  lock.unlock();

  Outcome result;
  try {
    result = co_await resolve(io);
  } catch (const std::exception& e) {
    result = std::string("resolving AWS credentials: ") + e.what();
  }

  lock.lock();
  resolving_ = false;
  ++finished_;
  std::vector<std::function<void()>> wake = std::move(waiting_);
  waiting_.clear();
  if (const auto* fresh = std::get_if<aws::Credentials>(&result)) {
    current_ = *fresh;
    last_error_.clear();
  } else {
    last_error_ = std::get<std::string>(result);
    if (current_ && !aws::expired(*current_, std::chrono::system_clock::now())) result = *current_;
  }
  lock.unlock();
  for (auto& w : wake) w();
  co_return result;
}

}  // namespace relay::net
