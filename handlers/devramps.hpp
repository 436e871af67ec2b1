#pragma once
// DevRamps pipeline events (source "devramps", seed 000): the detail types in `notify`
// (default Stage Failed, Ephemeral Deployment Failed, Stage Auto Rolled Back) -> incident
// with the pipeline, stage, step, cause, commit and dashboard URL. Options: priority, notify.
#include "handlers/handler.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <vector>

namespace relay::handlers {

std::unique_ptr<Handler> make_devramps(const HandlerArgs& args);

}  // namespace relay::handlers
