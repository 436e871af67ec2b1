#include "relay/config/store_config.hpp"

#include "relay/config/secret_ref.hpp"
#include "relay/core/object_reader.hpp"
#include "relay/store/pg_connection.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace relay::config {

using namespace std::chrono_literals;

void read_store(const boost::json::object& o, store::StoreSettings& out, std::vector<std::string>& errors) {
  core::ObjectReader s(o, "store", errors);
  const bool postgres = s.choice("type", "sqlite", {"sqlite", "postgres"}) == "postgres";
  out.type = postgres ? store::StoreType::postgres : store::StoreType::sqlite;
  static const std::vector<std::string_view> sqlite_keys{"path", "synchronous", "busy_timeout"};
  static const std::vector<std::string_view> postgres_keys{"url", "statement_timeout"};
  for (const auto key : postgres ? sqlite_keys : postgres_keys)
    if (s.value(key)) s.error(key, postgres ? "only for type: sqlite" : "only for type: postgres");
  if (postgres) {
    out.url = read_secret(s, "url", true);
    if (!out.url.empty())
      if (auto problem = store::postgres_url_problem(out.url)) s.error("url", *problem);
    out.statement_timeout = s.duration("statement_timeout", 10s);
  } else {
    out.path = s.string("path", out.path);
    out.synchronous_full = s.choice("synchronous", "full", {"full", "normal"}) == "full";
    out.busy_timeout = s.duration("busy_timeout", 5s);
  }
  out.max_bytes = static_cast<std::size_t>(s.integer("max_bytes", 0, 0, std::int64_t{1} << 50));
  if (out.max_bytes != 0 && out.max_bytes < (64 << 10)) s.error("max_bytes", "expected 0 (no cap) or at least 65536");
  out.retention = s.duration("retention", 7 * 24h);
  s.reject_unknown();
}

}  // namespace relay::config
