// Hugging Face config.json -> ModelArch. Catalog model entries carry the published config
// keys verbatim, so the catalog and a user's pasted config.json go through this one importer.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runcheck/model.h"
#include "runcheck/result.h"

namespace runcheck {

// `config` is the parsed config.json (or its text_config for multimodal models).
// `field` prefixes error fields (e.g. "models[3].config").
Result<ModelArch> model_from_hf_config(const nlohmann::json& config, const std::string& field);

// What a catalog entry's kind adds to its config, or why the two disagree. A reranker is its
// config plus how it is run: an XLM-RoBERTa classifier says so itself; a Qwen3 reranker's config
// is a plain Qwen3ForCausalLM, and llama.cpp's converter adds the 2-row yes/no head
// (conversion/qwen.py _is_qwen3_reranker, by the repository's name).
std::optional<std::string> apply_model_kind(const std::string& kind, ModelArch& arch);

}  // namespace runcheck
