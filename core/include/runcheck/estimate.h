// "Will it run?": a request (model, quant, context, runtime, machine) -> memory per device,
// placement, verdict, commands.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "runcheck/result.h"

namespace runcheck {

// The request fields the estimate reads (every other key is refused by name).
const std::vector<std::string_view>& estimate_fields();

// Validates the request fields (each error names its field) and computes the estimate.
Result<nlohmann::json> estimate_json(const nlohmann::json& request);

// Verdicts for every model x hardware x quant x context (llama.cpp-engine placement on one
// device each), as compact strings: the catalog-wide sweep.
Result<nlohmann::json> sweep_json(const nlohmann::json& request);

// The enums, ranges, limits and defaults a request may use (runcheck/options.h), for the page,
// the widget and the CLI.
Result<nlohmann::json> options_json();

// The constants and fitted speed parameters the engine uses, for the Methodology page.
Result<nlohmann::json> methodology_json();

}  // namespace runcheck
