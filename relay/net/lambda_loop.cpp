#include "relay/net/lambda_loop.hpp"

#include <boost/json/parse.hpp>

#include "relay/lambda/answer.hpp"
#include "relay/lambda/invocation.hpp"
#include "relay/net/deliverer.hpp"
#include "relay/net/delivery_log.hpp"
#include "relay/net/finish_by.hpp"
#include "relay/net/jwks_fetcher.hpp"
#include "relay/net/lambda_runtime_api.hpp"
#include "relay/net/log.hpp"

namespace relay::net {

namespace {

namespace json = boost::json;
using lambda::function_error;

// Kept from the invocation's deadline for posting its answer.
constexpr std::chrono::milliseconds kAnswerMargin{100};

// What to post for an invocation: its response, or with error_type its function error.
struct Reply {
  std::string body;
  std::string_view error_type;
};

Reply failed(std::string_view type, std::string_view message) { return {function_error(type, message), type}; }

// The events of one body and what the pipeline made of them.
struct Prepared {
  std::shared_ptr<Admitted> admitted = std::make_shared<Admitted>();
  std::vector<lambda::EventSummary> summaries;
};

std::vector<lambda::DeliveryResult> results_of(const std::vector<SyncResult>& results) {
  std::vector<lambda::DeliveryResult> out;
  for (const auto& r : results) out.push_back({r.destination, r.delivered, r.status, r.error});
  return out;
}

awaitable<std::vector<SyncResult>> deliver_all(std::shared_ptr<Deliverer> deliverer,
                                               std::shared_ptr<const Admitted> admitted) {
  co_return co_await deliverer->deliver_now(*admitted);
}

class InvocationHandler {
 public:
  InvocationHandler(asio::io_context& io, const config::Config& config, const std::vector<Endpoint>& endpoints,
                    const IngressAuthenticator& auth, const RouteDoors& doors)
      : io_(io),
        config_(config),
        auth_(auth),
        ingress_(*config.pipeline, auth, &doors, config.ingress.max_events_per_request),
        deliverer_(std::make_shared<Deliverer>(io, endpoints, 1)) {}

  awaitable<Reply> handle(const LambdaInvocation& invocation) {
    const auto deadline = deadline_of(invocation);
    if (deadline <= std::chrono::steady_clock::now())
      co_return failed(lambda::kDeadlineExceeded, "the invocation's deadline (Lambda-Runtime-Deadline-Ms " +
                                                      std::to_string(*invocation.deadline_ms) +
                                                      ") had passed when it arrived; nothing was sent");
    boost::system::error_code ec;
    const json::value payload = json::parse(invocation.payload, ec);
    if (ec) co_return failed(lambda::kInvalidPayload, "the invocation payload is not JSON: " + ec.message());
    const lambda::Shape shape = lambda::classify(payload);
    log(observe::LogLevel::debug, "invocation",
        {{"request_id", invocation.request_id}, {"shape", lambda::shape_name(shape)}});
    switch (shape) {
      case lambda::Shape::alarm_action:
      case lambda::Shape::eventbridge_event:
      case lambda::Shape::event_list:
        co_return co_await handle_events(invocation.payload, deadline);
      case lambda::Shape::sqs_batch:
        co_return co_await handle_sqs(lambda::sqs_messages(payload.get_object()), deadline);
      case lambda::Shape::http_event:
        co_return co_await handle_http(payload.get_object(), deadline);
      case lambda::Shape::unknown:
        break;
    }
    co_return failed(lambda::kUnknownPayload,
                     "relay lambda takes a CloudWatch alarm action, an EventBridge event, an SQS batch or an HTTP "
                     "event (payload format 2.0); received " + lambda::describe_payload(payload));
  }

 private:
  std::chrono::steady_clock::time_point deadline_of(const LambdaInvocation& invocation) const {
    if (!invocation.deadline_ms) return std::chrono::steady_clock::time_point::max();
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return std::chrono::steady_clock::now() + (std::chrono::milliseconds(*invocation.deadline_ms) - now_ms) -
           kAnswerMargin;
  }

  // The events in `body` run through the pipeline, or why the body holds none.
  std::variant<Prepared, std::string> prepare(std::string_view body, const pipeline::RequestScope& scope) {
    std::vector<json::value> events;
    if (auto error = decoder_.decode(body, events)) return error->message();
    Prepared p;
    pipeline::Outcome outcome;
    for (const auto& event : events) {
      const std::size_t skipped_before = outcome.skipped.size();
      admit_event(*config_.pipeline, event, scope, outcome, *p.admitted);
      const auto& admitted = p.admitted->events.back();
      p.summaries.push_back({admitted.id, admitted.deliveries,
                             {outcome.skipped.begin() + static_cast<std::ptrdiff_t>(skipped_before),
                              outcome.skipped.end()}});
    }
    p.admitted->deliveries = std::move(outcome.deliveries);
    return p;
  }

  // Every delivery of `admitted`, logged; nullopt when they do not all end by `deadline`.
  awaitable<std::optional<std::vector<SyncResult>>> deliver(std::shared_ptr<const Admitted> admitted,
                                                            std::chrono::steady_clock::time_point deadline) {
    LogBatch lines;
    log_accepted(*admitted, lines);
    if (admitted->deliveries.empty()) co_return std::vector<SyncResult>();
    auto results = co_await finish_by(io_, deadline, deliver_all(deliverer_, admitted));
    if (results) log_sync_results(*results, lines);
    co_return results;
  }

  awaitable<Reply> handle_events(std::string_view body, std::chrono::steady_clock::time_point deadline) {
    auto prepared = prepare(body, {});
    if (auto* error = std::get_if<std::string>(&prepared)) co_return failed(lambda::kInvalidPayload, *error);
    const Prepared& p = std::get<Prepared>(prepared);
    const auto results = co_await deliver(p.admitted, deadline);
    if (!results)
      co_return failed(lambda::kDeadlineExceeded, "the deliveries did not finish before the invocation's deadline");
    if (auto failure = lambda::delivery_failure(results_of(*results)))
      co_return failed(lambda::kDeliveryFailed, *failure);
    co_return Reply{lambda::delivered_answer(p.summaries), {}};
  }

  // Each message on its own; those not delivered (by the deadline) are the batch's failures.
  awaitable<Reply> handle_sqs(std::vector<lambda::SqsMessage> messages,
                              std::chrono::steady_clock::time_point deadline) {
    std::vector<std::string> failures;
    for (auto& message : messages) {
      std::string problem;
      if (std::chrono::steady_clock::now() >= deadline) {
        problem = "not tried: the invocation's deadline came first";
      } else if (auto prepared = prepare(message.body, {}); auto* error = std::get_if<std::string>(&prepared)) {
        problem = "the message is not an event: " + *error;
      } else {
        const auto results = co_await deliver(std::get<Prepared>(prepared).admitted, deadline);
        if (!results)
          problem = "the deliveries did not finish before the invocation's deadline";
        else if (auto failure = lambda::delivery_failure(results_of(*results)))
          problem = std::move(*failure);
      }
      if (problem.empty()) continue;
      log(observe::LogLevel::warn, "SQS message failed", {{"message_id", message.message_id}, {"error", problem}});
      failures.push_back(std::move(message.message_id));
    }
    co_return Reply{lambda::batch_item_failures(failures), {}};
  }

  // As `relay serve --sync` answers the same request.
  awaitable<Reply> handle_http(const json::object& payload, std::chrono::steady_clock::time_point deadline) {
    const Answer answer = co_await answer_http(payload, deadline);
    co_return Reply{lambda::http_answer(answer.status, answer.content_type, answer.body, answer.retry_after), {}};
  }

  awaitable<Answer> answer_http(const json::object& payload, std::chrono::steady_clock::time_point deadline) {
    auto read = lambda::http_event(payload);
    if (auto* error = std::get_if<std::string>(&read)) co_return error_answer(400, *error);
    const lambda::HttpEvent& event = std::get<lambda::HttpEvent>(read);
    if (event.body.size() > config_.ingress.max_body_bytes)
      co_return error_answer(413, "request body larger than " + std::to_string(config_.ingress.max_body_bytes) +
                                      " bytes");
    Credentials credentials{event.header("authorization"), {}, event.header("x-amzn-event-timestamp"),
                            event.header("x-amzn-event-signature")};
    if (!auth_.api_key_header().empty()) credentials.api_key = event.header(auth_.api_key_header());
    const IngressRequest request{event.method, event.target, event.header("content-type"), credentials, event.body,
                                 [&event](std::string_view name) { return event.header(name); }};
    auto admitted = ingress_.admit(request, std::chrono::system_clock::now());
    if (auto* refused = std::get_if<Answer>(&admitted)) co_return std::move(*refused);
    auto events = std::make_shared<Admitted>(std::get<Admitted>(std::move(admitted)));
    const auto results = co_await deliver(events, deadline);
    if (!results) co_return error_answer(504, "the deliveries did not finish before the invocation's deadline");
    co_return sync_answer(events->event_ids(), *results);
  }

  asio::io_context& io_;
  const config::Config& config_;
  const IngressAuthenticator& auth_;
  Ingress ingress_;
  core::EventDecoder decoder_;
  std::shared_ptr<Deliverer> deliverer_;
};

awaitable<int> serve_invocations(LambdaRuntimeApi& api, InvocationHandler& handler) {
  for (;;) {
    auto next = co_await api.next();
    if (auto* gone = std::get_if<std::string>(&next)) {
      log(observe::LogLevel::error, "relay lambda: the Runtime API went away: " + *gone);
      co_return 1;
    }
    const auto& invocation = std::get<LambdaInvocation>(next);
    Reply reply = co_await handler.handle(invocation);
    std::string problem;
    if (reply.error_type.empty()) {
      problem = co_await api.respond(invocation.request_id, std::move(reply.body));
    } else {
      log(observe::LogLevel::warn, "invocation failed",
          {{"request_id", invocation.request_id}, {"error_type", reply.error_type}});
      problem = co_await api.fail(invocation.request_id, reply.error_type, std::move(reply.body));
    }
    if (!problem.empty()) {
      log(observe::LogLevel::error, "relay lambda: the Runtime API went away: " + problem);
      co_return 1;
    }
  }
}

// Runs `op` on a fresh io_context until it ends (leaving any delivery still under way).
int run_until_done(asio::io_context& io, awaitable<int> op) {
  int exit_code = 1;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr failure, int code) {
    exit_code = code;
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        log(observe::LogLevel::error, std::string("relay lambda: ") + e.what());
      }
      exit_code = 1;
    }
    io.stop();
  });
  io.run();
  return exit_code;
}

awaitable<int> post_init_error(LambdaRuntimeApi& api, std::string problems) {
  const std::string failure = co_await api.fail_init(lambda::kConfigInvalid,
                                                     function_error(lambda::kConfigInvalid, problems));
  if (!failure.empty()) log(observe::LogLevel::error, "relay lambda: cannot report the init error: " + failure);
  co_return 1;
}

}  // namespace

int fail_lambda_init(const std::string& runtime_api, const std::string& problems) {
  asio::io_context io;
  LambdaRuntimeApi api(io, runtime_api);
  return run_until_done(io, post_init_error(api, problems));
}

int run_lambda(const config::Config& config, const std::string& runtime_api) {
  if (!config.pipeline) throw std::logic_error("run_lambda: the config has no pipeline");
  std::vector<Endpoint> endpoints;
  std::vector<std::unique_ptr<JwksFetcher>> jwks_fetchers;
  std::optional<IngressAuthenticator> auth;
  RouteDoors doors;
  try {
    endpoints = endpoints_from(config);
    auth.emplace(config.ingress, start_jwt_keys(config.ingress, {}, jwks_fetchers));
    for (const auto& [route, ingress] : config.route_ingress)
      doors.emplace(route, IngressAuthenticator(ingress, start_jwt_keys(ingress, {}, jwks_fetchers)));
  } catch (const std::exception& e) {
    log(observe::LogLevel::error, std::string("relay lambda: ") + e.what());
    return fail_lambda_init(runtime_api, e.what());
  }
  asio::io_context io;
  LambdaRuntimeApi api(io, runtime_api);
  InvocationHandler handler(io, config, endpoints, *auth, doors);
  return run_until_done(io, serve_invocations(api, handler));
}

}  // namespace relay::net
