// Hugging Face config.json -> ModelArch. Catalog model entries carry the published config
// keys verbatim, so the catalog and a user's pasted config.json go through this one importer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runcheck/model.h"
#include "runcheck/result.h"

namespace runcheck {

// `config` is the parsed config.json (or its text_config for multimodal models).
// `field` prefixes error fields (e.g. "models[3].config").
Result<ModelArch> model_from_hf_config(const nlohmann::json& config, const std::string& field);

}  // namespace runcheck
