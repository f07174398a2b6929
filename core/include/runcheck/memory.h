// What a runtime allocates besides the weights: KV cache, compute (scratch) buffers, runtime
// overhead; and what each device can give (its budget). All sizes in bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runcheck/model.h"
#include "runcheck/quant.h"

namespace runcheck {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

enum class Runtime : uint8_t { kLlamaCpp, kOllama, kLmStudio, kVllm, kMlx, kExllamaV2 };

const char* runtime_name(Runtime r);
bool runtime_from_name(const std::string& s, Runtime& out);
// llama.cpp-engine runtimes share its allocator and its log lines.
inline bool is_llamacpp_engine(Runtime r) {
  return r == Runtime::kLlamaCpp || r == Runtime::kOllama || r == Runtime::kLmStudio;
}

struct KvOptions {
  uint32_t n_ctx = 4096;  // tokens per sequence the user asked for
  uint32_t n_seq = 1;     // parallel sequences (llama-server -np, vLLM concurrency)
  GgmlType type_k = GgmlType::F16;
  GgmlType type_v = GgmlType::F16;
  bool flash_attn = true;
  uint32_t n_ubatch = 512;  // llama.cpp default micro-batch
  Runtime runtime = Runtime::kLlamaCpp;
  bool swa_full = false;        // llama.cpp --swa-full: sliding layers keep the whole context
  uint32_t llamacpp_build = 0;  // llama.cpp build whose buffer layout to follow (0 = newest)
  // An embedding or reranking context (llama-server --embedding / --reranking): every token of a
  // batch is an output, and llama.cpp's host output buffer grows to hold them.
  bool pooled_outputs = false;
};

// That output buffer (llama-context.cpp output_reserve at 3f545be: logits are reserved whatever
// the pooling, has_logits = true, next to n_embd floats per output): (n_vocab + n_embd) x 4 B per
// token of the largest batch - a micro-batch for an encoder (one sequence must fit in it), the
// server's n_batch (kLlamaServerBatch, capped at the context) for a decoder. Read in the code,
// not measured: no published log shows it grown. 0 for a generation context.
uint64_t pooled_output_buffer_bytes(const ModelArch& m, const KvOptions& o);

// llama.cpp builds where a host-side buffer changed (build number = commits on master, as
// `llama-cli --version` prints it):
// b7819 (2026-01-23, PR #18898): the graph also takes an embeddings input (n_embd x n_ubatch
//   f32) next to the token path, so the host compute buffer holds it too;
// b9410 (2026-05-29, PR #23764): with flash attention the KQ mask is created as f16 instead
//   of f32 (then cast on the device).
constexpr uint32_t kLlamacppBuildEmbdInput = 7819;
constexpr uint32_t kLlamacppBuildF16Mask = 9410;
// The first llama.cpp build of 2025 (tag b4400, 2024-12-31): speed figures for earlier builds
// carry the calibration's measured slowdown of 2024 builds (SpeedFit::k_old).
constexpr uint32_t kLlamacppBuild2025 = 4400;
// llamafile 0.9.0-0.9.3 (2025-01 to 2025-05, LocalScore's runtime) carry llama.cpp 8b3befc of
// 2024-08-16 (llamafile llama.cpp/README.llamafile, ORIGIN, from commit 1ca6e42 "Sync with
// upstream projects" to v0.9.3), which is tag b3599 (Homebrew's llama.cpp formula of that tag
// pins revision 8b3befc): a 2024 build, whatever the release date.
constexpr uint32_t kLlamafile09LlamacppBuild = 3599;

// llama.cpp pads the KV size: 256 with flash attention, 32 without
// (llama.cpp src/llama-kv-cache.cpp, llama_kv_cache::get_padding).
uint32_t kv_padding(const KvOptions& o);

// Cells llama.cpp allocates for the whole context (all sequences), after padding.
uint32_t kv_cells_full(const KvOptions& o);
// Cells for a sliding-window layer: min(full, window * n_seq + n_ubatch) padded
// (llama.cpp llama_kv_cache_iswa: size_swa). Falls back to full where the runtime keeps
// the whole context for this architecture.
uint32_t kv_cells_swa(const ModelArch& m, const KvOptions& o);

// Whether this runtime honours sliding windows for this architecture (llama.cpp implements
// SWA caches only for some archs; Mistral v0.1 is converted as plain llama).
bool runtime_uses_swa(const ModelArch& m, Runtime r);

// KV bytes of one layer (K + V) at the chosen cache types.
uint64_t kv_layer_bytes(const ModelArch& m, uint32_t layer, const KvOptions& o);
// Recurrent state bytes of one layer (all sequences).
uint64_t recurrent_layer_bytes(const ModelArch& m, uint32_t layer, const KvOptions& o);
// What one layer keeps per context for llama.cpp: its KV cache plus its recurrent state.
inline uint64_t layer_cache_bytes(const ModelArch& m, uint32_t layer, const KvOptions& o) {
  return kv_layer_bytes(m, layer, o) + recurrent_layer_bytes(m, layer, o);
}

struct ComputeShape {
  bool holds_output = true;   // the device computes the logits
  bool multi_device = false;  // layers split over several devices
};
// llama.cpp's compute (scratch) buffer for one device, for one ubatch.
uint64_t compute_buffer_bytes(const ModelArch& m, const KvOptions& o, const ComputeShape& s);
// The host-side compute buffer llama.cpp allocates next to the device ones: the token
// embeddings looked up on the host (tok_embd stays in RAM), the graph inputs (the KQ mask, one
// per cache kind, and from b7819 the embeddings input), the inputs once per pipeline copy when
// the layers are split over several devices.
uint64_t host_compute_buffer_bytes(const ModelArch& m, const KvOptions& o, bool multi_device);

}  // namespace runcheck
