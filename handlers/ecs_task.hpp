#pragma once
// "ECS Task State Change" with lastStatus STOPPED -> incident with the seed's field set and
// description, plus the stop code and each container's exit code. Options: priority.
#include "handlers/handler.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <vector>

namespace relay::handlers {

std::unique_ptr<Handler> make_ecs_task(const HandlerArgs& args);

}  // namespace relay::handlers
