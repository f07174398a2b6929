// "Will it run?": a request (model, quant, context, runtime, machine) -> memory per device,
// placement, verdict, commands.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "runcheck/engine.h"
#include "runcheck/result.h"

namespace runcheck {

// The request fields the estimate reads (every other key is refused by name).
const std::vector<std::string_view>& estimate_fields();

// Validates the request fields (each error names its field) and computes the estimate.
Result<nlohmann::json> estimate_json(const nlohmann::json& request);

// The JSON edge of the typed engine (runcheck/engine.h): a request's fields read into an
// EstimateRequest (types and ranges; unknown keys are the caller's to refuse), and an Estimate
// or its speed written as the response objects.
Result<EstimateRequest> read_estimate_request(const nlohmann::json& request);
nlohmann::json estimate_response(const Estimate& e);
// The machine-independent half of a request checked alone (model, quant, runtime, KV cache,
// context): what a decision's workload must pass before any setup is tried.
std::optional<Error> check_estimate_workload(const EstimateRequest& request);
nlohmann::json speed_response(const SpeedEstimate& s);

// Verdicts for every model x hardware x quant x context (llama.cpp-engine placement on one
// device each), as compact strings: the catalog-wide sweep.
Result<nlohmann::json> sweep_json(const nlohmann::json& request);

// The enums, ranges, limits and defaults a request may use (runcheck/options.h), for the page,
// the widget and the CLI.
Result<nlohmann::json> options_json();

// The constants and fitted speed parameters the engine uses, for the Methodology page.
Result<nlohmann::json> methodology_json();

}  // namespace runcheck
