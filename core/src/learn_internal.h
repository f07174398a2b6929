// The learn command's JSON edge (core/src only): {"command":"learn"} lists the glossary,
// {"command":"learn","term":ID} renders one entry through the engine.
#pragma once

#include <nlohmann/json.hpp>

#include "runcheck/result.h"

namespace runcheck {
Result<nlohmann::json> learn_json(const nlohmann::json& req);
}  // namespace runcheck
