#include "runcheck/model.h"

#include <algorithm>

#include "arch_traits.h"

namespace runcheck {
namespace {

struct Builder {
  std::vector<TensorSpec> out;

  // `source_dims` > the shape's own rank: the converter wrote a matrix with a trailing 1 (HF
  // [1, n] weights), so it is stored F16, yet ggml_n_dims() sees one dimension and
  // llama-quant leaves it alone.
  void add(std::string name, int layer, TensorRole role, uint64_t ne0, uint64_t ne1 = 1,
           uint64_t ne2 = 1, uint32_t source_dims = 1) {
    const uint32_t n_dims = ne2 > 1 ? 3 : ne1 > 1 ? 2 : 1;
    const bool is_weight = name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
    const bool is_norm = name.find("_norm.weight") != std::string::npos;
    const bool is_router = name.find("ffn_gate_inp.") != std::string::npos;
    // The converter keeps ssm_conv1d in F32 and llama-quant never quantizes it.
    const bool is_conv = name.find("ssm_conv1d") != std::string::npos;
    // llama-quantize only touches 2D/3D ".weight" tensors that are not norms or routers;
    // the converter writes 1D tensors and routers as F32 (llama.cpp convert_hf_to_gguf.py).
    const bool quantizable = n_dims >= 2 && is_weight && !is_norm && !is_router && !is_conv;
    const bool matrix = std::max(n_dims, source_dims) >= 2;
    // The converter writes every "_norm.weight" as F32, 2D ones included (Mamba2's grouped
    // ssm_norm).
    const GgmlType src =
        (matrix && !is_router && !is_conv && !is_norm && is_weight) ? GgmlType::F16 : GgmlType::F32;
    out.push_back(
        TensorSpec{std::move(name), layer, role, {ne0, ne1, ne2}, n_dims, quantizable, src});
  }
};

std::string blk(uint32_t il, const char* suffix) {
  return "blk." + std::to_string(il) + "." + suffix;
}

// Mamba2 mixer (llama.cpp src/models/nemotron-h.cpp load_arch_tensors): d_inner = heads x head
// dim (ssm.inner_size), n_group B/C groups of d_state, one dt/A/D per head (ssm.time_step_rank).
void add_mamba2_layer(Builder& b, const ModelArch& m, uint32_t il) {
  using R = TensorRole;
  const int L = static_cast<int>(il);
  const uint64_t E = m.embedding_length, inner = m.ssm_inner_size, heads = m.ssm_time_step_rank;
  const uint64_t groups = std::max<uint32_t>(m.ssm_group_count, 1);
  const uint64_t conv_dim = inner + 2 * groups * m.ssm_state_size;
  b.add(blk(il, "ssm_in.weight"), L, R::kOther, E, inner + conv_dim + heads);
  b.add(blk(il, "ssm_conv1d.weight"), L, R::kOther, m.ssm_conv_kernel, conv_dim);
  if (m.ssm_conv_bias) b.add(blk(il, "ssm_conv1d.bias"), L, R::kOther, conv_dim);
  b.add(blk(il, "ssm_dt.bias"), L, R::kOther, heads);
  b.add(blk(il, "ssm_a"), L, R::kOther, 1, heads);
  b.add(blk(il, "ssm_d"), L, R::kOther, 1, heads);
  if (m.ssm_gated_norm) b.add(blk(il, "ssm_norm.weight"), L, R::kOther, inner / groups, groups);
  b.add(blk(il, "ssm_out.weight"), L, R::kOther, inner, E);
}

// Mamba (v1) mixer as Jamba has it (llama.cpp src/models/jamba.cpp): in_proj to 2 d_inner, a
// biased depthwise conv, x_proj to dt_rank + 2 d_state, dt_proj with bias, the dt/B/C RMS norms,
// A (d_state x d_inner), D, out_proj.
void add_mamba1_layer(Builder& b, const ModelArch& m, uint32_t il) {
  using R = TensorRole;
  const int L = static_cast<int>(il);
  const uint64_t E = m.embedding_length, inner = m.ssm_inner_size, rank = m.ssm_time_step_rank;
  const uint64_t state = m.ssm_state_size;
  b.add(blk(il, "ssm_in.weight"), L, R::kOther, E, 2 * inner);
  b.add(blk(il, "ssm_conv1d.weight"), L, R::kOther, m.ssm_conv_kernel, inner);
  b.add(blk(il, "ssm_conv1d.bias"), L, R::kOther, inner);
  b.add(blk(il, "ssm_x.weight"), L, R::kOther, inner, rank + 2 * state);
  b.add(blk(il, "ssm_dt_norm.weight"), L, R::kOther, rank);
  b.add(blk(il, "ssm_dt.weight"), L, R::kOther, rank, inner);
  b.add(blk(il, "ssm_dt.bias"), L, R::kOther, inner);
  b.add(blk(il, "ssm_b_norm.weight"), L, R::kOther, state);
  b.add(blk(il, "ssm_c_norm.weight"), L, R::kOther, state);
  b.add(blk(il, "ssm_a"), L, R::kOther, state, inner);
  b.add(blk(il, "ssm_d"), L, R::kOther, inner);
  b.add(blk(il, "ssm_out.weight"), L, R::kOther, inner, E);
}

// DeepSeek sparse attention's lightning indexer (llama.cpp src/models/deepseek32.cpp): a key
// projection with its LayerNorm, per-head weights, and queries from the q LoRA latent.
void add_dsa_indexer(Builder& b, const ModelArch& m, uint32_t il) {
  using R = TensorRole;
  const int L = static_cast<int>(il);
  const uint64_t E = m.embedding_length, D = m.indexer_head_dim, H = m.indexer_head_count;
  b.add(blk(il, "indexer.k_norm.weight"), L, R::kOther, D);
  b.add(blk(il, "indexer.k_norm.bias"), L, R::kOther, D);
  b.add(blk(il, "indexer.proj.weight"), L, R::kOther, E, H);
  b.add(blk(il, "indexer.attn_k.weight"), L, R::kOther, E, D);
  b.add(blk(il, "indexer.attn_q_b.weight"), L, R::kOther, m.q_lora_rank, H * D);
}

}  // namespace

// DeepSeek-V4 (llama.cpp 3f545be src/models/deepseek4.cpp load_arch_tensors; names from
// gguf-py constants): per layer a q LoRA into 512-wide heads, one shared K=V projection, the
// grouped low-rank output (attn_output_a is {heads x 512 / groups, o_lora_rank x groups} in the
// file), attention sinks, the two hyper-connection mixers ({hc_mult x hidden, (2 + hc_mult) x
// hc_mult}, kept F32 by the converter as the checkpoint stores them), the key compressor on
// compressed layers (twice as wide on CSA layers, with the position table `ape` of ratio rows),
// the lightning indexer on CSA layers, and the MoE: router, hash table (int32, first
// num_hash_layers) or router bias, routed and shared experts. Globals add the output
// hyper-connection mixer. Flash's config gives 284,334,567,511 parameters, the "284.33 B"
// llama.cpp prints for it (issue #27680).
std::vector<TensorSpec> dsv4_tensors(const ModelArch& m) {
  Builder b;
  using R = TensorRole;
  const uint64_t E = m.embedding_length, V = m.vocab_size, HC = m.hc_mult, H = m.head_count;
  const uint64_t D = m.key_length, QL = m.q_lora_rank,
                 OG = std::max<uint32_t>(m.output_group_count, 1);
  const uint64_t OL = m.output_lora_rank, MIX = (2 + HC) * HC;
  const uint64_t IH = m.indexer_head_count, ID = m.indexer_head_dim;
  const uint64_t NE = m.expert_count, FF = m.expert_feed_forward_length;
  const uint64_t SF = m.expert_shared_feed_forward_length;
  const auto f32 = [&](std::string name, int layer, uint64_t ne0, uint64_t ne1) {
    b.add(std::move(name), layer, R::kOther, ne0, ne1);
    b.out.back().source_type = GgmlType::F32;
  };
  b.add("token_embd.weight", -1, R::kTokenEmbd, E, V);
  for (uint32_t il = 0; il < m.block_count; ++il) {
    const int L = static_cast<int>(il);
    const uint32_t r = m.compress_ratio(il);
    b.add(blk(il, "attn_norm.weight"), L, R::kOther, E);
    b.add(blk(il, "attn_sinks.weight"), L, R::kOther, H);
    b.add(blk(il, "attn_q_a.weight"), L, R::kOther, E, QL);
    b.add(blk(il, "attn_q_a_norm.weight"), L, R::kOther, QL);
    b.add(blk(il, "attn_q_b.weight"), L, R::kOther, QL, H * D);
    b.add(blk(il, "attn_kv.weight"), L, R::kOther, E, D);
    b.add(blk(il, "attn_kv_a_norm.weight"), L, R::kOther, D);
    b.add(blk(il, "attn_output_a.weight"), L, R::kOther, H * D / OG, OL * OG);
    b.add(blk(il, "attn_output_b.weight"), L, R::kOther, OG * OL, E);
    for (const char* p : {"hc_attn", "hc_ffn"}) {
      f32(blk(il, (std::string(p) + "_fn.weight").c_str()), L, HC * E, MIX);
      b.add(blk(il, (std::string(p) + "_base.weight").c_str()), L, R::kOther, MIX);
      b.add(blk(il, (std::string(p) + "_scale.weight").c_str()), L, R::kOther, 3);
    }
    if (r != 0) {
      const uint64_t c = r == 4 ? 2 : 1;
      b.add(blk(il, "attn_compressor_kv.weight"), L, R::kOther, E, c * D);
      b.add(blk(il, "attn_compressor_gate.weight"), L, R::kOther, E, c * D);
      b.add(blk(il, "attn_compressor_ape.weight"), L, R::kOther, c * D, r);
      b.add(blk(il, "attn_compressor_norm.weight"), L, R::kOther, D);
    }
    if (r == 4) {
      b.add(blk(il, "indexer.proj.weight"), L, R::kOther, E, IH);
      b.add(blk(il, "indexer.attn_q_b.weight"), L, R::kOther, QL, IH * ID);
      b.add(blk(il, "indexer_compressor_kv.weight"), L, R::kOther, E, 2 * ID);
      b.add(blk(il, "indexer_compressor_gate.weight"), L, R::kOther, E, 2 * ID);
      b.add(blk(il, "indexer_compressor_ape.weight"), L, R::kOther, 2 * ID, 4);
      b.add(blk(il, "indexer_compressor_norm.weight"), L, R::kOther, ID);
    }
    b.add(blk(il, "ffn_gate_inp.weight"), L, R::kOther, E, NE);
    if (il < m.hash_layer_count) {  // token id -> experts, int32, never quantized
      b.out.push_back(TensorSpec{blk(il, "ffn_gate_tid2eid.weight"),
                                 L,
                                 R::kOther,
                                 {m.expert_used_count, V, 1},
                                 2,
                                 false,
                                 GgmlType::I32});
    } else {
      b.add(blk(il, "exp_probs_b.bias"), L, R::kOther, NE);
    }
    b.add(blk(il, "ffn_norm.weight"), L, R::kOther, E);
    b.add(blk(il, "ffn_gate_exps.weight"), L, R::kFfnGate, E, FF, NE);
    b.add(blk(il, "ffn_up_exps.weight"), L, R::kFfnUp, E, FF, NE);
    b.add(blk(il, "ffn_down_exps.weight"), L, R::kFfnDown, FF, E, NE);
    if (SF) {
      b.add(blk(il, "ffn_gate_shexp.weight"), L, R::kFfnGate, E, SF);
      b.add(blk(il, "ffn_up_shexp.weight"), L, R::kFfnUp, E, SF);
      b.add(blk(il, "ffn_down_shexp.weight"), L, R::kFfnDown, SF, E);
    }
  }
  b.add("output_norm.weight", -1, R::kOther, E);
  b.add("output.weight", -1, R::kOutput, E, V);
  f32("output_hc_fn.weight", -1, HC * E, HC);
  b.add("output_hc_base.weight", -1, R::kOther, HC);
  b.add("output_hc_scale.weight", -1, R::kOther, 1);
  return b.out;
}

// BERT (llama.cpp src/models/bert.cpp, LLM_ARCH_BERT): token, segment and learned position
// embeddings with a LayerNorm; post-norm blocks of q/k/v/o with biases, a plain MLP with biases
// and two LayerNorms; no output head (the embeddings are pooled).
std::vector<TensorSpec> bert_tensors(const ModelArch& m) {
  Builder b;
  using R = TensorRole;
  const uint64_t E = m.embedding_length, F = m.feed_forward_length;
  const uint64_t kv = uint64_t{m.head_count_kv} * m.key_length;
  b.add("token_embd.weight", -1, R::kTokenEmbd, E, m.vocab_size);
  // The converter always writes position and token-type embeddings in F32 (conversion/base.py)
  // and llama-quant never quantizes them ("do not quantize positional embeddings and token
  // types (BERT)").
  auto keep_f32 = [&b] {
    b.out.back().quantizable = false;
    b.out.back().source_type = GgmlType::F32;
  };
  if (m.token_type_count) {
    b.add("token_types.weight", -1, R::kOther, E, m.token_type_count);
    keep_f32();
  }
  b.add("position_embd.weight", -1, R::kOther, E, m.context_length);
  keep_f32();
  b.add("token_embd_norm.weight", -1, R::kOther, E);
  b.add("token_embd_norm.bias", -1, R::kOther, E);
  for (uint32_t il = 0; il < m.block_count; ++il) {
    const int L = static_cast<int>(il);
    b.add(blk(il, "attn_q.weight"), L, R::kAttnQ, E, E);
    b.add(blk(il, "attn_q.bias"), L, R::kOther, E);
    b.add(blk(il, "attn_k.weight"), L, R::kAttnK, E, kv);
    b.add(blk(il, "attn_k.bias"), L, R::kOther, kv);
    b.add(blk(il, "attn_v.weight"), L, R::kAttnV, E, kv);
    b.add(blk(il, "attn_v.bias"), L, R::kOther, kv);
    b.add(blk(il, "attn_output.weight"), L, R::kAttnOutput, E, E);
    b.add(blk(il, "attn_output.bias"), L, R::kOther, E);
    b.add(blk(il, "attn_output_norm.weight"), L, R::kOther, E);
    b.add(blk(il, "attn_output_norm.bias"), L, R::kOther, E);
    b.add(blk(il, "ffn_up.weight"), L, R::kFfnUp, E, F);
    b.add(blk(il, "ffn_up.bias"), L, R::kOther, F);
    b.add(blk(il, "ffn_down.weight"), L, R::kFfnDown, F, E);
    b.add(blk(il, "ffn_down.bias"), L, R::kOther, E);
    b.add(blk(il, "layer_output_norm.weight"), L, R::kOther, E);
    b.add(blk(il, "layer_output_norm.bias"), L, R::kOther, E);
  }
  // A reranker's classifier (src/models/bert.cpp: cls {n_embd, n_embd}, cls.output {n_embd,
  // n_cls_out}, with biases). A one-label output is a [1, n_embd] matrix in the checkpoint: F16
  // as converted, and llama-quant sees one dimension and leaves it alone.
  if (m.rank_labels) {
    if (m.rank_dense) {
      b.add("cls.weight", -1, R::kOther, E, E);
      b.add("cls.bias", -1, R::kOther, E);
    }
    b.add("cls.output.weight", -1, R::kOther, E, m.rank_labels, 1, 2);
    b.add("cls.output.bias", -1, R::kOther, m.rank_labels);
  }
  return b.out;
}

// An EAGLE-3 draft head as vLLM loads it (vllm/model_executor/models/llama_eagle3.py at 28be48f):
// fc from 3 target hidden states to one; decoder layers whose first takes the token embedding
// and the hidden state side by side (2 x hidden into Q/K/V) with its own hidden_norm; a final
// norm; an output head over draft_vocab_size tokens; and d2t, the int64 map from draft to
// target token ids (two 32-bit words per entry here, so the flat format counts its 8 bytes).
// No embedding table: the head uses the target's (t2d is skipped on load).
std::vector<TensorSpec> eagle3_tensors(const ModelArch& m) {
  Builder b;
  using R = TensorRole;
  const uint64_t E = m.embedding_length, F = m.feed_forward_length;
  const uint64_t T = m.eagle_target_hidden ? m.eagle_target_hidden : E;
  const uint64_t q = uint64_t{m.head_count} * m.key_length;
  const uint64_t kv = uint64_t{m.head_count_kv} * m.key_length;
  b.add("fc.weight", -1, R::kOther, 3 * T, E);
  for (uint32_t il = 0; il < m.block_count; ++il) {
    const int L = static_cast<int>(il);
    const uint64_t in = il == 0 ? 2 * E : E;
    b.add(blk(il, "attn_norm.weight"), L, R::kOther, E);
    if (il == 0) b.add(blk(il, "hidden_norm.weight"), L, R::kOther, E);
    b.add(blk(il, "attn_q.weight"), L, R::kAttnQ, in, q);
    b.add(blk(il, "attn_k.weight"), L, R::kAttnK, in, kv);
    b.add(blk(il, "attn_v.weight"), L, R::kAttnV, in, kv);
    b.add(blk(il, "attn_output.weight"), L, R::kAttnOutput, q, E);
    b.add(blk(il, "ffn_norm.weight"), L, R::kOther, E);
    b.add(blk(il, "ffn_gate.weight"), L, R::kFfnGate, E, F);
    b.add(blk(il, "ffn_up.weight"), L, R::kFfnUp, E, F);
    b.add(blk(il, "ffn_down.weight"), L, R::kFfnDown, F, E);
  }
  b.add("output_norm.weight", -1, R::kOther, E);
  b.add("output.weight", -1, R::kOutput, E, m.eagle_draft_vocab);
  b.add("d2t", -1, R::kOther, 2 * uint64_t{m.eagle_draft_vocab});
  return b.out;
}

std::vector<TensorSpec> model_tensors(const ModelArch& m) {
  if (m.arch == "bert") return bert_tensors(m);
  if (m.arch == "eagle3") return eagle3_tensors(m);
  if (m.arch == "deepseek4") return dsv4_tensors(m);
  Builder b;
  using R = TensorRole;
  const uint64_t E = m.embedding_length, V = m.vocab_size;
  const bool mamba2 =
      m.arch == "nemotron_h" || m.arch == "nemotron_h_moe" || m.arch == "granitehybrid";
  const bool split_gdn = m.arch == "qwen35" || m.arch == "qwen35moe";
  // OLMo 2 / 3 normalise Q and K over all heads at once (src/models/olmo2.cpp: q_norm {n_embd},
  // k_norm {n_head_kv x head dim}); both they and EXAONE 4 have no pre-norms, only the post-norms
  // after attention and after the FFN (src/models/exaone4.cpp).
  const bool full_width_qk_norm = m.arch == "minimax-m2" || m.arch == "olmo2";
  const ArchTraits& traits = arch_traits(m.arch);
  const bool post_norms_only = traits.post_norms_only;
  const bool gemma4 = m.arch == "gemma4";
  const bool router_bias = traits.router_bias;
  const bool ffn_blocks = m.has_ffn_blocks();
  b.add("token_embd.weight", -1, R::kTokenEmbd, E, V);
  // Per-layer embeddings (src/models/gemma4.cpp load_arch_tensors): a second lookup table, an
  // input-layer tensor kept in host memory with token_embd, which llama-quant types as token_embd
  // (tensor_name_match_token_embd); the model projection and its norm go with layer 0 and are
  // never quantized ("not too big so keep them as it is").
  const uint64_t PL = m.embd_per_layer;
  if (PL) {
    b.add("per_layer_token_embd.weight", -1, R::kTokenEmbd, PL * m.block_count, V);
    b.add("per_layer_model_proj.weight", 0, R::kOther, E, PL * m.block_count);
    b.out.back().quantizable = false;
    b.add("per_layer_proj_norm.weight", 0, R::kOther, PL);
  }
  if (m.rope_freqs) b.add("rope_freqs.weight", -1, R::kOther, m.key_length / 2);

  const uint32_t loaded_layers = m.block_count - std::min(m.skipped_tail_layers, m.block_count);
  for (uint32_t il = 0; il < loaded_layers; ++il) {
    const int L = static_cast<int>(il);
    const LayerKind kind = il < m.layers.size() ? m.layers[il] : LayerKind::kFullAttention;
    if (!post_norms_only) b.add(blk(il, "attn_norm.weight"), L, R::kOther, E);
    if (m.dense_biases) b.add(blk(il, "attn_norm.bias"), L, R::kOther, E);
    if (kind == LayerKind::kFeedForward) {
      // Nemotron-H MLP/MoE block: attn_norm then the FFN below, nothing else.
    } else if (kind == LayerKind::kParallelHybrid) {
      // Falcon-H1: a Mamba2 mixer and attention side by side, then the MLP below.
      add_mamba2_layer(b, m, il);
      const uint64_t kl = m.key_length, vl = m.value_length, kvh = m.head_count_kv;
      const uint64_t q = uint64_t{m.head_count} * kl;
      b.add(blk(il, "attn_q.weight"), L, R::kAttnQ, E, q);
      b.add(blk(il, "attn_k.weight"), L, R::kAttnK, E, kvh * kl);
      b.add(blk(il, "attn_v.weight"), L, R::kAttnV, E, kvh * vl);
      if (m.attn_qkv_bias) {
        b.add(blk(il, "attn_q.bias"), L, R::kOther, q);
        b.add(blk(il, "attn_k.bias"), L, R::kOther, kvh * kl);
        b.add(blk(il, "attn_v.bias"), L, R::kOther, kvh * vl);
      }
      b.add(blk(il, "attn_output.weight"), L, R::kAttnOutput, uint64_t{m.head_count} * vl, E);
    } else if (kind == LayerKind::kRecurrent && mamba2) {
      add_mamba2_layer(b, m, il);
    } else if (kind == LayerKind::kRecurrent && m.arch == "jamba") {
      add_mamba1_layer(b, m, il);
    } else if (kind == LayerKind::kRecurrent && m.arch == "lfm2") {
      // LFM2's short convolution (src/models/lfm2.cpp): the depthwise kernel {l_cache, n_embd}
      // (F32: the converter forces it and llama-quant skips "shortconv.conv.weight"), the input
      // projection to B, C and x {n_embd, 3 n_embd} and the output projection.
      b.add(blk(il, "shortconv.conv.weight"), L, R::kOther, m.ssm_conv_kernel, E);
      b.out.back().quantizable = false;
      b.out.back().source_type = GgmlType::F32;
      b.add(blk(il, "shortconv.in_proj.weight"), L, R::kOther, E, 3 * E);
      b.add(blk(il, "shortconv.out_proj.weight"), L, R::kOther, E, E);
    } else if (kind == LayerKind::kRecurrent && split_gdn) {
      // Qwen3.5/3.6 (llama.cpp src/models/qwen35*.cpp): the same gated delta net as Qwen3-Next
      // with its input projection split into attn_qkv + attn_gate and beta/alpha apart.
      const uint64_t key_dim = uint64_t{m.ssm_state_size} * m.ssm_group_count;
      const uint64_t value_dim = m.ssm_inner_size;
      const uint64_t conv_dim = 2 * key_dim + value_dim;
      b.add(blk(il, "attn_qkv.weight"), L, R::kOther, E, conv_dim);
      b.add(blk(il, "attn_gate.weight"), L, R::kOther, E, value_dim);
      b.add(blk(il, "ssm_conv1d.weight"), L, R::kOther, m.ssm_conv_kernel, conv_dim);
      b.add(blk(il, "ssm_dt.bias"), L, R::kOther, m.ssm_time_step_rank);
      b.add(blk(il, "ssm_a"), L, R::kOther, m.ssm_time_step_rank);
      b.add(blk(il, "ssm_beta.weight"), L, R::kOther, E, m.ssm_time_step_rank);
      b.add(blk(il, "ssm_alpha.weight"), L, R::kOther, E, m.ssm_time_step_rank);
      b.add(blk(il, "ssm_norm.weight"), L, R::kOther,
            value_dim / std::max<uint32_t>(m.ssm_time_step_rank, 1));
      b.add(blk(il, "ssm_out.weight"), L, R::kOther, value_dim, E);
    } else if (kind == LayerKind::kRecurrent) {
      // Gated delta net (llama.cpp src/models/qwen3next.cpp load_arch_tensors): the q/k/v/z input
      // projection, conv, dt/a, beta+alpha, gated norm, out projection. Published GGUFs use the
      // single ssm_in {n_embd, 2 key + 2 value} tensor (newer conversions split it into attn_qkv
      // + attn_gate); its file's loader lists q4_K 391, q6_K 55, f16 48, f32 313 at Q4_K_M.
      const uint64_t key_dim = uint64_t{m.ssm_state_size} * m.ssm_group_count;
      const uint64_t value_dim = m.ssm_inner_size;
      const uint64_t conv_dim = 2 * key_dim + value_dim;
      b.add(blk(il, "ssm_in.weight"), L, R::kOther, E, 2 * key_dim + 2 * value_dim);
      b.add(blk(il, "ssm_conv1d.weight"), L, R::kOther, m.ssm_conv_kernel, conv_dim);
      b.add(blk(il, "ssm_dt.bias"), L, R::kOther, m.ssm_time_step_rank);
      b.add(blk(il, "ssm_a"), L, R::kOther, m.ssm_time_step_rank);
      b.add(blk(il, "ssm_beta_alpha.weight"), L, R::kOther, E, 2ull * m.ssm_time_step_rank);
      b.add(blk(il, "ssm_norm.weight"), L, R::kOther,
            value_dim / std::max<uint32_t>(m.ssm_time_step_rank, 1));
      b.add(blk(il, "ssm_out.weight"), L, R::kOther, value_dim, E);
    } else if (m.is_mla()) {
      const uint64_t qk_head = m.qk_nope_head_dim + m.rope_dimension_count;
      if (m.q_lora_rank > 0) {
        b.add(blk(il, "attn_q_a.weight"), L, R::kOther, E, m.q_lora_rank);
        b.add(blk(il, "attn_q_a_norm.weight"), L, R::kOther, m.q_lora_rank);
        b.add(blk(il, "attn_q_b.weight"), L, R::kOther, m.q_lora_rank, m.head_count * qk_head);
      } else {
        b.add(blk(il, "attn_q.weight"), L, R::kAttnQ, E, m.head_count * qk_head);
      }
      b.add(blk(il, "attn_kv_a_mqa.weight"), L, R::kOther, E,
            m.kv_lora_rank + m.rope_dimension_count);
      b.add(blk(il, "attn_kv_a_norm.weight"), L, R::kOther, m.kv_lora_rank);
      b.add(blk(il, "attn_kv_b.weight"), L, R::kAttnKvB, m.kv_lora_rank,
            m.head_count * (m.qk_nope_head_dim + m.value_length));
      b.add(blk(il, "attn_output.weight"), L, R::kAttnOutput, m.head_count * m.value_length, E);
      if (m.layer_has_indexer(il)) add_dsa_indexer(b, m, il);
    } else {
      // Per layer: Gemma 4's sliding layers have narrower heads and more KV heads.
      const uint64_t kl = m.k_length(il), vl = m.v_length(il), kvh = m.kv_heads(il);
      const uint64_t qh = m.q_heads(il);
      const uint64_t q = qh * kl * (m.attn_output_gate ? 2 : 1);
      const uint64_t k = kvh * kl;
      const uint64_t v = kvh * vl;
      if (m.fused_qkv) {
        b.add(blk(il, "attn_qkv.weight"), L, R::kAttnQkv, E, q + k + v);
      } else {
        b.add(blk(il, "attn_q.weight"), L, R::kAttnQ, E, q);
        b.add(blk(il, "attn_k.weight"), L, R::kAttnK, E, k);
        if (!(m.full_k_eq_v && !m.sliding(il))) b.add(blk(il, "attn_v.weight"), L, R::kAttnV, E, v);
      }
      if (m.dense_biases && m.fused_qkv) b.add(blk(il, "attn_qkv.bias"), L, R::kOther, q + k + v);
      if (m.attn_qkv_bias) {
        b.add(blk(il, "attn_q.bias"), L, R::kOther, q);
        b.add(blk(il, "attn_k.bias"), L, R::kOther, k);
        b.add(blk(il, "attn_v.bias"), L, R::kOther, v);
      }
      if (m.attn_qk_norm && full_width_qk_norm) {  // MiniMax-M2: over all heads at once
        b.add(blk(il, "attn_q_norm.weight"), L, R::kOther, uint64_t{m.head_count} * m.key_length);
        b.add(blk(il, "attn_k_norm.weight"), L, R::kOther, k);
      } else if (m.attn_qk_norm) {
        b.add(blk(il, "attn_q_norm.weight"), L, R::kOther, kl);
        b.add(blk(il, "attn_k_norm.weight"), L, R::kOther, kl);
      }
      b.add(blk(il, "attn_output.weight"), L, R::kAttnOutput, qh * vl, E);
      // Laguna: one output-gate scalar per head (src/models/laguna.cpp attn_gate).
      if (m.attn_head_gate) b.add(blk(il, "attn_gate.weight"), L, R::kOther, E, qh);
      if (m.sliding(il) ? m.swa_attn_sinks : m.full_attn_sinks)
        b.add(blk(il, "attn_sinks.weight"), L, R::kOther, qh);
      // Gemma 4 (src/models/gemma4.cpp): a one-element output scale per layer (HF layer_scalar).
      if (gemma4) b.add(blk(il, "layer_output_scale.weight"), L, R::kOther, 1);
      if (m.dense_biases) b.add(blk(il, "attn_output.bias"), L, R::kOther, E);
      if (m.expert_bias) {  // gpt-oss: output bias and attention sinks
        b.add(blk(il, "attn_output.bias"), L, R::kOther, E);
        b.add(blk(il, "attn_sinks.weight"), L, R::kOther, m.head_count);
      }
    }
    if (ffn_blocks && kind != LayerKind::kFeedForward) continue;  // a mixer-only block
    if (!ffn_blocks) {
      if (m.post_norms || m.post_attn_norm_only)
        b.add(blk(il, "post_attention_norm.weight"), L, R::kOther, E);
      if (!m.post_attn_norm_only && !post_norms_only)
        b.add(blk(il, "ffn_norm.weight"), L, R::kOther, E);
      if (m.dense_biases) b.add(blk(il, "ffn_norm.bias"), L, R::kOther, E);
    }

    if (m.layer_is_moe(il)) {
      const uint64_t F = m.expert_feed_forward_length, X = m.expert_count;
      // Latent MoE (Nemotron 3 Super): experts read and write a narrower width than n_embd.
      const uint64_t XE = m.moe_latent_size ? m.moe_latent_size : E;
      b.add(blk(il, "ffn_gate_inp.weight"), L, R::kOther, E, X);
      if (gemma4) {
        // Gemma 4's MoE layers keep the dense MLP beside the experts, a router scale, three
        // extra norms and a per-expert output scale (gemma4.cpp; conversion/gemma.py maps
        // router.scale to ffn_gate_inp.scale and per_expert_scale to ffn_down_exps.scale).
        const uint64_t D = m.feed_forward_length;
        b.add(blk(il, "ffn_gate.weight"), L, R::kFfnGate, E, D);
        b.add(blk(il, "ffn_up.weight"), L, R::kFfnUp, E, D);
        b.add(blk(il, "ffn_down.weight"), L, R::kFfnDown, D, E);
        b.add(blk(il, "ffn_gate_inp.scale"), L, R::kOther, E);
        b.add(blk(il, "pre_ffw_norm_2.weight"), L, R::kOther, E);
        b.add(blk(il, "post_ffw_norm_1.weight"), L, R::kOther, E);
        b.add(blk(il, "post_ffw_norm_2.weight"), L, R::kOther, E);
        b.add(blk(il, "ffn_down_exps.scale"), L, R::kOther, X);
      }
      if (router_bias) b.add(blk(il, "exp_probs_b.bias"), L, R::kOther, X);
      if (m.moe_latent_size) {
        b.add(blk(il, "ffn_latent_down.weight"), L, R::kOther, E, XE);
        b.add(blk(il, "ffn_latent_up.weight"), L, R::kOther, XE, E);
      }
      if (m.gated_ffn) b.add(blk(il, "ffn_gate_exps.weight"), L, R::kFfnGate, XE, F, X);
      b.add(blk(il, "ffn_up_exps.weight"), L, R::kFfnUp, XE, F, X);
      b.add(blk(il, "ffn_down_exps.weight"), L, R::kFfnDown, F, XE, X);
      if (m.expert_bias) {
        b.add(blk(il, "ffn_gate_inp.bias"), L, R::kOther, X);
        b.add(blk(il, "ffn_gate_exps.bias"), L, R::kOther, F, X);
        b.add(blk(il, "ffn_up_exps.bias"), L, R::kOther, F, X);
        b.add(blk(il, "ffn_down_exps.bias"), L, R::kOther, E, X);
      }
      // HF stores the shared-expert gate as a [1, n_embd] matrix: {n_embd, 1} in GGUF, F16.
      if (m.shared_expert_gate)
        b.add(blk(il, "ffn_gate_inp_shexp.weight"), L, R::kOther, E, 1, 1, 2);
      if (m.expert_shared_feed_forward_length > 0) {
        const uint64_t S = m.expert_shared_feed_forward_length;
        if (m.gated_ffn) b.add(blk(il, "ffn_gate_shexp.weight"), L, R::kFfnGate, E, S);
        b.add(blk(il, "ffn_up_shexp.weight"), L, R::kFfnUp, E, S);
        b.add(blk(il, "ffn_down_shexp.weight"), L, R::kFfnDown, S, E);
      }
    } else {
      const uint64_t F = m.ff_length(il);
      if (m.fused_gate_up) {
        b.add(blk(il, "ffn_up.weight"), L, R::kFfnUp, E, 2 * F);
      } else {
        if (m.gated_ffn) b.add(blk(il, "ffn_gate.weight"), L, R::kFfnGate, E, F);
        b.add(blk(il, "ffn_up.weight"), L, R::kFfnUp, E, F);
      }
      if (m.dense_biases) b.add(blk(il, "ffn_up.bias"), L, R::kOther, F);
      b.add(blk(il, "ffn_down.weight"), L, R::kFfnDown, F, E);
      if (m.dense_biases) b.add(blk(il, "ffn_down.bias"), L, R::kOther, E);
    }
    if (m.post_norms) b.add(blk(il, "post_ffw_norm.weight"), L, R::kOther, E);
    if (PL) {  // the layer's gate on its slice of the per-layer input, back to n_embd
      b.add(blk(il, "inp_gate.weight"), L, R::kOther, E, PL);
      b.add(blk(il, "proj.weight"), L, R::kOther, PL, E);
      b.add(blk(il, "post_norm.weight"), L, R::kOther, E);
    }
  }
  b.add("output_norm.weight", -1, R::kOther, E);
  if (m.dense_biases) b.add("output_norm.bias", -1, R::kOther, E);
  if (!m.tied_embeddings) b.add("output.weight", -1, R::kOutput, E, V);
  // A decoder reranker (Qwen3-Reranker, conversion/qwen.py): the yes/no rows of the output
  // matrix as cls.output {n_embd, 2}, no bias.
  if (m.rank_labels) b.add("cls.output.weight", -1, R::kOther, E, m.rank_labels);
  return b.out;
}

void apply_arch_layout(ModelArch& m) {
  const std::string& a = m.arch;
  if (a == "qwen2" || a == "qwen2moe" || a == "starcoder2") m.attn_qkv_bias = true;
  if (a == "qwen3" || a == "qwen3moe") m.attn_qk_norm = true;
  if (a == "gemma2" || a == "gemma3") m.post_norms = true;
  if (a == "gemma3") m.attn_qk_norm = true;
  if (a == "olmo2" || a == "exaone4") m.attn_qk_norm = m.post_norms = true;
  if (a == "phi3") m.fused_qkv = m.fused_gate_up = true;
  if (a == "phi2" || a == "starcoder2") m.gated_ffn = false;
  if (a == "falcon") {
    m.fused_qkv = true;
    m.gated_ffn = false;
  }
  if (a == "gptneox") {  // llama.cpp src/models/gptneox: fused qkv, plain MLP, biases everywhere
    m.fused_qkv = true;
    m.gated_ffn = false;
    m.dense_biases = true;
  }
}

uint64_t parameter_count(const ModelArch& m) {
  uint64_t n = 0;
  for (const auto& t : model_tensors(m))
    if (t.name != "d2t") n += t.elements();  // an EAGLE-3 head's token map, not weights
  return n;
}

uint64_t active_parameter_count(const ModelArch& m) {
  uint64_t n = 0;
  for (const auto& t : model_tensors(m)) {
    if (t.ne[2] > 1 && m.expert_count > 0) {
      n += t.elements() / m.expert_count * m.expert_used_count;
    } else if (t.role == TensorRole::kTokenEmbd) {
      n += t.ne[0];  // one row is looked up per token
    } else {
      n += t.elements();
    }
  }
  return n;
}

}  // namespace runcheck
