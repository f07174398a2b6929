// GGUF reader (versions 1-3, little-endian): header, metadata key/values and tensor infos from a
// byte buffer that may be only a prefix of the file. Never reads past the buffer, never trusts a
// count or length beyond what the file can hold, never allocates more than the file's size.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runcheck/model.h"
#include "runcheck/result.h"
#include "runcheck/weights.h"

namespace runcheck {

struct GgufTensor {
  std::string name;
  uint32_t type = 0;  // ggml type id
  uint32_t n_dims = 0;
  uint64_t ne[4] = {1, 1, 1, 1};
  uint64_t offset = 0;
  uint64_t bytes = 0;  // from the type's block size and the shape
};

struct GgufFile {
  uint32_t version = 0;
  // Metadata: numbers, strings and bools as JSON values; arrays of strings are kept as their
  // length only ({"array_of": "string", "length": N}), numeric arrays in full up to 4096 items.
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<GgufTensor> tensors;
  uint64_t header_bytes = 0;  // bytes up to the end of the tensor infos
};

// Parses `data[0..size)`. `file_size` is the whole file's size (bounds every count); when the
// buffer ends before the header does, the error code is "truncated" and `*needed` is set to the
// number of bytes to read next time (at least; the caller may read more).
Result<GgufFile> read_gguf(const uint8_t* data, size_t size, uint64_t file_size, uint64_t* needed);

// What the engine needs from a GGUF: the model description from the metadata keys and the exact
// weight bytes per tensor. Vocab-only files import their hyperparameters with no weights.
struct GgufModel {
  ModelArch arch;
  WeightPlan weights;  // exact, from the tensors (empty when the file has none)
  bool has_tensors = false;
  std::string name;        // general.name
  std::string file_type;   // "Q4_K_M" from general.file_type, or ""
  nlohmann::json summary;  // what was read, for `runcheck inspect`
};
Result<GgufModel> model_from_gguf(const GgufFile& f);

// A metadata key as a positive 32-bit count (the largest entry of a per-layer array), or dflt.
uint32_t gguf_meta_u32(const nlohmann::json& md, const std::string& key, uint32_t dflt = 0);
// The layer layout (model.h LayerKind per layer, per-layer head shapes, shared KV, state-space
// sizes) from the metadata, once the shared hyperparameters are read into `m`; an error for what
// is not modelled (gguf_layout.cpp).
std::optional<Error> gguf_layer_layout(const nlohmann::json& md, ModelArch& m);

}  // namespace runcheck
