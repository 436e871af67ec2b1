#include "handlers/registry.hpp"

#include "handlers/cloudwatch_alarm.hpp"
#include "handlers/codebuild.hpp"
#include "handlers/ecs_task.hpp"

#include <array>

namespace relay::handlers {

namespace {
const std::array kHandlers = {
    HandlerInfo{"cloudwatch_alarm", true, make_cloudwatch_alarm},
    HandlerInfo{"ecs_task", true, make_ecs_task},
    HandlerInfo{"codebuild", true, make_codebuild},
};
}  // namespace

std::span<const HandlerInfo> builtin_handlers() { return kHandlers; }

const HandlerInfo* find_handler(std::string_view name) {
  for (const auto& h : kHandlers)
    if (h.name == name) return &h;
  return nullptr;
}

}  // namespace relay::handlers
