#include "handlers/registry.hpp"

#include "handlers/cloudtrail_denied.hpp"
#include "handlers/cloudwatch_alarm.hpp"
#include "handlers/codebuild.hpp"
#include "handlers/codepipeline.hpp"
#include "handlers/devramps.hpp"
#include "handlers/ecs_task.hpp"
#include "handlers/raw.hpp"
#include "handlers/template.hpp"

#include <array>

namespace relay::handlers {

namespace {
const std::array kHandlers = {
    HandlerInfo{"cloudwatch_alarm", true, make_cloudwatch_alarm},
    HandlerInfo{"ecs_task", true, make_ecs_task},
    HandlerInfo{"codebuild", true, make_codebuild},
    HandlerInfo{"codepipeline", true, make_codepipeline},
    HandlerInfo{"cloudtrail_denied", true, make_cloudtrail_denied},
    HandlerInfo{"devramps", true, make_devramps},
    HandlerInfo{"template", false, make_template},
    HandlerInfo{"raw", false, make_raw},
};
}  // namespace

std::span<const HandlerInfo> builtin_handlers() { return kHandlers; }

const HandlerInfo* find_handler(std::string_view name) {
  for (const auto& h : kHandlers)
    if (h.name == name) return &h;
  return nullptr;
}

}  // namespace relay::handlers
