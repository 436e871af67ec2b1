#include "relay/store/outbox.hpp"

namespace relay::store {

std::string_view state_name(State s) {
  switch (s) {
    case State::pending: return "pending";
    case State::in_flight: return "in_flight";
    case State::delivered: return "delivered";
    case State::dead: return "dead";
  }
  return "pending";
}

std::optional<State> parse_state(std::string_view name) {
  for (State s : {State::pending, State::in_flight, State::delivered, State::dead})
    if (state_name(s) == name) return s;
  return std::nullopt;
}

}  // namespace relay::store
