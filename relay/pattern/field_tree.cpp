#include "relay/pattern/field_tree.hpp"

namespace relay::pattern {

std::uint32_t FieldTree::field_of(const std::vector<std::string>& path) {
  std::uint32_t node = kRoot;
  for (const auto& key : path) {
    std::uint32_t next = child(node, key);
    if (next == kNone) {
      next = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back();
      Node& parent = nodes_[node];
      parent.children.emplace_back(key, next);
      if (!parent.index.empty()) {
        parent.index.emplace(key, next);
      } else if (parent.children.size() > kLinearChildren) {
        parent.index.insert(parent.children.begin(), parent.children.end());
      }
    }
    node = next;
  }
  if (nodes_[node].field == kNone) nodes_[node].field = field_count_++;
  return nodes_[node].field;
}

}  // namespace relay::pattern
