// Matching cost grows linearly with the event when patterns name several fields under one
// parent and the event makes that parent a long array of objects (event-ruler's array
// consistency). Each case compares the time for N and 10·N elements inside one run, so a
// slow or busy machine changes both sides alike; a quadratic matcher shows a ratio near 100.
#include "relay/pattern/matcher.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <string>

namespace relay::pattern {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using Ids = std::vector<std::uint32_t>;

// Enough elements that the smaller event takes a few milliseconds.
constexpr std::size_t kElements = 16000;
constexpr double kMaxRatio = 30;
constexpr int kRepeats = 5;
// Once this is spent on the large event, a sample above the bound ends the measuring.
constexpr std::chrono::seconds kLargeBudget{2};

Matcher build(const std::vector<std::string>& patterns) {
  MatcherBuilder builder;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const auto error = builder.add(static_cast<std::uint32_t>(i), patterns[i]);
    EXPECT_FALSE(error) << error->message();
  }
  return std::move(builder).build();
}

// One event read the way a caller hands it over: parsed (as the server does) or as text.
struct Input {
  json::value value;
  std::string text;
};

Input input_of(json::value event) {
  std::string text = json::serialize(event);
  return {std::move(event), std::move(text)};
}

double seconds_of(const std::function<void()>& run) {
  const auto start = Clock::now();
  run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void match(const Matcher& matcher, const Input& input, bool as_text, Ids& out) {
  if (as_text) {
    ASSERT_TRUE(matcher.match_json(input.text, out));
  } else {
    matcher.match(input.value, out);
  }
}

// Asserts the matches of the events made with n and 10·n elements, then that the larger
// takes less than kMaxRatio times as long, each time being the least of several runs.
void expect_linear(const std::vector<std::string>& patterns, const std::function<json::value(std::size_t)>& make_event,
                   std::size_t n, const Ids& expected) {
  const Matcher matcher = build(patterns);
  const Input small = input_of(make_event(n));
  const Input large = input_of(make_event(10 * n));
  Ids out;
  for (const bool as_text : {false, true}) {
    const char* how = as_text ? "match_json" : "match";
    for (const Input* input : {&small, &large}) {
      match(matcher, *input, as_text, out);
      EXPECT_EQ(out, expected) << how << " on " << input->text.size() << " bytes";
    }
    double small_time = 1e9;
    for (int i = 0; i < kRepeats; ++i) {
      small_time = std::min(small_time, seconds_of([&] { match(matcher, small, as_text, out); }));
    }
    double large_time = 1e9;
    const auto large_start = Clock::now();
    for (int i = 0; i < kRepeats && large_time >= kMaxRatio * small_time; ++i) {
      if (i > 0 && Clock::now() - large_start > kLargeBudget) break;
      large_time = std::min(large_time, seconds_of([&] { match(matcher, large, as_text, out); }));
    }
    const double ratio = large_time / small_time;
    std::cout << "[ scaling  ] " << how << ": " << n << " elements " << small_time * 1e3 << " ms, " << 10 * n
              << " elements " << large_time * 1e3 << " ms, ratio " << ratio << "\n";
    EXPECT_LT(ratio, kMaxRatio) << how << ": " << n << " elements took " << small_time * 1e3 << " ms, " << 10 * n
                                << " took " << large_time * 1e3 << " ms";
  }
}

json::object container(const char* name, int exit_code) { return {{"name", name}, {"exitCode", exit_code}}; }

// `name` "x" in even elements and `exitCode` 1 in odd ones, so a pair of values that fits
// one element is rare; element 0 holds both when `first_fits`.
json::array alternating(std::size_t n, bool first_fits) {
  json::array containers;
  containers.reserve(n);
  for (std::size_t i = 0; i < n; ++i) containers.push_back(i % 2 ? container("y", 1) : container("x", 0));
  if (first_fits) containers[0] = container("x", 1);
  return containers;
}

json::value in_detail(const char* key, json::value inside) {
  return {{"source", "aws.ecs"}, {"detail", {{key, std::move(inside)}}}};
}

const std::string kContainerPattern = R"({"detail": {"containers": {"name": ["x"], "exitCode": [1]}}})";

TEST(Scaling, TwoFieldsUnderOneArrayMatchedInOneElement) {
  const auto event = [](std::size_t n) { return in_detail("containers", alternating(n, true)); };
  expect_linear({kContainerPattern}, event, kElements, {0});
}

TEST(Scaling, TwoFieldsUnderOneArrayHeldByNoElement) {
  const auto event = [](std::size_t n) { return in_detail("containers", alternating(n, false)); };
  expect_linear({kContainerPattern}, event, kElements, {});
}

// Tasks each holding an array of arrays of containers: the pattern's fields meet at two
// levels, and only the first task's first container fits.
TEST(Scaling, ArraysInsideArraysOfObjects) {
  const std::string pattern =
      R"({"detail": {"tasks": {"group": ["g"], "containers": {"name": ["x"], "exitCode": [1]}}}})";
  const auto tasks = [](std::size_t n) {
    json::array tasks;
    const json::array all = alternating(n, true);
    for (std::size_t t = 0; t * 8 < n; ++t) {
      json::array pairs;
      for (std::size_t i = t * 8; i < std::min(n, t * 8 + 8); i += 2) {
        json::array pair{all[i]};
        if (i + 1 < n) pair.push_back(all[i + 1]);
        pairs.push_back(std::move(pair));
      }
      tasks.push_back(json::object{{"group", "g"}, {"containers", std::move(pairs)}});
    }
    return in_detail("tasks", std::move(tasks));
  };
  expect_linear({pattern}, tasks, kElements, {0});
}

// Eight patterns over the same array, each with a pair of values that only one element
// (a different one for each) holds together, and one that no element holds.
TEST(Scaling, SeveralPatternsSharingOneParent) {
  std::vector<std::string> patterns;
  for (int p = 0; p < 8; ++p) {
    patterns.push_back(R"({"detail": {"containers": {"name": ["n)" + std::to_string(p) + R"("], "exitCode": [)" +
                       std::to_string(p) + R"(], "image": [{"prefix": "repo/"}]}}})");
  }
  patterns.push_back(R"({"detail": {"containers": {"name": ["n0"], "exitCode": [5]}}})");
  const auto containers = [](std::size_t n) {
    json::array containers;
    for (std::size_t i = 0; i < n; ++i) {
      const auto p = static_cast<int>(i % 8);
      // Element p (of the first eight) pairs name p with exit code p; the rest shift them.
      const int exit_code = i < 8 ? p : (p + 1) % 8;
      containers.push_back(json::object{{"name", "n" + std::to_string(p)}, {"exitCode", exit_code}, {"image", "repo/app"}});
    }
    return in_detail("containers", std::move(containers));
  };
  expect_linear(patterns, containers, kElements, {0, 1, 2, 3, 4, 5, 6, 7});
}

}  // namespace
}  // namespace relay::pattern
