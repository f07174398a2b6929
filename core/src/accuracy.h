// Accuracy report: published measurements (CSV text in the calibration format) vs the engine.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runcheck/result.h"

namespace runcheck {

// Request: {"csv": "<file text>"}. Response: per-metric count / median / p90 / max absolute
// error (%), OOM agreement, every scored row, and every row it could not map (with why).
Result<nlohmann::json> accuracy_json(const nlohmann::json& request);

// Speed rows (tg_tps / pp_tps) of a measurements CSV mapped to catalog ids: the benchmark rows
// catalog/benchmarks.json ships (`make benchmarks`). Unmappable rows are listed, not dropped.
Result<nlohmann::json> benchmarks_from_csv(const nlohmann::json& request);

// One scored single-stream speed run, for the replicate summary: `config` is everything the
// engine was asked (runs with equal configs are ones it cannot tell apart).
struct ReplicateRun {
  std::string metric, config;
  std::string label;  // how the report names the configuration (model, quant, machine, runtime)
  double measured = 0, abs_error_pct = 0;
};
// Issue 17's decode p90 target: the share of runs off by more than this is what p90 counts.
inline constexpr double kReplicateOffPct = 25;
// Per metric, over configurations published more than once: how far each run lies from the
// median of the others (median, p90, runs beyond kReplicateOffPct), the engine's error on the
// same runs, and the configurations with a run beyond kReplicateOffPct ("apart", with their
// measured values).
nlohmann::json replicate_summary(const std::vector<ReplicateRun>& runs);

}  // namespace runcheck
