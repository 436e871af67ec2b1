#pragma once
// Lenient lookups for handlers, in the spirit of Python's dict.get: a missing key, or a
// value of another kind, yields the fallback instead of an error.
#include <boost/json/fwd.hpp>

#include <string>
#include <string_view>

namespace relay::core {

const boost::json::object& object_at(const boost::json::object& o, std::string_view key);
const boost::json::array& array_at(const boost::json::object& o, std::string_view key);
std::string_view string_at(const boost::json::object& o, std::string_view key, std::string_view fallback = {});
const boost::json::value* value_at(const boost::json::object& o, std::string_view key);

// The value as Python's str() would print a JSON scalar: strings as they are, numbers in
// Python's repr, true/false as True/False, null as None; arrays and objects as JSON.
std::string python_str(const boost::json::value& v);

// A flat object of scalars as Python prints a dict: {'InstanceId': 'i-123', 'n': 5}.
std::string python_dict_repr(const boost::json::object& o);

}  // namespace relay::core
