// `relay deliveries` and `relay dlq`: the operator's view of the outbox (the store `relay
// serve` uses: the SQLite file or the PostgreSQL database), printed as one JSON object per line.
#include "relay/cli/commands.hpp"
#include "relay/cli/load_config.hpp"
#include "relay/store/filter_text.hpp"
#include "relay/store/row_json.hpp"
#include "relay/store/open_outbox.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

namespace relay::cli {

namespace {

struct StoreOptions {
  std::string config_file;
  std::string db;
  store::FilterText filter;
  bool all = false;
};

std::unique_ptr<store::Outbox> open_store(std::string_view command, const StoreOptions& opt) {
  store::StoreSettings settings;
  if (!opt.config_file.empty()) {
    auto cfg = load_config(command, opt.config_file);
    if (!cfg) return nullptr;
    settings = cfg->store;
  }
  if (!opt.db.empty()) {
    settings.type = store::StoreType::sqlite;
    settings.path = opt.db;
  }
  try {
    return store::open_outbox(settings, false);
  } catch (const store::StoreError& e) {
    std::cerr << command << ": " << e.what() << "\n";
    return nullptr;
  }
}

std::optional<store::Filter> filter_from(std::string_view command, const StoreOptions& opt) {
  auto parsed = store::parse_filter(opt.filter, std::chrono::system_clock::now());
  if (auto* problem = std::get_if<store::FilterProblem>(&parsed)) {
    std::string option = problem->field;
    std::replace(option.begin(), option.end(), '_', '-');
    std::cerr << command << ": " << (option == "id" ? "ID" : "--" + option) << ": " << problem->message << "\n";
    return std::nullopt;
  }
  return std::get<store::Filter>(parsed);
}

void add_filter_options(CLI::App* cmd, StoreOptions& opt, bool with_status) {
  cmd->add_option("--config", opt.config_file, "Config file whose store to use");
  cmd->add_option("--db", opt.db, "The SQLite outbox file, overriding the config's store (default: var/relay.db)");
  if (with_status) cmd->add_option("--status", opt.filter.status, "pending, in_flight, delivered or dead");
  cmd->add_option("--destination", opt.filter.destination, "Only this destination");
  cmd->add_option("--route", opt.filter.route, "Only this route");
  cmd->add_option("--event-id", opt.filter.event_id, "Only this event");
  cmd->add_option("--since", opt.filter.since, "Created at or after: 2025-01-01T00:00:00Z, or an age such as 2h");
  cmd->add_option("--until", opt.filter.until, "Created before");
}

// Runs `body` with the store and filter, mapping store failures to exit code 1.
template <class Body>
int with_store(std::string_view command, const StoreOptions& opt, Body body) {
  auto filter = filter_from(command, opt);
  if (!filter) return 2;
  auto box = open_store(command, opt);
  if (!box) return 1;
  try {
    return body(*box, *filter);
  } catch (const store::StoreError& e) {
    std::cerr << command << ": " << e.what() << "\n";
    return 1;
  }
}

int list(const StoreOptions& opt, std::optional<store::State> forced) {
  return with_store("relay deliveries", opt, [&](store::Outbox& box, store::Filter f) {
    if (forced) f.state = forced;
    std::string out;
    for (const auto& row : box.deliveries(f)) {
      store::append_delivery_json(out, row);
      out.push_back('\n');
    }
    std::cout << out;
    return 0;
  });
}

int show(const StoreOptions& opt) {
  return with_store("relay deliveries show", opt, [&](store::Outbox& box, const store::Filter& f) {
    auto row = box.delivery(*f.id);
    if (!row) {
      std::cerr << "relay deliveries show: no delivery " << *f.id << "\n";
      return 1;
    }
    std::string out;
    store::append_delivery_json(out, *row);
    out.push_back('\n');
    for (const auto& a : box.attempts(*f.id)) {
      store::append_attempt_json(out, a);
      out.push_back('\n');
    }
    std::cout << out;
    return 0;
  });
}

// Replay and purge act on dead letters only, and need an id, a filter or --all.
template <class Act>
int on_dead_letters(std::string_view command, const StoreOptions& opt, Act act) {
  if (store::narrows(opt.filter) == opt.all) {
    std::cerr << command << ": give a delivery ID, filters (--destination, --route, --event-id, --since, --until) or --all\n";
    return 2;
  }
  return with_store(command, opt, [&](store::Outbox& box, const store::Filter& f) {
    std::cout << act(box, f) << "\n";
    return 0;
  });
}

}  // namespace

void add_deliveries_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<StoreOptions>();
  auto* cmd = app.add_subcommand("deliveries", "List deliveries from the outbox, newest first (one JSON line each)");
  add_filter_options(cmd, *opt, true);
  cmd->add_option("--limit", opt->filter.limit, "At most this many (default 100)");
  auto* show_cmd = cmd->add_subcommand("show", "One delivery and every attempt of it");
  show_cmd->add_option("id", opt->filter.id, "Delivery id")->required();
  show_cmd->add_option("--config", opt->config_file, "Config file whose store to use");
  show_cmd->add_option("--db", opt->db, "The SQLite outbox file, overriding the config's store (default: var/relay.db)");
  show_cmd->callback([opt, &exit_code] { exit_code = show(*opt); });
  cmd->callback([cmd, opt, &exit_code] {
    if (cmd->get_subcommands().empty()) exit_code = list(*opt, std::nullopt);
  });
}

void add_dlq_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<StoreOptions>();
  auto* cmd = app.add_subcommand("dlq", "The dead-letter queue: deliveries that failed for good");
  cmd->require_subcommand(1);
  auto* list_cmd = cmd->add_subcommand("list", "List dead letters (one JSON line each)");
  add_filter_options(list_cmd, *opt, false);
  list_cmd->add_option("--limit", opt->filter.limit, "At most this many (default 100)");
  list_cmd->callback([opt, &exit_code] { exit_code = list(*opt, store::State::dead); });

  auto* replay = cmd->add_subcommand("replay", "Make dead letters pending again, due now; prints how many");
  replay->add_option("id", opt->filter.id, "One delivery id");
  add_filter_options(replay, *opt, false);
  replay->add_flag("--all", opt->all, "Every dead letter");
  replay->callback([opt, &exit_code] {
    exit_code = on_dead_letters("relay dlq replay", *opt, [](store::Outbox& box, const store::Filter& f) {
      return box.replay(f, std::chrono::system_clock::now());
    });
  });

  auto* purge = cmd->add_subcommand("purge", "Delete dead letters for good; prints how many");
  purge->add_option("id", opt->filter.id, "One delivery id");
  add_filter_options(purge, *opt, false);
  purge->add_flag("--all", opt->all, "Every dead letter");
  purge->callback([opt, &exit_code] {
    exit_code = on_dead_letters("relay dlq purge", *opt,
                                [](store::Outbox& box, const store::Filter& f) { return box.purge_dead(f); });
  });
}

}  // namespace relay::cli
