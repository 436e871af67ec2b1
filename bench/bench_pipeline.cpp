// Pure pipeline throughput on one core: decode -> match -> handler -> serialize -> sign,
// per sample event, as the relay does per request. Prints events/s (items_per_second) and
// heap allocations per event (allocs_per_event, counted by the operator new below).
#include "relay/core/event.hpp"
#include "relay/core/hmac.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/config/config.hpp"
#include "relay/pipeline/pipeline.hpp"

#include <benchmark/benchmark.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

// Every C++ heap allocation of this process counted (the benchmark runs on one thread).
// The replacements pair malloc with free; g++ cannot see that through inlining and warns.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace relay;

// Samples are stored pretty-printed; EventBridge sends compact JSON, so compact them.
std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(RELAY_SOURCE_DIR "/payloads/samples/") + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return boost::json::serialize(boost::json::parse(s.str()));
}

std::shared_ptr<const pipeline::Pipeline> zero_config_pipeline() {
  std::vector<std::string> errors;
  return config::zero_config("https://webhook.example/hook", "bench-secret", errors)->pipeline;
}

void BM_Pipeline(benchmark::State& state, const char* sample) {
  const std::string body = read_sample(sample);
  auto pipe = zero_config_pipeline();
  const auto signing_time = std::chrono::system_clock::now();
  core::EventDecoder decoder;
  std::vector<boost::json::value> events;
  unsigned char arena[64 * 1024];
  std::size_t sent = 0;
  const std::uint64_t allocations_before = g_allocations.load();
  for (auto _ : state) {
    boost::json::monotonic_resource mr(arena, sizeof arena);
    events.clear();
    decoder.decode(body, events, &mr);
    pipeline::Outcome outcome;
    for (const auto& ev : events) pipe->process(ev, outcome);
    // Each delivery signed as it is sent.
    for (const auto& d : outcome.deliveries) {
      const destination::Item item{{"id", d.route, d.destination}, d.handler, d.content_type, d.body};
      auto request = pipe->destinations().find(d.destination)->request({&item, 1}, {signing_time, nullptr});
      benchmark::DoNotOptimize(request);
    }
    sent += outcome.deliveries.size();
    benchmark::DoNotOptimize(outcome);
    events.clear();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["allocs_per_event"] =
      static_cast<double>(g_allocations.load() - allocations_before) / static_cast<double>(state.iterations());
  state.counters["deliveries_per_event"] = static_cast<double>(sent) / static_cast<double>(state.iterations());
  state.counters["event_bytes"] = static_cast<double>(body.size());
}

void BM_DecodeOnly(benchmark::State& state, const char* sample) {
  const std::string body = read_sample(sample);
  core::EventDecoder decoder;
  std::vector<boost::json::value> events;
  unsigned char arena[64 * 1024];
  for (auto _ : state) {
    boost::json::monotonic_resource mr(arena, sizeof arena);
    events.clear();
    decoder.decode(body, events, &mr);
    benchmark::DoNotOptimize(events);
    events.clear();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SignOnly(benchmark::State& state) {
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  core::HmacSha256 key("bench-secret");
  for (auto _ : state) benchmark::DoNotOptimize(core::hmac_timestamp_signature(key, "2025-01-01T00:00:00.000Z", body));
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(BM_Pipeline, ecs_task_stopped, "ecs-task-stopped-exit-codes.json");
BENCHMARK_CAPTURE(BM_Pipeline, cloudwatch_alarm_action, "cloudwatch-alarm-lambda-action-metric-alarm.json");
BENCHMARK_CAPTURE(BM_Pipeline, cloudwatch_metric_math, "cloudwatch-alarm-state-change-metric-math.json");
BENCHMARK_CAPTURE(BM_Pipeline, codebuild_failed, "codebuild-build-failed.json");
BENCHMARK_CAPTURE(BM_Pipeline, ecs_task_running_unrouted, "ecs-task-state-change-fargate-running.json");
BENCHMARK_CAPTURE(BM_DecodeOnly, ecs_task_stopped, "ecs-task-stopped-exit-codes.json");
BENCHMARK(BM_SignOnly)->Arg(1024)->Arg(4096);

BENCHMARK_MAIN();
