#pragma once
// What a config reload would change: routes and destinations added, removed or changed
// (compared as written in the file or the registry), and the settings a running relay cannot take without a
// restart. Pure; any thread.
#include "relay/config/config.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace relay::config {

struct NamedChanges {
  std::vector<std::string> added, removed, changed;  // names, sorted
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

struct ConfigChanges {
  NamedChanges routes;
  NamedChanges destinations;
  // One "path: problem" line per setting that differs and takes a restart (no values: some
  // are secrets).
  std::vector<std::string> needs_restart;
};

ConfigChanges diff_configs(const Config& running, const Config& next);

// {"routes": {"added": [...], "removed": [...], "changed": [...]}, "destinations": {...}}
boost::json::object changes_json(const ConfigChanges& changes);

}  // namespace relay::config
