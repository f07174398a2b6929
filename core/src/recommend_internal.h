// The recommend command's JSON edge (core/src only): a machine and a use case in, the runnable
// catalog models ranked by published quality (recommend.cpp); and detect, the machine itself.
#pragma once

#include <nlohmann/json.hpp>

#include "runcheck/result.h"

namespace runcheck {
Result<nlohmann::json> recommend_json(const nlohmann::json& req);
// detect.cpp: what the browser exposes about its GPU and memory -> the catalog entry, or why not.
Result<nlohmann::json> detect_json(const nlohmann::json& req);
}  // namespace runcheck
