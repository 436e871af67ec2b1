#pragma once
// The event forwarded as received (compact JSON; an alarm action as the envelope relay made
// of it): a pass-through relay with signing, retries and the dead-letter queue. No options.
#include "handlers/handler.hpp"

#include <memory>

namespace relay::handlers {

std::unique_ptr<Handler> make_raw(const HandlerArgs& args);

}  // namespace relay::handlers
