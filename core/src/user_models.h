// Models the user brings (a Hugging Face config.json or a GGUF header), registered for this
// process / page so that every tool takes them like catalog models ("user:<name>").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runcheck/catalog.h"
#include "runcheck/result.h"
#include "runcheck/weights.h"

namespace runcheck {

struct UserModel {
  ModelEntry entry;                   // id "user:<slug>", arch, name
  std::optional<WeightPlan> weights;  // exact weights from a GGUF's tensors
  std::string file_type;              // the GGUF's file type ("Q4_K_M"), if any
  std::string file_name;  // the GGUF's name as given (a browser's file name, the CLI's path)
};

const UserModel* user_model(const std::string& id);
// Forgets every model the user brought.
void clear_user_models();

// Registers a model built elsewhere (e.g. from a log's hyperparameters) under "user:<slug of
// name>"; `label` is appended to its display name. Returns the id.
std::string register_user_model(const std::string& name, const std::string& label,
                                const ModelArch& arch);

// {"config": {...config.json...}, "name": "..."}: imports a config.json.
Result<nlohmann::json> import_config_json(const nlohmann::json& request);
// A GGUF file's first `size` bytes (of `file_size`): {"ok":true,"model":id,...} or, when more
// bytes are needed, {"ok":false,"error":{"code":"truncated"},"needed_bytes":N}.
nlohmann::json import_gguf(const uint8_t* data, size_t size, uint64_t file_size,
                           const std::string& name);

}  // namespace runcheck
