// Weight bytes of a model at a file type, tensor by tensor, grouped the way placement needs.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "runcheck/model.h"
#include "runcheck/quant.h"

namespace runcheck {

struct WeightPlan {
  uint64_t token_embd_bytes = 0;  // stays in host memory (llama.cpp keeps the input layer on CPU)
  // Of token_embd_bytes: token_embd itself when the model ties its output to it. llama.cpp loads
  // a second copy as the output (in output_bytes); runtimes that load safetensors or MLX files
  // multiply by the embedding's own storage, so a token reads that table whole.
  uint64_t tied_table_bytes = 0;
  uint64_t output_bytes = 0;          // output.weight (or the tied copy) + output_norm
  uint64_t other_global_bytes = 0;    // rope_freqs and similar; travel with the first GPU layer
  std::vector<uint64_t> layer_bytes;  // per block, all tensors incl. experts
  std::vector<uint64_t> layer_expert_bytes;  // per block, the routed-expert part (movable to CPU)
  // Per block, its largest single tensor and its largest routed-expert tensor: what llama.cpp's
  // scheduler copies whole to the GPU when that tensor stays in system RAM (op offload).
  std::vector<uint64_t> layer_largest_bytes, layer_largest_expert_bytes;
  // Adds a tensor of block `layer` (the vectors sized to the block count first).
  void add_layer_tensor(uint32_t layer, uint64_t bytes, bool expert) {
    layer_bytes[layer] += bytes;
    layer_largest_bytes[layer] = std::max(layer_largest_bytes[layer], bytes);
    if (!expert) return;
    layer_expert_bytes[layer] += bytes;
    layer_largest_expert_bytes[layer] = std::max(layer_largest_expert_bytes[layer], bytes);
  }
  uint64_t total_bytes = 0;  // the file's tensor data (tied embeddings counted once)
  uint64_t parameters = 0;
  // Bytes per ggml type, indexed by the ggml type id (for "per-type tensor bytes" reports).
  std::array<uint64_t, 40> bytes_by_type{};
  // Tensor count per ggml type: what llama.cpp's loader prints as "type q4_K: N tensors".
  std::array<uint32_t, 40> tensors_by_type{};
};

// Applies llama.cpp's per-tensor quantization rules to the model's tensor shapes.
WeightPlan quantized_weights(const ModelArch& m, FileType ftype);

// Non-GGUF formats (safetensors BF16/FP8, AWQ, GPTQ, EXL2, MLX): every quantizable linear
// weight at a flat `bits_per_weight`; embeddings and the output head at 16 bits unless the
// format quantizes them too (MLX does); norms and routers at 32 bits.
WeightPlan format_weights(const ModelArch& m, double bits_per_weight, bool quantize_embeddings);

// Memoised quantized_weights / format_weights and active_parameter_count, keyed by model id
// (catalog ids never change; importing a user model clears the memo). An estimate asks for the
// same weights many times (max-context search, best quant, suggestions, catalog-wide views).
WeightPlan memo_quantized_weights(const std::string& model_id, const ModelArch& m, FileType ftype);
WeightPlan memo_format_weights(const std::string& model_id, const ModelArch& m,
                               double bits_per_weight, bool quantize_embeddings);
uint64_t memo_active_parameters(const std::string& model_id, const ModelArch& m);
uint64_t memo_parameters(const std::string& model_id, const ModelArch& m);
void clear_weights_memo();

// Fallback when shapes are unknown: a flat bits-per-weight over a parameter count.
uint64_t flat_weight_bytes(uint64_t parameters, double bits_per_weight);

}  // namespace runcheck
