// Accuracy report: published measurements (CSV text in the calibration format) vs the engine.
#pragma once

#include <nlohmann/json.hpp>

#include "runcheck/result.h"

namespace runcheck {

// Request: {"csv": "<file text>"}. Response: per-metric count / median / p90 / max absolute
// error (%), OOM agreement, every scored row, and every row it could not map (with why).
Result<nlohmann::json> accuracy_json(const nlohmann::json& request);

// Speed rows (tg_tps / pp_tps) of a measurements CSV mapped to catalog ids: the benchmark rows
// catalog/benchmarks.json ships (`make benchmarks`). Unmappable rows are listed, not dropped.
Result<nlohmann::json> benchmarks_from_csv(const nlohmann::json& request);

}  // namespace runcheck
