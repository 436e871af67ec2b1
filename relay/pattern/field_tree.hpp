#pragma once
// The object keys patterns name, as a tree from the event's root. Reading an event follows
// it and skips every subtree no pattern names.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relay/pattern/string_map.hpp"

namespace relay::pattern {

class FieldTree {
 public:
  static constexpr std::uint32_t kRoot = 0;
  static constexpr std::uint32_t kNone = UINT32_MAX;

  FieldTree() : nodes_(1) {}

  // The field id of `path`, created on first use; ids count up from 0.
  std::uint32_t field_of(const std::vector<std::string>& path);
  std::uint32_t field_count() const { return field_count_; }

  // The child of `node` under `key`, or kNone.
  std::uint32_t child(std::uint32_t node, std::string_view key) const {
    const Node& n = nodes_[node];
    if (!n.index.empty()) {
      const auto it = n.index.find(key);
      return it == n.index.end() ? kNone : it->second;
    }
    for (const auto& [name, id] : n.children) {
      if (name == key) return id;
    }
    return kNone;
  }
  bool has_children(std::uint32_t node) const { return !nodes_[node].children.empty(); }
  // The field id tested at `node`, or kNone when patterns only name keys below it.
  std::uint32_t field(std::uint32_t node) const { return nodes_[node].field; }

 private:
  struct Node {
    std::vector<std::pair<std::string, std::uint32_t>> children;
    StringMap<std::uint32_t> index;  // filled once a node has many children
    std::uint32_t field = kNone;
  };
  static constexpr std::size_t kLinearChildren = 8;

  std::vector<Node> nodes_;
  std::uint32_t field_count_ = 0;
};

}  // namespace relay::pattern
