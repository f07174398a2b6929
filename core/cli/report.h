// The CLI's human output: the core's JSON answer laid out as aligned text within 80 columns
// (per-device memory like the runtime's own buffer lines, speed with band and evidence, the
// commands). It formats only: every number is the core's. `color` adds ANSI colour to verdicts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace runcheck::report {

// The answer of `command` (estimate, compare, choose, cost, import) as text, or "" when the
// command has no human form (the caller then prints JSON).
std::string render(const std::string& command, const nlohmann::json& response, bool color);

}  // namespace runcheck::report
