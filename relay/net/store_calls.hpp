#pragma once
// Awaiting the store worker from a coroutine: the work runs on the worker thread, and the
// coroutine resumes on its own executor with the result (or the store's error). No io
// thread ever blocks on the database.
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/post.hpp>

#include "relay/net/asio.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

template <class T>
struct StoreReply {
  std::string error;  // the StoreError's message; `value` is default then
  T value{};
};

namespace detail {

// Resumes the awaiting coroutine on its executor with `reply`; called once, on the worker thread.
template <class Handler, class Reply>
void resume(std::optional<Handler>& handler, Reply reply) {
  auto executor = asio::get_associated_executor(*handler);
  asio::post(executor, [h = std::move(*handler), r = std::move(reply)]() mutable { std::move(h)(std::move(r)); });
}

}  // namespace detail

// Runs `fn(outbox)` on the worker thread after what is queued before it; the coroutine
// resumes once what it did is committed.
template <class Fn, class T = std::invoke_result_t<Fn&, store::Outbox&>>
awaitable<StoreReply<T>> on_store(store::StoreWorker& worker, Fn fn) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(StoreReply<T>)>(
      [&worker](auto handler, Fn fn) {
        using Handler = decltype(handler);
        struct Pending {
          std::optional<Handler> handler;
          T value{};
        };
        auto pending = std::make_shared<Pending>(Pending{std::move(handler), {}});
        worker.post([pending, fn](store::Outbox& outbox) mutable { pending->value = fn(outbox); },
                    [pending](const std::string& error) { detail::resume(pending->handler, StoreReply<T>{error, {}}); },
                    [pending] { detail::resume(pending->handler, StoreReply<T>{{}, std::move(pending->value)}); });
      },
      asio::use_awaitable, std::move(fn));
}

struct AcceptReply {
  std::string error;  // the first failed commit's message: some events may be stored, not all
  store::StoreFault fault = store::StoreFault::failed;  // its kind
  std::size_t stored = 0;
  std::size_t duplicates = 0;
};

// Accepts `events` through the worker's group commit. `committed` runs on the worker
// thread once every event's transaction has ended, before the coroutine resumes.
template <class Committed>
awaitable<AcceptReply> accept_on_store(store::StoreWorker& worker, std::vector<store::NewEvent> events,
                                       Committed committed) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(AcceptReply)>(
      [&worker](auto handler, std::vector<store::NewEvent> events, Committed committed) {
        using Handler = decltype(handler);
        struct State {
          std::optional<Handler> handler;
          Committed committed;
          std::size_t left;
          AcceptReply reply;
        };
        auto state = std::make_shared<State>(State{std::move(handler), std::move(committed), events.size(), {}});
        // Every callback runs on the one worker thread: no lock needed.
        for (auto& event : events)
          worker.accept(std::move(event), [state](const store::StoreWorker::Failure& failure, store::AcceptResult result) {
            if (!failure.message.empty() && state->reply.error.empty()) {
              state->reply.error = failure.message;
              state->reply.fault = failure.fault;
            }
            state->reply.stored += result.stored;
            state->reply.duplicates += result.duplicates;
            if (--state->left != 0) return;
            state->committed(state->reply);
            detail::resume(state->handler, std::move(state->reply));
          });
      },
      asio::use_awaitable, std::move(events), std::move(committed));
}

}  // namespace relay::net
