#pragma once
// Prometheus metrics without a lock or an allocation per event: each thread counts in its
// own shard (a fixed table of label sets, written only by that thread), and a scrape sums
// the shards. A label set is stored the first time a thread sees it; when a shard's table
// is full, further new label sets count under the label value "other".
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay::observe {

class Family;

class Registry {
 public:
  Registry();
  ~Registry();

  // Families live as long as the registry; register them all before counting starts.
  Family& counter(std::string name, std::string help, std::vector<std::string> label_names);
  // Buckets are upper bounds in seconds, ascending; +Inf is added.
  Family& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                    std::vector<double> buckets);
  // A value read at scrape time (backlog depth, connections open, ...).
  void gauge(std::string name, std::string help, std::function<double()> read);
  // A count kept elsewhere (connections accepted), read at scrape time.
  void counter_read(std::string name, std::string help, std::function<double()> read);
  // Values by one label, read at scrape time: a sample per (label value, value) read.
  using LabelledValues = std::vector<std::pair<std::string, double>>;
  void labelled_gauge(std::string name, std::string help, std::string label_name, std::function<LabelledValues()> read);

  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  std::vector<std::unique_ptr<Family>> families_;
  struct Read {
    std::string name, help, type, label_name;  // label_name empty: one sample without labels
    std::function<LabelledValues()> read;
  };
  std::vector<Read> reads_;
};

class Family {
 public:
  // Counter: adds `n` for the label values (one per label name, in order).
  void add(std::initializer_list<std::string_view> label_values, std::uint64_t n = 1);
  // Histogram: records one observation of `seconds`.
  void observe(std::initializer_list<std::string_view> label_values, double seconds);

  ~Family();

 private:
  friend class Registry;
  struct Shard;
  Family(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> buckets);
  Shard& shard();
  void render(std::string& out) const;

  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;  // empty for a counter
  std::size_t values_per_slot_;  // counter: 1; histogram: buckets + 1 (+Inf) + sum
  std::string other_key_;        // "other" for every label, as a slot key
  std::vector<std::atomic<Shard*>> shards_;
};

}  // namespace relay::observe
