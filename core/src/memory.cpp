#include "runcheck/memory.h"

#include <algorithm>

#include "arch_traits.h"
#include "runcheck/constants.h"

namespace runcheck {
namespace {

// llama.cpp KV padding (src/llama-kv-cache.cpp get_padding): 256 with flash attention, else 32.
constexpr uint32_t kKvPadFlashAttn = 256;
// DeepSeek-V4's caches round every cell count up to 256 (GGML_PAD(.., 256u) in
// llama-kv-cache-dsv4.cpp; the SWA part "is always padded to 256", llama-kv-cache-iswa.cpp).
constexpr uint32_t kDsv4CellPad = 256;
constexpr uint32_t kKvPadNoFlashAttn = 32;

// Compute buffer model, fitted to llama.cpp's printed buffers (shared/calibration, XiongjieDai
// logs, flash attention off, n_ubatch 512): Llama-3-8B 560.00 MiB at n_ctx 8192 = KQ scores
// (8192 x 512 x 32 heads x f32 = 512 MiB) + 6 activation rows (4096 x 512 x f32 = 8 MiB each);
// 258.50 MiB at n_ctx 512 = logits (128256 x 512 x f32 = 250.5 MiB) + 1 activation row;
// 640.01 MiB per device when the layers are split over 2-8 GPUs = KQ + 16 activation rows.
constexpr uint64_t kSingleDeviceActivationRows = 6;
constexpr uint64_t kSplitDeviceActivationRows = 16;
constexpr uint64_t kLogitsActivationRows = 1;
// Pipeline parallelism (layers split over several devices, all offloaded): the scheduler keeps
// this many copies of each graph input (ggml-backend.cpp GGML_SCHED_MAX_COPIES, default 4).
// Host compute buffer checked against the printed ones: Llama-3-8B n_ctx 8192 no FA: 24.01 MiB
// single device = 8 MiB embeddings + 16 MiB f32 mask; 72.02 MiB split over 2 GPUs = 8 + 4 x 16
// (XiongjieDai logs); Pythia-2.8B n_ctx 2048 (b3472): 9.01 = 5 + 4; Qwen3-235B n_ctx 32768 FA
// (b5192): 72.01 = 8 + 64 (shared/fixtures/logs).
constexpr uint64_t kSchedMaxCopies = 4;
// With flash attention the KQ matrix is never materialized; the attention phase keeps the
// f16 mask (n_kv x n_ubatch) and the FFN keeps its gate and up outputs (f32) plus inputs.
constexpr uint64_t kFlashAttnActivationRows = 4;
constexpr uint64_t kF32Bytes = 4;
constexpr uint64_t kF16Bytes = 2;

uint32_t pad_up(uint64_t n, uint32_t pad) {
  return static_cast<uint32_t>((n + pad - 1) / pad * pad);
}

}  // namespace

const char* runtime_name(Runtime r) {
  switch (r) {
    case Runtime::kLlamaCpp:
      return "llama.cpp";
    case Runtime::kOllama:
      return "ollama";
    case Runtime::kLmStudio:
      return "lmstudio";
    case Runtime::kVllm:
      return "vllm";
    case Runtime::kMlx:
      return "mlx";
    case Runtime::kExllamaV2:
      return "exllamav2";
  }
  return "llama.cpp";
}

bool runtime_from_name(const std::string& s, Runtime& out) {
  for (Runtime r : {Runtime::kLlamaCpp, Runtime::kOllama, Runtime::kLmStudio, Runtime::kVllm,
                    Runtime::kMlx, Runtime::kExllamaV2})
    if (s == runtime_name(r)) {
      out = r;
      return true;
    }
  if (s == "llamacpp" || s == "llama-server" || s == "llama-cli") {
    out = Runtime::kLlamaCpp;
    return true;
  }
  if (s == "lm-studio" || s == "lm studio") {
    out = Runtime::kLmStudio;
    return true;
  }
  if (s == "mlx-lm" || s == "mlx_lm") {
    out = Runtime::kMlx;
    return true;
  }
  return false;
}

uint32_t kv_padding(const KvOptions& o) {
  if (!is_llamacpp_engine(o.runtime)) return 1;
  return o.flash_attn ? kKvPadFlashAttn : kKvPadNoFlashAttn;
}

uint32_t kv_cells_full(const KvOptions& o) {
  const uint64_t total = uint64_t{o.n_ctx} * o.n_seq;
  if (o.runtime == Runtime::kVllm) return pad_up(total, 16);  // vLLM blocks of 16 tokens
  return pad_up(total, kv_padding(o));
}

bool runtime_uses_swa(const ModelArch& m, Runtime r) {
  if (m.sliding_window == 0) return false;
  if (is_llamacpp_engine(r)) return arch_traits(m.arch).swa_cache;
  return true;  // vLLM, MLX and ExLlamaV2 keep only the window on sliding layers
}

uint32_t kv_cells_swa(const ModelArch& m, const KvOptions& o) {
  const uint32_t full = kv_cells_full(o);
  if (o.swa_full || !runtime_uses_swa(m, o.runtime)) return full;
  const uint64_t want = uint64_t{m.sliding_window} * o.n_seq + o.n_ubatch;
  return std::min(full, pad_up(want, std::max<uint32_t>(kv_padding(o), 1)));
}

namespace {

// DeepSeek-V4's cache as llama.cpp 3f545be builds it (src/llama-kv-cache-dsv4.cpp,
// llama_kv_cache_dsv4): keys only (the one 512-wide head serves as K and V), in type_k, one
// stream per sequence whatever --kv-unified says, each stream n_ctx_seq tokens long:
//  - raw keys of every layer for the sliding window: min(n_ctx_seq, window + n_ubatch) cells,
//    padded to 256 (llama-kv-cache-iswa.cpp; n_ctx_seq with --swa-full);
//  - compressed keys, ceil(n_ctx_seq / ratio) cells padded to 256: ratio 4 on CSA layers and 128
//    on HCA layers (dsv4_comp_size, DSV4_CSA_RATIO / DSV4_HCA_RATIO);
//  - the lightning indexer's keys on CSA layers, one indexer_head_dim row per compressed cell.
// Published: Flash at 131,072 tokens, ubatch 512, f16: SWA 32.25, CSA 672, HCA 20, indexer
// 168 MiB (llama.cpp issue #25468); at 64,000 tokens, ubatch 4096: SWA 4,352 cells, 182.75 MiB
// (issue #27680).
uint64_t dsv4_layer_kv_bytes(const ModelArch& m, uint32_t layer, const KvOptions& o) {
  const uint64_t seq = o.n_ctx, streams = std::max<uint32_t>(o.n_seq, 1);
  const uint64_t raw =
      o.swa_full
          ? seq
          : pad_up(std::min<uint64_t>(seq, uint64_t{m.sliding_window} + o.n_ubatch), kDsv4CellPad);
  const uint64_t width = uint64_t{m.head_count_kv} * m.key_length;
  uint64_t bytes = raw * ggml_row_bytes(o.type_k, width);
  if (const uint32_t r = m.compress_ratio(layer); r != 0) {
    const uint64_t comp = pad_up(std::max<uint64_t>(1, (seq + r - 1) / r), kDsv4CellPad);
    bytes += comp * ggml_row_bytes(o.type_k, width);
    if (r == 4) bytes += comp * ggml_row_bytes(o.type_k, m.indexer_head_dim);
  }
  return bytes * streams;
}

// The compressors' carried state (llama_dsv4_comp_state), F32 whatever the cache type: a kv and
// a score tensor per compressed layer, per sequence (times 1 + n_rs_seq, 0 without speculative
// checkpoints): CSA {2 x 512, 8}, HCA {512, 128}, indexer {2 x indexer_head_dim, 8}. Published
// (issue #27680, Flash, one sequence): csa 1.31, hca 10.00, lid 0.33 MiB.
uint64_t dsv4_layer_state_bytes(const ModelArch& m, uint32_t layer, const KvOptions& o) {
  const uint32_t r = m.compress_ratio(layer);
  const uint64_t D = m.key_length, ID = m.indexer_head_dim;
  uint64_t floats = 0;
  if (r == 4) floats = 2 * (2 * D) * 8 + 2 * (2 * ID) * 8;
  if (r == 128) floats = 2 * D * 128;
  return floats * kF32Bytes * std::max<uint32_t>(o.n_seq, 1);
}

}  // namespace

uint64_t kv_layer_bytes(const ModelArch& m, uint32_t layer, const KvOptions& o) {
  if (m.arch == "deepseek4") return dsv4_layer_kv_bytes(m, layer, o);
  const LayerKind kind = layer < m.layers.size() ? m.layers[layer] : LayerKind::kFullAttention;
  if (kind == LayerKind::kRecurrent || kind == LayerKind::kFeedForward) return 0;
  if (m.kv_layers_from_start && layer >= m.kv_layers_from_start) return 0;  // a shared cache
  if (m.encoder_only) return 0;
  const uint64_t cells =
      kind == LayerKind::kSlidingAttention ? kv_cells_swa(m, o) : kv_cells_full(o);
  if (m.is_mla()) {
    // MLA caches the compressed latent plus the rope part, one "head" per token per layer
    // (DeepSeek-V2 paper §2.1.2; llama.cpp deepseek2 KV: kv_lora_rank + n_rot).
    const uint64_t k = uint64_t{m.kv_lora_rank} + m.rope_dimension_count;
    // DeepSeek sparse attention adds the lightning indexer's key cache: one head of
    // indexer_head_dim per token, K only, in type_k (llama.cpp llama_kv_cache_dsa's kv_lid),
    // on the layers that run their own indexer (llama-model.cpp create_memory: filter_lid keeps
    // is_indexer_full layers only).
    const uint64_t idx = m.layer_has_indexer(layer) ? m.indexer_head_dim : 0;
    return cells * (ggml_row_bytes(o.type_k, k) + ggml_row_bytes(o.type_k, idx));
  }
  const uint64_t k = uint64_t{m.kv_heads(layer)} * m.k_length(layer);
  const uint64_t v = uint64_t{m.kv_heads(layer)} * m.v_length(layer);
  return cells * (ggml_row_bytes(o.type_k, k) + ggml_row_bytes(o.type_v, v));
}

uint64_t recurrent_layer_bytes(const ModelArch& m, uint32_t layer, const KvOptions& o) {
  if (m.arch == "deepseek4") return dsv4_layer_state_bytes(m, layer, o);
  if (layer >= m.layers.size() ||
      (m.layers[layer] != LayerKind::kRecurrent && m.layers[layer] != LayerKind::kParallelHybrid))
    return 0;
  return m.recurrent_state_bytes() * std::max<uint32_t>(o.n_seq, 1);
}

uint64_t compute_buffer_bytes(const ModelArch& m, const KvOptions& o, const ComputeShape& s) {
  const uint64_t ub = o.n_ubatch;
  const uint64_t act = uint64_t{m.embedding_length} * ub * kF32Bytes;
  // An encoder attends within its one ubatch (no cache): the scores are ubatch x ubatch.
  const uint64_t n_kv =
      m.encoder_only ? std::min<uint64_t>(kv_cells_full(o), ub) : kv_cells_full(o);
  uint64_t attn;
  if (o.flash_attn) {
    const uint64_t ff = std::max<uint64_t>(
        m.feed_forward_length, uint64_t{m.expert_used_count} * m.expert_feed_forward_length);
    attn =
        std::max(n_kv * ub * kF16Bytes, 2 * ff * ub * kF32Bytes) + kFlashAttnActivationRows * act;
  } else {
    const uint64_t kq = n_kv * ub * m.head_count * kF32Bytes;
    attn = kq + (s.multi_device ? kSplitDeviceActivationRows : kSingleDeviceActivationRows) * act;
  }
  // (An encoder returns pooled embeddings, not logits over the vocabulary.)
  const uint64_t logits =
      s.holds_output && !m.encoder_only
          ? uint64_t{m.vocab_size} * ub * kF32Bytes + kLogitsActivationRows * act
          : 0;
  return std::max(attn, logits);
}

uint64_t pooled_output_buffer_bytes(const ModelArch& m, const KvOptions& o) {
  if (!o.pooled_outputs) return 0;
  const uint64_t tokens =
      m.encoder_only ? o.n_ubatch : std::min<uint64_t>(kLlamaServerBatch, o.n_ctx);
  return (uint64_t{m.vocab_size} + m.embedding_length) * tokens * kF32Bytes;
}

uint64_t host_compute_buffer_bytes(const ModelArch& m, const KvOptions& o, bool multi_device) {
  const uint64_t act = uint64_t{m.embedding_length} * o.n_ubatch * kF32Bytes;
  const bool newest = o.llamacpp_build == 0;
  const bool f16_mask = o.flash_attn && (newest || o.llamacpp_build >= kLlamacppBuildF16Mask);
  const uint64_t mask_row = f16_mask ? kF16Bytes : kF32Bytes;
  // One mask over the full cache; iSWA models add one over the sliding-window cache.
  uint64_t masks = uint64_t{kv_cells_full(o)} * o.n_ubatch * mask_row;
  bool has_swa = false;
  for (LayerKind k : m.layers) has_swa = has_swa || k == LayerKind::kSlidingAttention;
  if (has_swa && runtime_uses_swa(m, o.runtime))
    masks += uint64_t{kv_cells_swa(m, o)} * o.n_ubatch * mask_row;
  uint64_t inputs = masks;
  if (newest || o.llamacpp_build >= kLlamacppBuildEmbdInput) inputs += act;
  return act + (multi_device ? kSchedMaxCopies : 1) * inputs + pooled_output_buffer_bytes(m, o);
}

}  // namespace runcheck
