#pragma once
// The configured destinations, by name. Built at config load, then read-only: shared by
// every thread.
#include "relay/destination/destination.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace relay::destination {

class DestinationSet {
 public:
  void add(std::unique_ptr<Destination> destination) { all_.push_back(std::move(destination)); }

  // nullptr when none has that name.
  const Destination* find(std::string_view name) const {
    for (const auto& d : all_)
      if (d->name() == name) return d.get();
    return nullptr;
  }

  const std::vector<std::unique_ptr<Destination>>& all() const { return all_; }

 private:
  std::vector<std::unique_ptr<Destination>> all_;
};

}  // namespace relay::destination
