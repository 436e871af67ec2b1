#pragma once
// The durable outbox: accepted events' deliveries, their state machine
//   pending -> in flight (leased) -> delivered | pending again at T | dead
// and the log of every attempt. A lease that expires (the process died mid-delivery)
// makes the delivery due again: at-least-once, never lost. A store with a single owner
// makes its dead process's leases due at once instead (recover_own_leases). Implementations
// throw StoreError when the database cannot be read or written.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace relay::store {

using TimePoint = std::chrono::system_clock::time_point;

// What kind of failure a StoreError is, so callers choose by kind: unavailable (the database
// cannot be reached or is shutting down: try again later), full (no room for more), conflict
// (a concurrent transaction won: retry), corrupt (the data cannot be read), incompatible (a
// schema newer than this relay knows), failed (anything else).
enum class StoreFault { failed, unavailable, full, conflict, corrupt, incompatible };

struct StoreError : std::runtime_error {
  explicit StoreError(const std::string& what, StoreFault kind = StoreFault::failed)
      : std::runtime_error(what), fault(kind) {}
  StoreFault fault;
};

struct NewDelivery {
  std::string route;
  std::string destination;
  std::string content_type;
  std::string body;  // unsigned: each attempt is signed when it is sent
};

struct NewEvent {
  std::string event_id;
  std::string source;
  std::string detail_type;
  std::vector<NewDelivery> deliveries;
};

// A delivery leased to one sender. `attempt` (1 for the first) fences finish(): a sender
// whose lease expired and was re-claimed cannot record over the newer attempt.
struct Claimed {
  std::int64_t id = 0;
  int attempt = 0;
  std::string event_id;
  std::string route;
  std::string destination;
  std::string content_type;
  std::string body;
};

// Up to `limit` of the deliveries accept() stores may be stored leased to the caller, as
// claim() would lease them (first attempt, for `duration`), none for a destination in
// `skip`: a sender with room takes fresh deliveries without reading them back.
struct LeaseOnAccept {
  std::size_t limit = 0;
  std::chrono::milliseconds duration{0};
  std::vector<std::string> skip;
};

struct AcceptResult {
  std::size_t stored = 0;
  std::size_t duplicates = 0;  // same event id, route and destination within the dedupe window
  std::vector<Claimed> leased;  // the stored deliveries that were leased (LeaseOnAccept)
};

enum class State { pending, in_flight, delivered, dead };
std::string_view state_name(State s);
std::optional<State> parse_state(std::string_view name);

struct Attempt {
  TimePoint started;
  std::chrono::milliseconds latency{0};
  int status = 0;          // HTTP status; 0 when no answer came
  std::string error;       // network or protocol error, empty on an answer
  std::string response;    // the first few KB of the response body
};

// postpone: the attempt could not be made (its destination's credentials are unavailable):
// pending again at `retry_at`, and it does not count as an attempt (the next one reuses its
// number, replacing its log entry).
enum class Verdict { delivered, retry, dead, postpone };

// One attempt's record for finish_all: the claim it settles (id and attempt number, the
// fence), what happened, and the verdict; `retry_at` is used for retry and postpone.
struct Finish {
  std::int64_t id = 0;
  int attempt = 0;
  Attempt result;
  Verdict verdict = Verdict::delivered;
  TimePoint retry_at;
};

struct DeliveryRow {
  std::int64_t id = 0;
  std::string event_id, source, detail_type, route, destination;
  State state = State::pending;
  int attempts = 0;
  TimePoint created, updated, next_attempt;
  int last_status = 0;
  std::string last_error;
};

struct AttemptRow {
  int attempt = 0;
  TimePoint started;
  std::chrono::milliseconds latency{0};
  int status = 0;
  std::string error, response;
};

struct Filter {
  std::optional<std::int64_t> id;
  std::optional<State> state;
  std::optional<std::string> destination, route, event_id;
  std::optional<TimePoint> since, until;  // on creation time
  std::size_t limit = 100;
};

struct Backlog {
  std::size_t count = 0;   // pending or in flight
  std::size_t bytes = 0;   // their bodies
  std::optional<TimePoint> oldest;  // the oldest pending delivery's creation
  std::size_t dead = 0;
  std::map<std::string, std::size_t> dead_by_destination;  // destinations with dead letters only
};

// A live-registry entry (a destination or route added at run time): its spec is the
// entry as the config file writes it, as JSON text. `version` is the registry generation
// that wrote it, so a name deleted and added again never gets an old version back.
struct RegistryRow {
  std::string kind;  // "destination" or "route"
  std::string name;
  std::string spec;
  std::int64_t version = 0;
  TimePoint updated;
};

// One registry change as the audit log keeps it; `spec` as the caller gave it (secrets
// redacted), none for a delete.
struct AuditRow {
  TimePoint time;
  std::string client;  // the address the change came from, or "cli:USER"
  std::string action;  // "put" or "delete"
  std::string kind, name;
  std::optional<std::string> spec;
};

// Put (`spec` set) or delete one entry, if its version is `expected` (0: absent; nullopt:
// whatever it is); `audit` is recorded with it, in the same transaction.
struct RegistryChange {
  std::string kind, name;
  std::optional<std::string> spec;
  std::optional<std::int64_t> expected;
  AuditRow audit;
};

// done: the change was made and `version` is the entry's new one (a delete's generation).
// Otherwise nothing changed and `version` is the entry's current one (0: absent): the
// expectation was stale, or a delete found nothing.
struct RegistryWrite {
  bool done = false;
  std::int64_t version = 0;
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Runs `work`, and the calls it makes on this outbox commit together when it returns:
  // one durable write for all of them. Each call stays all or nothing on its own (one that
  // throws leaves nothing behind, the others still commit). Throws when the common commit
  // fails, and then none of them took effect. A backend may commit each call by itself.
  virtual void together(const std::function<void()>& work) { work(); }

  // Stores every event's deliveries in one transaction (all or nothing), skipping those
  // already accepted within `dedupe_window`, and leases some of them as `lease` allows (a
  // backend may lease none: its deliveries are then claimed). One result per event, in order.
  virtual std::vector<AcceptResult> accept(std::span<const NewEvent> events, TimePoint now,
                                           std::chrono::milliseconds dedupe_window,
                                           const LeaseOnAccept& lease = {}) = 0;

  // Leases up to `limit` due deliveries: pending ones due by `now`, and in-flight ones whose
  // lease ran out; none for the destinations in `skip` (paused ones), which stay as they are.
  virtual std::vector<Claimed> claim(TimePoint now, std::size_t limit, std::chrono::milliseconds lease,
                                     std::span<const std::string> skip = {}) = 0;

  // For a store with one owner only (the embedded SQLite file, whose owner holds its
  // OwnerLock), called by that owner when it opens the store, before claiming: every lease
  // still running was taken by an owner that is gone, so those deliveries fall due at `now`.
  // Returns how many. Never called on a store several relays share: their leases are alive.
  virtual std::size_t recover_own_leases(TimePoint now) = 0;

  // Records attempts and their verdicts in one transaction. One flag per entry: false (and
  // nothing recorded for it) when its lease was lost to a newer attempt.
  virtual std::vector<bool> finish_all(std::span<const Finish> batch) = 0;

  // finish_all for one attempt.
  bool finish(const Claimed& delivery, const Attempt& attempt, Verdict verdict, TimePoint retry_at) {
    const Finish one{delivery.id, delivery.attempt, attempt, verdict, retry_at};
    return finish_all({&one, 1}).front();
  }

  virtual std::vector<DeliveryRow> deliveries(const Filter& filter) = 0;
  virtual std::optional<DeliveryRow> delivery(std::int64_t id) = 0;
  virtual std::vector<AttemptRow> attempts(std::int64_t delivery_id) = 0;
  // A delivery's body while it is kept (a backend may drop it once delivered).
  virtual std::optional<std::string> body(std::int64_t delivery_id) = 0;

  // Dead letters matching `filter` (its state is ignored) become pending, due now.
  virtual std::size_t replay(const Filter& filter, TimePoint now) = 0;
  // Deletes delivered rows (and their attempts) older than `before`, and dedupe records
  // older than `seen_before`. Dead letters stay until replayed or purged.
  virtual std::size_t prune(TimePoint before, TimePoint seen_before) = 0;
  // Deletes dead letters matching `filter`.
  virtual std::size_t purge_dead(const Filter& filter) = 0;

  virtual Backlog backlog() = 0;
  // Folds a write-ahead log (where the backend keeps one) back into the store and trims it,
  // without waiting for readers; false when they kept it from finishing.
  virtual bool checkpoint() = 0;
  // The time the next delivery falls due, if any is waiting, leaving out the destinations in `skip`.
  virtual std::optional<TimePoint> next_due(std::span<const std::string> skip = {}) = 0;

  // The value kept under `name` (relay's own state, such as its OAuth signing key); when
  // there is none yet, `candidate` is kept and returned. Atomic: relays starting together
  // on one store all get the value the first of them kept.
  virtual std::string kept_value(const std::string& name, const std::string& candidate) = 0;

  // The live registry, shared by every relay on the store. A backend without one throws
  // StoreError from each call.
  virtual std::vector<RegistryRow> registry() { throw no_registry(); }
  virtual RegistryWrite change_registry(const RegistryChange&) { throw no_registry(); }
  // Counts the registry's changes: a relay that saw generation N has seen every entry as it
  // is while the generation is still N. One cheap read, for polling.
  virtual std::int64_t registry_generation() { throw no_registry(); }
  // The newest `limit` audit entries, newest first.
  virtual std::vector<AuditRow> audit(std::size_t /*limit*/) { throw no_registry(); }

 private:
  static StoreError no_registry() { return StoreError("this store keeps no registry"); }
};

}  // namespace relay::store
