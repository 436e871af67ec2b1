#pragma once
// CodePipeline Pipeline, Stage and Action Execution State Change whose state is in
// `states` (default FAILED) -> incident naming the pipeline, stage, action, execution id
// and the failure summary when the event has one. Options: priority, states.
#include "handlers/handler.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <vector>

namespace relay::handlers {

std::unique_ptr<Handler> make_codepipeline(const HandlerArgs& args);

}  // namespace relay::handlers
