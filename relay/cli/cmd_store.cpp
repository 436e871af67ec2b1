// `relay store migrate`: the PostgreSQL outbox's schema migrations, printed (what would run)
// or applied. relay serve applies them itself at start; this is for operators who migrate
// before rolling out, or with a role that may change the schema while relays' may not.
#include "relay/cli/commands.hpp"
#include "relay/cli/load_config.hpp"
#include "relay/store/open_outbox.hpp"
#include "relay/store/postgres_schema.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace relay::cli {

namespace {

struct MigrateOptions {
  std::string config_file;
  bool apply = false;
};

int migrate(const MigrateOptions& opt) {
  constexpr std::string_view command = "relay store migrate";
  auto cfg = load_config(command, opt.config_file);
  if (!cfg) return 2;
  if (cfg->store.type == store::StoreType::sqlite) {
    std::cout << store::store_description(cfg->store) << ": the SQLite outbox creates its schema when it is opened;"
              << " nothing to migrate\n";
    return 0;
  }
  try {
    store::PgConnection db(cfg->store.url, cfg->store.statement_timeout);
    const int at = store::postgres_schema_version(db);
    const auto all = store::postgres_migrations();
    if (at > all.back().version) {
      std::cerr << command << ": the database's relay schema is version " << at << ", newer than this relay knows ("
                << all.back().version << "): run a newer relay\n";
      return 1;
    }
    if (opt.apply) {
      const auto applied = store::migrate_postgres(db);
      std::cout << store::store_description(cfg->store) << ": " << applied.size() << " migration(s) applied; schema at version "
                << all.back().version << "\n";
      return 0;
    }
    int pending = 0;
    for (const auto& m : all) {
      if (m.version <= at) continue;
      ++pending;
      std::cout << "-- migration " << m.version << m.sql << "\n";
    }
    std::cout << "-- " << store::store_description(cfg->store) << " is at schema version " << at << "; " << pending
              << " migration(s) to apply (relay store migrate --apply, or relay serve at start)\n";
    return 0;
  } catch (const store::StoreError& e) {
    std::cerr << command << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_store_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("store", "Work with the outbox's database");
  cmd->require_subcommand(1);
  auto opt = std::make_shared<MigrateOptions>();
  auto* m = cmd->add_subcommand("migrate", "Print the PostgreSQL schema migrations the database lacks, or apply them");
  m->add_option("--config", opt->config_file, "Config file whose store to use")->required();
  m->add_flag("--apply", opt->apply, "Apply them (under an advisory lock, so concurrent runs migrate once)");
  m->callback([opt, &exit_code] { exit_code = migrate(*opt); });
}

}  // namespace relay::cli
