// The model description every path lands in (catalog entry, HF config.json, GGUF header).
// Field names follow the GGUF metadata keys (`<arch>.block_count`, `.attention.head_count_kv`...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runcheck/quant.h"

namespace runcheck {

enum class LayerKind : uint8_t {
  kFullAttention,     // attends to the whole context
  kSlidingAttention,  // keeps only `sliding_window` tokens of KV
  kRecurrent,         // fixed-size state (Mamba / linear attention), no KV cache
  kFeedForward,       // Nemotron-H: an MLP / MoE block alone, no attention and no state
  kParallelHybrid,    // Falcon-H1: attention and a Mamba2 mixer side by side: KV and state
};

struct ModelArch {
  std::string arch;  // GGUF general.architecture: llama, qwen2, qwen3, qwen3moe, gemma3, ...
  uint32_t block_count = 0;
  uint32_t embedding_length = 0;
  uint32_t feed_forward_length = 0;  // dense FFN width
  uint32_t head_count = 0;
  uint32_t head_count_kv = 0;
  uint32_t key_length = 0;    // K head dim
  uint32_t value_length = 0;  // V head dim
  uint32_t vocab_size = 0;
  uint32_t context_length = 0;
  bool tied_embeddings = false;
  bool attn_qkv_bias = false;  // Qwen2-style q/k/v biases
  bool attn_qk_norm = false;   // Qwen3/Gemma3 per-head q/k norms
  bool fused_qkv = false;      // Phi-3: one attn_qkv tensor
  bool fused_gate_up = false;  // Phi-3: ffn_up holds gate and up
  bool gated_ffn = true;       // SwiGLU (gate+up+down) vs plain MLP (up+down)
  bool post_norms = false;     // Gemma 2/3 post-attention/post-FFN norms
  bool rope_freqs = false;     // Llama 3.1+ rope_freqs tensor
  bool dense_biases = false;   // GPT-NeoX: a bias on every linear layer and LayerNorm
  // Mixture of experts
  uint32_t expert_count = 0;
  uint32_t expert_used_count = 0;
  uint32_t expert_shared_count = 0;
  uint32_t expert_feed_forward_length = 0;
  uint32_t expert_shared_feed_forward_length = 0;  // total width of the shared expert(s)
  uint32_t leading_dense_block_count = 0;          // DeepSeek first_k_dense_replace
  uint32_t moe_every_n_layers = 1;                 // Llama 4 interleave step
  bool expert_bias = false;                        // gpt-oss expert biases
  bool shared_expert_gate = false;                 // Qwen2-MoE/Qwen3-Next ffn_gate_inp_shexp
  // Sliding window
  uint32_t sliding_window = 0;
  // Multi-head latent attention (DeepSeek V2/V3)
  uint32_t q_lora_rank = 0;
  uint32_t kv_lora_rank = 0;
  uint32_t rope_dimension_count = 0;  // qk_rope_head_dim for MLA
  uint32_t qk_nope_head_dim = 0;
  // Multi-token prediction: extra layers that draft the next tokens (config
  // num_nextn_predict_layers; llama.cpp loads them only for --spec-type draft-mtp).
  uint32_t nextn_layers = 0;
  // GLM-4.5/4.6/4.7 (llama.cpp glm4moe): the converter writes the nextn blocks as the last
  // block_count entries; llama.cpp counts them as layers (KV cache, -ngl) but skips their weights
  // (TENSOR_SKIP, "model has unused tensor ... ignoring"). block_count includes them.
  uint32_t skipped_tail_layers = 0;
  // An EAGLE-3 draft head (arch "eagle3": a config with draft_vocab_size, vLLM's
  // --speculative-config method "eagle3"): its decoder layers take the token embedding and the
  // hidden state side by side (2 x hidden into Q/K/V), an fc layer maps 3 of the target's
  // hidden states to one, and its own output head covers draft_vocab_size tokens, mapped back by
  // a d2t table (vllm/model_executor/models/llama_eagle3.py). It has no embedding table: it uses
  // the target's. vocab_size is the target's vocabulary.
  uint32_t eagle_draft_vocab = 0;
  uint32_t eagle_target_hidden = 0;  // target_hidden_size, when it differs from hidden_size
  // DeepSeek sparse attention (DeepSeek-V3.2, GLM-5): the lightning indexer on every layer, whose
  // single key head llama.cpp caches per token (llama_kv_cache_dsa: K only, type_k).
  uint32_t indexer_head_count = 0;  // attention.indexer.head_count
  uint32_t indexer_head_dim = 0;    // attention.indexer.key_length
  // Sliding layers with their own attention shape (Gemma 4: 256-wide heads, more KV heads than
  // the 512-wide full layers; llama.cpp attention.key_length_swa / head_count_kv per layer).
  // 0 = the same as the full layers.
  uint32_t swa_head_count_kv = 0, swa_key_length = 0;
  // Laguna: sliding layers with more query heads than the full ones (num_attention_heads_per_layer;
  // llama.cpp hparams.n_head(il)). 0 = the same as the full layers.
  uint32_t swa_head_count = 0;
  // Laguna: a per-head attention output gate, attn_gate {n_embd, heads of the layer}.
  bool attn_head_gate = false;
  // MiMo-V2-Flash: attention sinks (attn_sinks {heads}) on the sliding and/or the full layers.
  bool swa_attn_sinks = false, full_attn_sinks = false;
  // Gemma 4 attention_k_eq_v: full layers project no V (the keys serve as values; the cache still
  // holds a V row per token, llama.cpp gemma4.cpp).
  bool full_k_eq_v = false;
  // GLM-5.2 shares one indexer across 4 layers (config indexer_types, GGUF
  // attention.indexer.types): one digit per layer, '1' = the layer runs its own indexer (weights
  // and a cached key), '0' = it reuses the previous full layer's top-k (no weights, no cache).
  // Empty: every layer has one (DeepSeek-V3.2, GLM-5, GLM-5.1).
  std::string indexer_types;
  // DeepSeek-V4 (llama.cpp deepseek4): one character per layer for config compress_ratios,
  // '0' (sliding window only), '4' (CSA: keys compressed 4:1, with the lightning indexer) or 'h'
  // (HCA: compressed 128:1); the residual stream's hc_mult copies (hyper-connections); the
  // grouped low-rank output projection (o_groups, o_lora_rank); the first num_hash_layers route
  // by token id.
  std::string compress_ratios;
  uint32_t hc_mult = 0, output_group_count = 0, output_lora_rank = 0, hash_layer_count = 0;
  // Encoder-only embedding models (BERT; llama.cpp create_memory builds no cache for them): the
  // whole input is one non-causal ubatch, nothing is cached, no logits are computed.
  bool encoder_only = false;
  uint32_t token_type_count = 0;  // BERT segment embeddings (tokenizer.ggml.token_type_count)
  // A reranker's scoring head (llama.cpp LLAMA_POOLING_TYPE_RANK): cls.output {n_embd, labels};
  // rank_dense: a dense n_embd x n_embd layer (cls) before it, as XLM-RoBERTa classifiers have.
  // Qwen3 rerankers get the 2-row yes/no head their converter cuts from the output matrix.
  uint32_t rank_labels = 0;
  bool rank_dense = false;
  // Cross-layer KV sharing (Gemma 3n, Gemma 4 E2B/E4B; llama.cpp n_layer_kv_from_start): layers
  // from this index on read an earlier layer's cache and hold none of their own. 0 = none shared.
  uint32_t kv_layers_from_start = 0;
  // Gemma 3n / Gemma 4 E2B/E4B per-layer embeddings (hidden_size_per_layer_input, GGUF
  // embedding_length_per_layer_input): each layer's slice width of the per-layer token table
  // per_layer_token_embd {width x block_count, n_vocab}. 0 = none.
  uint32_t embd_per_layer = 0;
  // Gemma 4 use_double_wide_mlp: feed_forward_length is the widest FFN; this many leading layers
  // (those before the KV-sharing ones) have half of it. 0 = every layer at feed_forward_length.
  uint32_t narrow_ffn_layers = 0;
  uint32_t ff_length(uint32_t il) const {
    return il < narrow_ffn_layers ? feed_forward_length / 2 : feed_forward_length;
  }
  // Nemotron 3 Super/Ultra latent MoE: routed experts work in this width (moe_latent_size).
  uint32_t moe_latent_size = 0;
  // Recurrent layers (Qwen3-Next gated delta net), GGUF `ssm.*` keys as llama.cpp reads them
  uint32_t ssm_conv_kernel = 0;      // ssm.conv_kernel
  uint32_t ssm_inner_size = 0;       // ssm.inner_size: value heads x value head dim
  uint32_t ssm_state_size = 0;       // ssm.state_size: key head dim
  uint32_t ssm_group_count = 0;      // ssm.group_count: key heads
  uint32_t ssm_time_step_rank = 0;   // ssm.time_step_rank: value heads
  bool ssm_conv_bias = true;         // Falcon-H1 mamba_conv_bias: the conv1d bias exists
  bool ssm_gated_norm = true;        // Falcon-H1 mamba_rms_norm: the gated RMS norm exists
  bool attn_output_gate = false;     // Qwen3-Next: attn_q holds query and output gate (2x rows)
  bool post_attn_norm_only = false;  // Qwen3-Next: post_attention_norm replaces ffn_norm
  // The vision tower llama.cpp loads from the mmproj file (config.json vision_config; vision.h):
  // 0 none, 1 Qwen3-VL / Qwen3.5 merger, 2 Gemma 3 (SigLIP), 3 Pixtral (Mistral 3),
  // 4 Gemma 4 (gemma4v), 5 Kimi K2.5 MoonViT (kimik25), 6 EXAONE 4.5 (exaone4_5).
  uint32_t vision_projector = 0;
  bool audio_encoder = false;  // the mmproj file also holds an audio encoder
  // Gemma 4 E2B/E4B's audio conformer (llama.cpp projector gemma4a; audio_config), sized with
  // the vision tower because the converter writes both into one mmproj file. 0 layers = an audio
  // encoder runcheck does not size (audio_encoder alone).
  uint32_t audio_layers = 0, audio_hidden = 0, audio_heads = 0, audio_conv_kernel = 0;
  uint32_t audio_sub_c0 = 0, audio_sub_c1 = 0, audio_out = 0;
  uint32_t vision_layers = 0, vision_hidden = 0, vision_ffn = 0, vision_heads = 0;
  uint32_t vision_patch = 0, vision_merge = 1, vision_out = 0, vision_positions = 0;
  uint32_t vision_deepstack = 0, vision_image_size = 0;
  uint32_t vision_heads_kv = 0;  // EXAONE 4.5: grouped-query heads in the tower (0 = vision_heads)
  // Gemma 4's tower: std_bias/std_scale after pooling (vision_config standardize), and four
  // clamp scalars per linear (use_clipped_linears, Gemma4ClippableLinear).
  bool vision_standardize = false, vision_clipped_linears = false;
  std::vector<LayerKind> layers;  // size block_count

  bool is_moe() const { return expert_count > 1; }
  bool sliding(uint32_t il) const {
    return il < layers.size() && layers[il] == LayerKind::kSlidingAttention;
  }
  uint32_t q_heads(uint32_t il) const {
    return sliding(il) && swa_head_count ? swa_head_count : head_count;
  }
  uint32_t kv_heads(uint32_t il) const {
    return sliding(il) && swa_head_count_kv ? swa_head_count_kv : head_count_kv;
  }
  uint32_t k_length(uint32_t il) const {
    return sliding(il) && swa_key_length ? swa_key_length : key_length;
  }
  uint32_t v_length(uint32_t il) const {
    return sliding(il) && swa_key_length ? swa_key_length : value_length;
  }
  bool layer_has_indexer(uint32_t il) const {
    return indexer_head_dim > 0 && (il >= indexer_types.size() || indexer_types[il] == '1');
  }
  bool is_mla() const { return kv_lora_rank > 0; }
  // DeepSeek-V4's compression ratio of layer il: 0, 4 or 128.
  uint32_t compress_ratio(uint32_t il) const {
    const char c = il < compress_ratios.size() ? compress_ratios[il] : '0';
    return c == '4' ? 4 : c == 'h' ? 128 : 0;
  }
  // Per sequence, per recurrent layer: llama.cpp's r (conv) and s (state) rows, both f32
  // (llama_hparams::n_embd_r / n_embd_s; the hybrid memory keeps them in F32).
  uint64_t recurrent_state_bytes() const {
    const uint64_t conv_rows = ssm_conv_kernel > 0 ? ssm_conv_kernel - 1 : 0;
    const uint64_t r =
        conv_rows * (uint64_t{ssm_inner_size} + 2ull * ssm_group_count * ssm_state_size);
    const uint64_t s = uint64_t{ssm_state_size} * ssm_inner_size;
    return (r + s) * 4;
  }
  // Nemotron-H: blocks are a mixer (attention or Mamba2) or an FFN, never both.
  bool has_ffn_blocks() const {
    for (LayerKind k : layers)
      if (k == LayerKind::kFeedForward) return true;
    return false;
  }
  bool layer_has_ffn(uint32_t il) const {
    return !has_ffn_blocks() || (il < layers.size() && layers[il] == LayerKind::kFeedForward);
  }
  bool layer_is_moe(uint32_t il) const {
    if (has_ffn_blocks()) return is_moe() && layer_has_ffn(il);
    return is_moe() && il >= leading_dense_block_count &&
           (moe_every_n_layers <= 1 || (il + 1) % moe_every_n_layers == 0);
  }
};

// One weight tensor as llama.cpp lays it out.
struct TensorSpec {
  std::string name;  // GGUF tensor name, e.g. "blk.3.attn_v.weight"
  int layer;         // -1 for token_embd / output / output_norm
  TensorRole role;
  uint64_t ne[3];  // ne[0] is the row length
  uint32_t n_dims;
  bool quantizable;      // llama-quantize touches it (2D/3D weight, not a norm or router)
  GgmlType source_type;  // type in an unquantized conversion (1D and routers stay F32)
  uint64_t elements() const { return ne[0] * ne[1] * ne[2]; }
};

// The layout flags (fused/biased/normed tensors) llama.cpp's loader implies for a GGUF
// architecture name, for models known only by their hyperparameters (a vocab-only GGUF, a log).
void apply_arch_layout(ModelArch& m);

// The weight tensors llama.cpp's converter writes for this architecture.
std::vector<TensorSpec> model_tensors(const ModelArch& m);

// Parameter count from the tensor list.
uint64_t parameter_count(const ModelArch& m);

// The parameters read per token (shared + active experts only for MoE).
uint64_t active_parameter_count(const ModelArch& m);

}  // namespace runcheck
