#include "tests/support/lambda_runtime_emulator.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <condition_variable>
#include <csignal>
#include <deque>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>

#include "relay/net/asio.hpp"

namespace relay::testing {

namespace asio = net::asio;
namespace http = net::http;
namespace beast = net::beast;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime";

// Child processes (the runtime, sinks a test starts later) must not hold the emulator's
// sockets: a runtime holding the listener would find it still there after shut_down.
void close_on_exec(int fd) { fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC); }

struct Queued {
  std::string request_id;
  std::string payload;
  std::chrono::milliseconds budget;
};

}  // namespace

struct LambdaRuntimeEmulator::Impl {
  asio::io_context io;
  net::acceptor_t acceptor{io};
  // On the server's thread only.
  std::vector<std::shared_ptr<net::timer_t>> waiting;  // pending `next` calls, woken by cancel
  std::vector<std::weak_ptr<net::tcp_stream>> streams;
  // Shared with the test's thread.
  std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  std::deque<Queued> queue;
  std::map<std::string, std::optional<Answer>> answers;  // every invocation handed out
  std::optional<Answer> init_error;
  unsigned next_id = 0;
  LambdaRuntimeEmulator::AfterPost after_post = LambdaRuntimeEmulator::AfterPost::keep_open;
  std::size_t connections = 0;

  void wake() {
    for (auto& t : waiting) t->cancel();
    waiting.clear();
  }
};

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response answer(unsigned status, std::string body) {
  Response out{static_cast<http::status>(status), 11};
  out.set(http::field::content_type, "application/json");
  out.body() = std::move(body);
  return out;
}

// The next queued invocation, once there is one; nullopt when the emulator shuts down.
net::awaitable<std::optional<Queued>> next_invocation(LambdaRuntimeEmulator::Impl& impl) {
  for (;;) {
    {
      std::lock_guard lock(impl.mutex);
      if (impl.stopping) co_return std::nullopt;
      if (!impl.queue.empty()) {
        Queued q = std::move(impl.queue.front());
        impl.queue.pop_front();
        impl.answers[q.request_id];
        co_return q;
      }
    }
    auto timer = std::make_shared<net::timer_t>(impl.io, Clock::time_point::max());
    impl.waiting.push_back(timer);
    co_await timer->async_wait();
  }
}

std::optional<Response> handle_post(LambdaRuntimeEmulator::Impl& impl, const Request& in) {
  const std::string target(in.target());
  LambdaRuntimeEmulator::Answer posted{false, in.body(), std::string(in["Lambda-Runtime-Function-Error-Type"])};
  std::lock_guard lock(impl.mutex);
  if (target == std::string(kPrefix) + "/init/error") {
    posted.error = true;
    impl.init_error = posted;
  } else {
    const std::string invocation = std::string(kPrefix) + "/invocation/";
    if (!target.starts_with(invocation)) return std::nullopt;
    const std::string rest = target.substr(invocation.size());
    const auto slash = rest.find('/');
    const std::string id = rest.substr(0, slash), what = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (what != "response" && what != "error") return std::nullopt;
    auto it = impl.answers.find(id);
    if (it == impl.answers.end() || it->second)
      return answer(400, R"({"errorMessage":"unknown or answered request id","errorType":"InvalidRequestID"})");
    posted.error = what == "error";
    it->second = posted;
  }
  impl.changed.notify_all();
  return answer(202, R"({"status":"OK"})");
}

net::awaitable<void> session(LambdaRuntimeEmulator::Impl& impl, std::shared_ptr<net::tcp_stream> stream) {
  beast::flat_buffer buffer;
  for (;;) {
    Request in;
    auto [rec, rn] = co_await http::async_read(*stream, buffer, in);
    if (rec) co_return;
    std::optional<Response> out;
    if (in.method() == http::verb::get && in.target() == std::string(kPrefix) + "/invocation/next") {
      auto q = co_await next_invocation(impl);
      if (!q) co_return;  // shutting down: the connection closes unanswered
      out = answer(200, std::move(q->payload));
      const auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()) + q->budget;
      out->set("Lambda-Runtime-Aws-Request-Id", q->request_id);
      out->set("Lambda-Runtime-Deadline-Ms", std::to_string(deadline.count()));
      out->set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:relay");
      out->set("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
    } else if (in.method() == http::verb::post) {
      out = handle_post(impl, in);
    }
    if (!out) out = answer(404, R"({"errorMessage":"no such endpoint","errorType":"NotFound"})");
    auto after = LambdaRuntimeEmulator::AfterPost::keep_open;
    if (in.method() == http::verb::post) {
      std::lock_guard lock(impl.mutex);
      after = impl.after_post;
    }
    out->keep_alive(in.keep_alive() && after != LambdaRuntimeEmulator::AfterPost::close_announced);
    out->prepare_payload();
    auto [wec, wn] = co_await http::async_write(*stream, *out);
    if (wec || !out->keep_alive() || after == LambdaRuntimeEmulator::AfterPost::close_silently) {
      beast::error_code ignored;
      stream->socket().shutdown(net::tcp::socket::shutdown_both, ignored);
      co_return;
    }
  }
}

net::awaitable<void> serve(LambdaRuntimeEmulator::Impl& impl) {
  for (;;) {
    auto [ec, socket] = co_await impl.acceptor.async_accept();
    if (ec) co_return;
    close_on_exec(socket.native_handle());
    {
      std::lock_guard lock(impl.mutex);
      ++impl.connections;
    }
    auto stream = std::make_shared<net::tcp_stream>(std::move(socket));
    impl.streams.push_back(stream);
    asio::co_spawn(impl.io, session(impl, stream), asio::detached);
  }
}

}  // namespace

LambdaRuntimeEmulator::LambdaRuntimeEmulator() : impl_(std::make_shared<Impl>()) {
  const net::tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(local.protocol());
  close_on_exec(impl_->acceptor.native_handle());
  impl_->acceptor.bind(local);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, serve(*impl_), asio::detached);
  thread_ = std::thread([impl = impl_] { impl->io.run(); });
}

LambdaRuntimeEmulator::~LambdaRuntimeEmulator() {
  shut_down();
  if (runtime_ && !runtime_->wait(std::chrono::seconds(5))) runtime_->signal(SIGKILL);
  impl_->io.stop();
  thread_.join();
}

std::string LambdaRuntimeEmulator::address() const {
  return "127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port());
}

void LambdaRuntimeEmulator::launch(const Runtime& runtime) {
  if (runtime_) throw std::logic_error("LambdaRuntimeEmulator::launch: the runtime runs already");
  std::vector<std::string> env = runtime.env;
  env.push_back("AWS_LAMBDA_RUNTIME_API=" + address());
  runtime_ = std::make_unique<ChildProcess>(std::vector<std::string>{runtime.executable}, env);
}

ChildProcess& LambdaRuntimeEmulator::runtime() {
  if (!runtime_) throw std::logic_error("LambdaRuntimeEmulator::runtime: not launched");
  return *runtime_;
}

std::string LambdaRuntimeEmulator::invoke(std::string payload, std::chrono::milliseconds budget) {
  std::string id;
  {
    std::lock_guard lock(impl_->mutex);
    id = "request-" + std::to_string(++impl_->next_id);
    impl_->queue.push_back({id, std::move(payload), budget});
  }
  asio::post(impl_->io, [impl = impl_] { impl->wake(); });
  return id;
}

std::optional<LambdaRuntimeEmulator::Answer> LambdaRuntimeEmulator::wait_answer(const std::string& request_id,
                                                                                std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  std::optional<Answer> found;
  impl_->changed.wait_for(lock, timeout, [&] {
    const auto it = impl_->answers.find(request_id);
    if (it != impl_->answers.end() && it->second) found = it->second;
    return found.has_value();
  });
  return found;
}

void LambdaRuntimeEmulator::after_each_post(AfterPost what) {
  std::lock_guard lock(impl_->mutex);
  impl_->after_post = what;
}

std::size_t LambdaRuntimeEmulator::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

std::optional<LambdaRuntimeEmulator::Answer> LambdaRuntimeEmulator::wait_init_error(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return impl_->init_error.has_value(); });
  return impl_->init_error;
}

void LambdaRuntimeEmulator::shut_down() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  std::promise<void> done;
  asio::post(impl_->io, [impl = impl_, &done] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    for (auto& weak : impl->streams)
      if (auto s = weak.lock()) s->socket().close(ignored);
    impl->wake();
    done.set_value();
  });
  done.get_future().wait();
}

std::string relay_lambda_bootstrap(const std::string& dir) {
  if (const char* packaged = std::getenv("RELAY_LAMBDA_BOOTSTRAP"); packaged && *packaged) return packaged;
  const std::string path = dir + "/bootstrap";
  std::ofstream(path) << "#!/bin/sh\nexec '" RELAY_BINARY "' lambda\n";
  if (chmod(path.c_str(), 0755) != 0) throw std::runtime_error("cannot make " + path + " executable");
  return path;
}

}  // namespace relay::testing
