#include "relay/observe/metrics.hpp"

#include "relay/core/json_writer.hpp"

#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

namespace relay::observe {

namespace {

constexpr std::size_t kMaxThreads = 64;
constexpr std::size_t kSlotsPerShard = 512;
constexpr std::size_t kMaxKeyBytes = 240;

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h | 1;  // never 0: 0 marks an empty slot
}

// Each thread gets a small number once, used to pick its shard in every family.
std::size_t thread_index() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t index = next.fetch_add(1) % kMaxThreads;
  return index;
}

// A label set as a slot key: each value preceded by its length in one byte, so that no
// value (whatever bytes it holds) can pose as two. Does not fit when over kMaxKeyBytes.
class LabelKey {
 public:
  explicit LabelKey(std::initializer_list<std::string_view> values) {
    for (auto v : values) {
      if (size_ + 1 + v.size() > kMaxKeyBytes) {
        fits_ = false;
        return;
      }
      bytes_[size_++] = static_cast<char>(v.size());
      std::memcpy(bytes_ + size_, v.data(), v.size());
      size_ += v.size();
    }
  }
  // nullopt when the values do not fit.
  std::optional<std::string_view> view() const {
    if (!fits_) return std::nullopt;
    return std::string_view(bytes_, size_);
  }

 private:
  char bytes_[kMaxKeyBytes];
  std::size_t size_ = 0;
  bool fits_ = true;
};

// The values of a key LabelKey wrote, in order.
std::vector<std::string_view> label_values(std::string_view key) {
  std::vector<std::string_view> out;
  while (!key.empty()) {
    const auto n = static_cast<unsigned char>(key.front());
    out.push_back(key.substr(1, n));
    key.remove_prefix(std::min(key.size(), std::size_t{1} + n));
  }
  return out;
}

void append_escaped_label(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
}

void append_number(std::string& out, double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v)) && v < 1e15 && v > -1e15) {
    out += std::to_string(static_cast<std::int64_t>(v));
  } else {
    core::append_python_float(out, v);
  }
}

}  // namespace

// Written only by its own thread; read by scrapes. A slot's key and values are allocated
// when the slot is claimed, so a shard costs memory for the label sets it has seen; they are
// set before the slot's hash is published (release), and read only after it is seen (acquire).
struct Family::Shard {
  struct Slot {
    std::atomic<std::uint64_t> hash{0};
    std::uint16_t key_size = 0;
    std::unique_ptr<char[]> key;
    std::unique_ptr<std::atomic<std::uint64_t>[]> values;
  };
  std::array<Slot, kSlotsPerShard> slots;
};

Family::Family(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)),
      values_per_slot_(buckets_.empty() ? 1 : buckets_.size() + 2),
      shards_(kMaxThreads) {
  constexpr std::string_view kOther = "other";
  for (std::size_t i = 0; i < label_names_.size(); ++i) other_key_ += static_cast<char>(kOther.size()) + std::string(kOther);
}

Family::~Family() {
  for (auto& s : shards_) delete s.load();
}

Family::Shard& Family::shard() {
  auto& slot = shards_[thread_index()];
  Shard* s = slot.load(std::memory_order_acquire);
  if (!s) {  // threads beyond kMaxThreads may share an index: the first to arrive installs it
    auto fresh = std::make_unique<Shard>();
    if (slot.compare_exchange_strong(s, fresh.get(), std::memory_order_acq_rel)) s = fresh.release();
  }
  return *s;
}

namespace {

constexpr std::uint64_t kBusy = 2;  // a slot being filled in (real hashes are odd)

// Whether `slot` holds `key`, claiming it when empty. Claiming takes the slot with a CAS,
// fills the key and `values_per_slot` zeroed values in, then publishes the hash.
template <class Slot>
bool holds(Slot& slot, std::uint64_t h, std::string_view key, std::size_t values_per_slot) {
  for (;;) {
    std::uint64_t seen = slot.hash.load(std::memory_order_acquire);
    if (seen == kBusy) continue;  // another thread sharing the shard is filling it in
    if (seen == 0) {
      if (!slot.hash.compare_exchange_strong(seen, kBusy, std::memory_order_acquire)) continue;
      slot.key = std::make_unique<char[]>(key.size());
      std::memcpy(slot.key.get(), key.data(), key.size());
      slot.key_size = static_cast<std::uint16_t>(key.size());
      slot.values = std::make_unique<std::atomic<std::uint64_t>[]>(values_per_slot);
      slot.hash.store(h, std::memory_order_release);
      return true;
    }
    return seen == h && std::string_view(slot.key.get(), slot.key_size) == key;
  }
}

// The values of `key`'s slot in `shard`; the last slot is kept for `other_key`, used when the
// table is full or the key too long.
template <class Shard>
std::atomic<std::uint64_t>* values_for(Shard& shard, const LabelKey& label_key, std::string_view other_key,
                                       std::size_t values_per_slot) {
  if (const auto key = label_key.view()) {
    const std::uint64_t h = fnv1a(*key);
    for (std::size_t probe = 0; probe < kSlotsPerShard - 1; ++probe) {
      auto& slot = shard.slots[(h + probe) % (kSlotsPerShard - 1)];
      if (holds(slot, h, *key, values_per_slot)) return slot.values.get();
    }
  }
  auto& other = shard.slots[kSlotsPerShard - 1];
  holds(other, fnv1a(other_key), other_key, values_per_slot);
  return other.values.get();
}

}  // namespace

void Family::add(std::initializer_list<std::string_view> label_values, std::uint64_t n) {
  values_for(shard(), LabelKey(label_values), other_key_, values_per_slot_)[0].fetch_add(n, std::memory_order_relaxed);
}

void Family::observe(std::initializer_list<std::string_view> label_values, double seconds) {
  auto* values = values_for(shard(), LabelKey(label_values), other_key_, values_per_slot_);
  std::size_t bucket = 0;
  while (bucket < buckets_.size() && seconds > buckets_[bucket]) ++bucket;
  values[bucket].fetch_add(1, std::memory_order_relaxed);
  values[buckets_.size() + 1].fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Family::render(std::string& out) const {
  // Sum every shard's slots by label key.
  std::map<std::string, std::vector<std::uint64_t>> totals;
  for (const auto& shard_ptr : shards_) {
    const Shard* s = shard_ptr.load(std::memory_order_acquire);
    if (!s) continue;
    for (const auto& slot : s->slots) {
      const auto h = slot.hash.load(std::memory_order_acquire);
      if (h == 0 || h == kBusy) continue;
      auto& sum = totals[std::string(slot.key.get(), slot.key_size)];
      sum.resize(values_per_slot_);
      for (std::size_t v = 0; v < values_per_slot_; ++v) sum[v] += slot.values[v].load(std::memory_order_relaxed);
    }
  }
  out += "# HELP " + name_ + " " + help_ + "\n# TYPE " + name_ + (buckets_.empty() ? " counter\n" : " histogram\n");
  auto labels = [&](const std::string& key, std::string_view extra_name, std::string_view extra_value) {
    std::string l;
    const auto values = label_values(key);
    for (std::size_t i = 0; i < label_names_.size(); ++i) {
      l += (l.empty() ? "" : ",") + label_names_[i] + "=\"";
      if (i < values.size()) append_escaped_label(l, values[i]);
      l += "\"";
    }
    if (!extra_name.empty()) l += (l.empty() ? "" : ",") + std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
    return l.empty() ? l : "{" + l + "}";
  };
  for (const auto& [key, v] : totals) {
    if (buckets_.empty()) {
      out += name_ + labels(key, {}, {}) + " " + std::to_string(v[0]) + "\n";
      continue;
    }
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= buckets_.size(); ++b) {
      cumulative += v[b];
      std::string le;
      if (b < buckets_.size())
        append_number(le, buckets_[b]);
      else
        le = "+Inf";
      out += name_ + "_bucket" + labels(key, "le", le) + " " + std::to_string(cumulative) + "\n";
    }
    std::string sum;
    append_number(sum, static_cast<double>(v[buckets_.size() + 1]) / 1e6);
    out += name_ + "_sum" + labels(key, {}, {}) + " " + sum + "\n";
    out += name_ + "_count" + labels(key, {}, {}) + " " + std::to_string(cumulative) + "\n";
  }
}

Registry::Registry() = default;
Registry::~Registry() = default;

Family& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
  families_.push_back(std::unique_ptr<Family>(new Family(std::move(name), std::move(help), std::move(label_names), {})));
  return *families_.back();
}

Family& Registry::histogram(std::string name, std::string help, std::vector<std::string> label_names,
                            std::vector<double> buckets) {
  if (buckets.empty()) throw std::invalid_argument("a histogram needs buckets");
  families_.push_back(
      std::unique_ptr<Family>(new Family(std::move(name), std::move(help), std::move(label_names), std::move(buckets))));
  return *families_.back();
}

void Registry::gauge(std::string name, std::string help, std::function<double()> read) {
  reads_.push_back({std::move(name), std::move(help), "gauge", {}, [read = std::move(read)] {
                      return LabelledValues{{{}, read()}};
                    }});
}

void Registry::counter_read(std::string name, std::string help, std::function<double()> read) {
  reads_.push_back({std::move(name), std::move(help), "counter", {}, [read = std::move(read)] {
                      return LabelledValues{{{}, read()}};
                    }});
}

void Registry::labelled_gauge(std::string name, std::string help, std::string label_name,
                              std::function<LabelledValues()> read) {
  reads_.push_back({std::move(name), std::move(help), "gauge", std::move(label_name), std::move(read)});
}

std::string Registry::render() const {
  std::string out;
  for (const auto& f : families_) f->render(out);
  for (const auto& r : reads_) {
    out += "# HELP " + r.name + " " + r.help + "\n# TYPE " + r.name + " " + r.type + "\n";
    for (const auto& [label, value] : r.read()) {
      out += r.name;
      if (!r.label_name.empty()) {
        out += "{" + r.label_name + "=\"";
        append_escaped_label(out, label);
        out += "\"}";
      }
      out += " ";
      append_number(out, value);
      out += "\n";
    }
  }
  return out;
}

}  // namespace relay::observe
