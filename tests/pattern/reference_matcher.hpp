#pragma once
// A slow, direct reading of the pattern semantics, for checking the compiled matcher: for
// each choice of `$or` alternatives (a later leaf on a path overriding an earlier one), walks
// the pattern and the event together. A pattern object meeting an event array holds when it
// holds for one element (so fields under one array are satisfied by the same element, those
// of a `$or` alternative included), a leaf tests the scalars at its key (nested arrays
// flattened), and `exists: false` asks the whole event whether the path holds any scalar.
#include <boost/json.hpp>

namespace relay::pattern::testing {

// `pattern` must be valid.
bool reference_matches(const boost::json::value& pattern, const boost::json::value& event);

}  // namespace relay::pattern::testing
