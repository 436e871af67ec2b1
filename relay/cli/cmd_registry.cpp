// `relay destinations put|delete|list` and `relay routes put|delete|list`: the live
// registry, written to the store the config file names (the running relays notice within
// a second). Each change is judged with the same loader as the file, and audited as
// "cli:$USER".
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "relay/cli/commands.hpp"
#include "relay/cli/registry_commands.hpp"
#include "relay/config/read_file.hpp"
#include "relay/config/registry_change.hpp"
#include "relay/config/store_config.hpp"
#include "relay/config/yaml_json.hpp"
#include "relay/net/registry_api.hpp"
#include "relay/store/open_outbox.hpp"

namespace relay::cli {

namespace {

using config::EntryKind;
using Outcome = config::RegistryVerdict::Outcome;

struct RegistryOptions {
  std::string config_file;
  std::string db;
  std::string name;
  std::string entry_file;
};

// The config file with the registry as the store holds it, and the store.
struct Opened {
  config::Config current;
  std::unique_ptr<store::Outbox> outbox;
  std::vector<store::RegistryRow> rows;
};

// A YAML or JSON file's value; nullopt (and the problem printed) when it cannot be read.
std::optional<boost::json::value> read_yaml(std::string_view command, const std::string& path) {
  std::string error;
  const auto text = config::read_file(path, error);
  if (!text) {
    std::cerr << command << ": cannot read " << error << "\n";
    return std::nullopt;
  }
  auto value = config::yaml_to_json(*text, error);
  if (!value) std::cerr << command << ": " << path << ": " << error << "\n";
  return value;
}

// Exits 1 (printed) when the file or the store cannot be read. When the file and the
// registry do not load together, `current` is the file alone as read, so a change can
// still repair them (judge_* load the result).
std::optional<Opened> open_registry(std::string_view command, const RegistryOptions& opt) {
  auto root = read_yaml(command, opt.config_file);
  if (!root) return std::nullopt;
  store::StoreSettings settings;
  std::vector<std::string> problems;
  if (const auto* s = root->get_object().if_contains("store"); s && s->is_object())
    config::read_store(s->get_object(), settings, problems);
  if (!opt.db.empty()) {
    settings.type = store::StoreType::sqlite;
    settings.path = opt.db;
  }
  for (const auto& p : problems) std::cerr << command << ": " << opt.config_file << ": " << p << "\n";
  if (!problems.empty()) return std::nullopt;
  Opened opened;
  try {
    opened.outbox = store::open_outbox(settings, false);
    opened.rows = opened.outbox->registry();
  } catch (const store::StoreError& e) {
    std::cerr << command << ": " << e.what() << "\n";
    return std::nullopt;
  }
  auto entries = config::registry_entries(opened.rows, problems);
  auto loaded = config::parse_config_source(root->get_object(), entries, problems);
  if (loaded) {
    opened.current = std::move(*loaded);
  } else {
    opened.current.source = std::move(root->get_object());
  }
  return opened;
}

std::string client_name() {
  const char* user = std::getenv("USER");
  if (!user || !*user) user = std::getenv("LOGNAME");
  return "cli:" + (user && *user ? std::string(user) : "uid" + std::to_string(getuid()));
}

// Prints why nothing was written; 1 for a bad entry, 2 for a conflict or a missing entry.
int refused(std::string_view command, const config::RegistryVerdict& verdict) {
  std::cerr << command << ": " << verdict.error << "\n";
  for (const auto& p : verdict.problems) std::cerr << command << ": " << p << "\n";
  if (!verdict.routes.empty()) {
    std::cerr << command << ": used by routes:";
    for (const auto& r : verdict.routes) std::cerr << " " << r;
    std::cerr << "\n";
  }
  return verdict.outcome == Outcome::invalid ? 1 : 2;
}

int put(EntryKind kind, const RegistryOptions& opt) {
  const std::string command = "relay " + std::string(config::section_name(kind)) + " put";
  auto opened = open_registry(command, opt);
  if (!opened) return 1;
  const auto body = read_yaml(command, opt.entry_file);
  if (!body) return 1;
  const auto verdict = config::judge_put(opened->current, opened->rows, kind, opt.name, *body);
  if (verdict.outcome != Outcome::ok) return refused(command, verdict);
  const std::int64_t version = net::version_in(opened->rows, kind, opt.name);
  const std::string kind_text(config::kind_name(kind));
  // Changed by someone else since it was read: refused rather than overwritten.
  const store::RegistryChange change{kind_text, opt.name, verdict.spec, version,
                                     {std::chrono::system_clock::now(), client_name(), "put", kind_text, opt.name,
                                      verdict.audit_spec}};
  try {
    const auto written = opened->outbox->change_registry(change);
    if (!written.done) {
      std::cerr << command << ": " << opt.name << " was changed meanwhile; nothing was written, try again\n";
      return 2;
    }
    std::cout << net::registry_put_answer(opt.name, written.version, version == 0, {}).body << "\n";
    return 0;
  } catch (const store::StoreError& e) {
    std::cerr << command << ": " << e.what() << "\n";
    return 1;
  }
}

int delete_entry(EntryKind kind, const RegistryOptions& opt) {
  const std::string command = "relay " + std::string(config::section_name(kind)) + " delete";
  auto opened = open_registry(command, opt);
  if (!opened) return 1;
  const auto verdict = config::judge_delete(opened->current, opened->rows, kind, opt.name);
  if (verdict.outcome != Outcome::ok) return refused(command, verdict);
  const std::string kind_text(config::kind_name(kind));
  const store::RegistryChange change{kind_text, opt.name, std::nullopt, net::version_in(opened->rows, kind, opt.name),
                                     {std::chrono::system_clock::now(), client_name(), "delete", kind_text, opt.name,
                                      std::nullopt}};
  try {
    if (!opened->outbox->change_registry(change).done) {
      std::cerr << command << ": " << opt.name << " was changed meanwhile; nothing was deleted, try again\n";
      return 2;
    }
    return 0;
  } catch (const store::StoreError& e) {
    std::cerr << command << ": " << e.what() << "\n";
    return 1;
  }
}

int list(EntryKind kind, const RegistryOptions& opt) {
  auto opened = open_registry("relay " + std::string(config::section_name(kind)) + " list", opt);
  if (!opened) return 1;
  std::cout << net::registry_list_answer(opened->current, opened->rows, kind).body << "\n";
  return 0;
}

void add_options(CLI::App* cmd, RegistryOptions& opt) {
  cmd->add_option("--config", opt.config_file, "Config file (YAML or JSON); its store holds the registry")->required();
  cmd->add_option("--db", opt.db, "The SQLite outbox file, overriding the config's store");
}

}  // namespace

void add_registry_subcommands(CLI::App& parent, EntryKind kind, int& exit_code) {
  const std::string noun(config::kind_name(kind));
  auto opt = std::make_shared<RegistryOptions>();
  auto* put_cmd = parent.add_subcommand(
      "put", "Add or replace a registry " + noun +
                 " (FILE: the entry as the config file writes it, YAML or JSON; - for stdin)");
  put_cmd->add_option("name", opt->name, "The " + noun + "'s name")->required();
  put_cmd->add_option("file", opt->entry_file, "The entry (YAML or JSON), - for standard input")->required();
  add_options(put_cmd, *opt);
  put_cmd->callback([opt, kind, &exit_code] { exit_code = put(kind, *opt); });
  auto* delete_cmd = parent.add_subcommand("delete", "Remove a registry " + noun);
  delete_cmd->add_option("name", opt->name, "The " + noun + "'s name")->required();
  add_options(delete_cmd, *opt);
  delete_cmd->callback([opt, kind, &exit_code] { exit_code = delete_entry(kind, *opt); });
  auto* list_cmd = parent.add_subcommand("list", "Print the " + std::string(config::section_name(kind)) +
                                                     " of the config file and the registry (secrets redacted)");
  add_options(list_cmd, *opt);
  list_cmd->callback([opt, kind, &exit_code] { exit_code = list(kind, *opt); });
}

void add_routes_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("routes", "Change the live registry's routes");
  cmd->require_subcommand(1);
  add_registry_subcommands(*cmd, EntryKind::route, exit_code);
}

}  // namespace relay::cli
