#pragma once
// Collects an event's values at the fields of a FieldTree, from JSON text or a parsed value.
#include "relay/pattern/event_fields.hpp"
#include "relay/pattern/field_tree.hpp"

#include <boost/json/fwd.hpp>

#include <string_view>

namespace relay::pattern {

// Validates the whole text while reading only the named subtrees; false when the text is
// not JSON or nests deeper than kMaxEventDepth along a named path.
bool read_event(std::string_view json_text, const FieldTree& tree, EventFields& out);

// Values nested deeper than kMaxEventDepth along a named path are left out.
void read_event(const boost::json::value& event, const FieldTree& tree, EventFields& out);

inline constexpr std::size_t kMaxEventDepth = 1000;

}  // namespace relay::pattern
