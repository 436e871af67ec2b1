#pragma once
// YAML (and so JSON) text to a JSON value, with YAML 1.2 core-schema typing of plain
// scalars: quoted "5" stays a string, plain 5 is a number, true/false/null are typed.
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace relay::config {

// nullopt with `error` set ("line L, column C: problem") for bad YAML, duplicate keys,
// non-string keys, aliases to themselves or documents that are not a single mapping, and
// ("line L, column C: path: problem") for a document whose aliases expand to more than
// 100,000 values beyond its size, or that nests deeper than 64 levels.
std::optional<boost::json::value> yaml_to_json(std::string_view text, std::string& error);

}  // namespace relay::config
