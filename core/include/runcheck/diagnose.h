// The `diagnose` command (the JSON edge of Troubleshoot): {"log": "<pasted text>"} and optional
// overrides (model, quant, hardware, context, ram_gb, runtime) -> the facts the log shows, the
// request it implies, runcheck's estimate for it, the log's buffers beside runcheck's, findings
// (what overflowed and by how much, CPU fallback, memory held by others ...), checked fixes and
// the errors-knowledge-base entries the log's lines match.
#pragma once

#include <nlohmann/json.hpp>

#include "runcheck/result.h"

namespace runcheck {

Result<nlohmann::json> diagnose_json(const nlohmann::json& request);

}  // namespace runcheck
