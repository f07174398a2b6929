// The recommend command's JSON edge (core/src only): a machine and a use case in, the runnable
// catalog models ranked by published quality (recommend.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include "runcheck/result.h"

namespace runcheck {
Result<nlohmann::json> recommend_json(const nlohmann::json& req);
}  // namespace runcheck
