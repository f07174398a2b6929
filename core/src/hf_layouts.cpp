// The per-family half of the config.json importer: each model_type's layout, as llama.cpp's
// converter (conversion/*.py) and loader (src/models/*.cpp) see it. hf_config.cpp reads what
// every family has and checks the result.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "hf_config_internal.h"
#include "runcheck/constants.h"

namespace runcheck::hf {

// Per-layer kinds from `layer_types` (Gemma 3, gpt-oss, newer Qwen configs).
bool apply_layer_types(const json& c, ModelArch& m) {
  if (!c.contains("layer_types") || !c.at("layer_types").is_array()) return false;
  const json& lt = c.at("layer_types");
  if (lt.size() != m.block_count) return false;
  for (size_t i = 0; i < lt.size(); ++i) {
    const std::string s = lt[i].is_string() ? lt[i].get<std::string>() : "";
    if (s == "sliding_attention" || s == "chunked_attention")
      m.layers[i] = LayerKind::kSlidingAttention;
    else if (s == "linear_attention" || s == "mamba")
      m.layers[i] = LayerKind::kRecurrent;
    else
      m.layers[i] = LayerKind::kFullAttention;
  }
  return true;
}

// Nemotron-H (llama.cpp nemotron_h / nemotron_h_moe; keys as its converter reads them): every
// block is one of Mamba2 ('M' / "mamba"), attention ('*' / "attention") or an MLP ('-' / "mlp")
// or MoE ('E' / "moe") block. Mamba2: d_inner = mamba_num_heads x mamba_head_dim, n_groups B/C
// groups of ssm_state_size, conv_kernel taps; its state is fixed per sequence.
void apply_nemotron_h(const json& c, Reader& r, ModelArch& m) {
  const bool moe = r.has("num_experts_per_tok");
  m.arch = moe ? "nemotron_h_moe" : "nemotron_h";
  m.gated_ffn = false;  // squared-ReLU MLP and experts: up + down only
  m.ssm_conv_kernel = r.u32("conv_kernel", true);
  m.ssm_state_size = r.u32("ssm_state_size", true);
  m.ssm_group_count = r.u32("n_groups", true);
  m.ssm_time_step_rank = r.u32("mamba_num_heads", true);
  m.ssm_inner_size = m.ssm_time_step_rank * r.u32("mamba_head_dim", true);
  if (moe) {
    m.expert_count = r.u32("n_routed_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
    m.expert_shared_count = r.u32("n_shared_experts", false);
    m.expert_shared_feed_forward_length =
        m.expert_shared_count ? r.u32("moe_shared_expert_intermediate_size", true) : 0;
    m.moe_latent_size = r.u32("moe_latent_size", false);
  }
  std::vector<std::string> kinds;
  if (c.contains("hybrid_override_pattern") && c.at("hybrid_override_pattern").is_string()) {
    for (char ch : c.at("hybrid_override_pattern").get<std::string>())
      kinds.push_back(ch == 'M'   ? "mamba"
                      : ch == '*' ? "attention"
                      : ch == 'E' ? "moe"
                      : ch == '-' ? "mlp"
                                  : std::string(1, ch));
  } else if (c.contains("layers_block_type") && c.at("layers_block_type").is_array()) {
    for (const json& k : c.at("layers_block_type"))
      kinds.push_back(k.is_string() ? k.get<std::string>() : "?");
  }
  if (kinds.size() != m.block_count) {
    if (r.missing.empty()) {
      r.missing = "hybrid_override_pattern / layers_block_type must name every layer";
      r.bad_field = r.prefix + ".hybrid_override_pattern";
    }
    return;
  }
  for (uint32_t i = 0; i < m.block_count; ++i) {
    const std::string& k = kinds[i];
    if (k == "mamba") {
      m.layers[i] = LayerKind::kRecurrent;
    } else if (k == "attention") {
      m.layers[i] = LayerKind::kFullAttention;
    } else if (k == "mlp" || k == "moe") {
      m.layers[i] = LayerKind::kFeedForward;
    } else if (r.missing.empty()) {
      r.missing = "unknown block type '" + k + "' in the layer pattern";
      r.bad_field = r.prefix + ".hybrid_override_pattern";
    }
  }
}

// The Mamba2 keys Granite 4 and Falcon-H1 configs share (mamba_*; transformers
// GraniteMoeHybridConfig / FalconH1Config): conv taps, state size, B/C groups, heads. `inner` is
// the Mamba2 width, which each family states its own way; it must split into the groups.
void read_mamba2(Reader& r, ModelArch& m, uint32_t inner) {
  m.ssm_conv_kernel = r.u32("mamba_d_conv", true, 2, 64);
  m.ssm_state_size = r.u32("mamba_d_state", true);
  m.ssm_group_count = r.u32("mamba_n_groups", true);
  m.ssm_time_step_rank = r.u32("mamba_n_heads", true);
  m.ssm_inner_size = inner;
  if (m.ssm_group_count && inner % m.ssm_group_count != 0 && r.missing.empty()) {
    r.missing = "the Mamba2 width must divide into mamba_n_groups groups";
    r.bad_field = r.prefix + ".mamba_n_groups";
  }
}

// The expert keys Qwen's MoE configs share (Qwen2-MoE, Qwen3-MoE, Qwen3-Next, Qwen3.5/3.6 MoE).
void read_qwen_experts(Reader& r, ModelArch& m) {
  m.expert_count = r.u32("num_experts", true);
  m.expert_used_count = r.u32("num_experts_per_tok", true);
  m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
}

std::optional<Error> apply_family_layout(const std::string& mt, const json& c, Reader& r,
                                         ModelArch& m, const std::string& field) {
  if (mt == "llama" || mt == "mistral" || mt == "mixtral" || mt == "granite" || mt == "smollm3" ||
      mt == "ministral" || mt == "mistral3" || mt == "internlm2" || mt == "exaone") {
    m.arch = "llama";
    if (c.contains("rope_scaling") && c["rope_scaling"].is_object() &&
        c["rope_scaling"].value("rope_type", "") == "llama3")
      m.rope_freqs = true;
    if (mt == "mixtral") {
      m.expert_count = r.u32("num_local_experts", true);
      m.expert_used_count = r.u32("num_experts_per_tok", true);
      m.expert_feed_forward_length = m.feed_forward_length;
    }
    // SmolLM3Config defaults tie_word_embeddings to true (transformers
    // models/smollm3/configuration_smollm3.py), and the published config.json leaves it out.
    if (mt == "smollm3") m.tied_embeddings = r.boolean("tie_word_embeddings", true);
    if (r.has("sliding_window") && (mt == "mistral" || mt == "mixtral"))
      m.sliding_window = r.u32("sliding_window", false, 1, uint64_t{1} << 31);
    // An EAGLE-3 draft head is published as a one-layer Llama config with draft_vocab_size
    // (SafeAILab/EAGLE eagle/traineagle3/config.json; yuhuili/EAGLE3-LLaMA3.1-Instruct-8B).
    if (mt == "llama" && r.has("draft_vocab_size")) {
      m.arch = "eagle3";
      m.eagle_draft_vocab = r.u32("draft_vocab_size", true, 1, m.vocab_size ? m.vocab_size : 1);
      m.eagle_target_hidden = r.u32("target_hidden_size", false);
      m.tied_embeddings = false;
    }
  } else if (mt == "qwen2" || mt == "qwen2_moe" || mt == "qwen3" || mt == "qwen3_moe") {
    // Qwen2 has Q/K/V biases, Qwen3 per-head Q/K norms instead. Either reads a window only when
    // use_sliding_window is set (Qwen2.5 sets sliding_window with use_sliding_window: false).
    const bool q3 = mt == "qwen3" || mt == "qwen3_moe";
    const bool moe = mt == "qwen2_moe" || mt == "qwen3_moe";
    m.arch = std::string(q3 ? "qwen3" : "qwen2") + (moe ? "moe" : "");
    (q3 ? m.attn_qk_norm : m.attn_qkv_bias) = true;
    if (r.boolean("use_sliding_window", false)) m.sliding_window = r.u32("sliding_window", false);
    if (moe) read_qwen_experts(r, m);
    if (mt == "qwen2_moe") {
      m.expert_shared_feed_forward_length = r.u32("shared_expert_intermediate_size", false);
      m.expert_shared_count = m.expert_shared_feed_forward_length ? 1 : 0;
      m.shared_expert_gate = m.expert_shared_count > 0;
    }
  } else if (mt == "qwen3_next" || mt == "qwen3_5" || mt == "qwen3_5_moe") {
    // Hybrid: every `full_attention_interval`-th layer is gated full attention, the others are
    // gated delta net (linear attention) with a fixed-size state. Key mapping as llama.cpp's
    // converter writes the GGUF ssm.* keys (conv kernel, key head dim as state size, key heads as
    // groups, value heads as time-step rank, value heads x value head dim as inner size).
    // Qwen3.5/3.6 (llama.cpp qwen35 / qwen35moe) keep this layout, dense or MoE, and state
    // their multi-token-prediction block as mtp_num_hidden_layers.
    const bool moe = mt != "qwen3_5";
    m.arch = mt == "qwen3_next" ? "qwen3next" : moe ? "qwen35moe" : "qwen35";
    m.attn_qk_norm = true;
    m.attn_output_gate = true;
    m.post_attn_norm_only = true;
    if (mt != "qwen3_next") m.nextn_layers = r.u32("mtp_num_hidden_layers", false, 0, 16);
    if (moe) {
      read_qwen_experts(r, m);
      m.expert_shared_feed_forward_length = r.u32("shared_expert_intermediate_size", true);
      m.expert_shared_count = 1;
      m.shared_expert_gate = true;
    }
    m.ssm_conv_kernel = r.u32("linear_conv_kernel_dim", true);
    m.ssm_state_size = r.u32("linear_key_head_dim", true);
    m.ssm_group_count = r.u32("linear_num_key_heads", true);
    m.ssm_time_step_rank = r.u32("linear_num_value_heads", true);
    m.ssm_inner_size = m.ssm_time_step_rank * r.u32("linear_value_head_dim", true);
    uint32_t interval = r.u32("full_attention_interval", false);
    if (interval == 0) interval = 4;  // llama.cpp's default when the key is absent
    if (!apply_layer_types(c, m))
      for (uint32_t i = 0; i < m.block_count; ++i)
        m.layers[i] = (i + 1) % interval == 0 ? LayerKind::kFullAttention : LayerKind::kRecurrent;
  } else if (mt == "gemma" || mt == "gemma2" || mt == "gemma3" || mt == "gemma3_text") {
    m.arch = mt == "gemma3_text" ? "gemma3" : mt;
    m.tied_embeddings = true;  // Gemma ties input and output embeddings
    m.post_norms = mt != "gemma";
    m.attn_qk_norm = mt == "gemma3" || mt == "gemma3_text";
    if (mt != "gemma") {
      m.sliding_window = r.u32("sliding_window", false, 1, uint64_t{1} << 31);
      if (!apply_layer_types(c, m) && m.sliding_window) {
        // Gemma 2: local and global alternate, local first. Gemma 3: 5 local then 1 global.
        const uint32_t pattern = mt == "gemma2" ? 2
                                                : (r.u32("sliding_window_pattern", false)
                                                       ? r.u32("sliding_window_pattern", false)
                                                       : 6);
        for (uint32_t i = 0; i < m.block_count; ++i)
          m.layers[i] =
              (i + 1) % pattern == 0 ? LayerKind::kFullAttention : LayerKind::kSlidingAttention;
      }
    }
  } else if (mt == "phi3") {
    m.arch = "phi3";
    m.fused_qkv = true;
    m.fused_gate_up = true;
  } else if (mt == "phi") {
    m.arch = "phi2";
    m.gated_ffn = false;
  } else if (mt == "nemotron_h") {
    apply_nemotron_h(c, r, m);
  } else if (mt == "granitemoehybrid") {
    // Granite 4.0 (llama.cpp granitehybrid; conversion/granite.py GraniteHybridModel): Mamba2
    // or attention mixers per `layer_types` (else attn_layer_indices), each followed by an FFN -
    // experts with a shared expert, or the shared MLP alone when num_local_experts is 0. The
    // Mamba2 inner width is mamba_expand x hidden (the loader asserts 2 x n_embd); one dt, A and
    // D per mamba head; n_groups B/C groups of mamba_d_state.
    m.arch = "granitehybrid";
    read_mamba2(r, m, r.u32("mamba_expand", true, 1, 16) * m.embedding_length);
    m.tied_embeddings = r.boolean("tie_word_embeddings", true);
    const uint32_t shared = r.u32("shared_intermediate_size", true);
    m.expert_count = r.u32("num_local_experts", false, 0);
    if (m.expert_count > 0) {
      m.expert_used_count = r.u32("num_experts_per_tok", true);
      m.expert_feed_forward_length = r.u32("intermediate_size", true);
      m.expert_shared_count = 1;
      m.expert_shared_feed_forward_length = shared;
    } else {
      m.feed_forward_length = shared;
    }
    if (!apply_layer_types(c, m)) {
      if (c.contains("attn_layer_indices") && c.at("attn_layer_indices").is_array()) {
        std::fill(m.layers.begin(), m.layers.end(), LayerKind::kRecurrent);
        for (const json& i : c.at("attn_layer_indices"))
          if (i.is_number_integer() && i.get<int64_t>() >= 0 && i.get<int64_t>() < m.block_count)
            m.layers[static_cast<size_t>(i.get<int64_t>())] = LayerKind::kFullAttention;
      } else if (r.missing.empty()) {
        r.missing = "layer_types (or attn_layer_indices) must name every layer";
        r.bad_field = r.prefix + ".layer_types";
      }
    }
  } else if (mt == "falcon_h1") {
    // Falcon-H1 (llama.cpp src/models/falcon-h1.cpp): attention and a Mamba2 mixer side by side in
    // every layer, then a SwiGLU MLP. The Mamba2 width is mamba_d_ssm when given, else heads x
    // head dim; n_groups B/C groups of mamba_d_state; conv bias per mamba_conv_bias, the gated
    // norm per mamba_rms_norm, linear biases per attention_bias / projectors_bias / mlp_bias.
    m.arch = "falcon-h1";
    read_mamba2(r, m,
                r.has("mamba_d_ssm") ? r.u32("mamba_d_ssm", true)
                                     : r.u32("mamba_n_heads", true) * r.u32("mamba_d_head", true));
    m.ssm_conv_bias = r.boolean("mamba_conv_bias", true);
    m.ssm_gated_norm = r.boolean("mamba_rms_norm", false);
    m.attn_qkv_bias = r.boolean("attention_bias", false);
    m.tied_embeddings = r.boolean("tie_word_embeddings", false);
    if (r.boolean("projectors_bias", false) || r.boolean("mlp_bias", false)) {
      r.missing = "projectors_bias / mlp_bias are not modelled (no published Falcon-H1 sets them)";
      r.bad_field = r.prefix + (r.boolean("mlp_bias", false) ? ".mlp_bias" : ".projectors_bias");
    }
    std::fill(m.layers.begin(), m.layers.end(), LayerKind::kParallelHybrid);
  } else if (mt == "jamba") {
    // Jamba (llama.cpp src/models/jamba.cpp; transformers JambaConfig): attention on layers with
    // i % attn_layer_period == attn_layer_offset, Mamba (v1) mixers elsewhere; experts on layers
    // with i % expert_layer_period == expert_layer_offset, a dense SwiGLU MLP elsewhere, both
    // intermediate_size wide. Mamba: d_inner = mamba_expand x hidden, dt_rank, d_state, conv.
    m.arch = "jamba";
    const uint32_t ap = r.u32("attn_layer_period", true, 1, kMaxLayers);
    const uint32_t ao = r.u32("attn_layer_offset", true, 0, kMaxLayers);
    const uint32_t ep = r.u32("expert_layer_period", true, 1, kMaxLayers);
    const uint32_t eo = r.u32("expert_layer_offset", true, 0, kMaxLayers);
    m.ssm_conv_kernel = r.u32("mamba_d_conv", true, 2, 64);
    m.ssm_state_size = r.u32("mamba_d_state", true);
    m.ssm_time_step_rank = r.u32("mamba_dt_rank", true);
    m.ssm_inner_size = r.u32("mamba_expand", true, 1, 16) * m.embedding_length;
    m.ssm_group_count = 0;  // Mamba v1: no B/C groups in its state
    m.expert_count = r.u32("num_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = m.feed_forward_length;
    if (ap && ep && r.missing.empty()) {
      for (uint32_t i = 0; i < m.block_count; ++i)
        m.layers[i] = i % ap == ao ? LayerKind::kFullAttention : LayerKind::kRecurrent;
      // layer_is_moe takes MoE on (il + 1) % step == 0: Jamba's offset must be step - 1.
      if (m.expert_count > 1 && eo + 1 != ep) {
        r.missing =
            "expert_layer_offset must be expert_layer_period - 1 (the published Jamba "
            "layouts); other placements are not modelled";
        r.bad_field = r.prefix + ".expert_layer_offset";
      }
      m.moe_every_n_layers = ep;
    }
  } else if (mt == "minimax_m2") {  // llama.cpp src/models/minimax-m2.cpp
    m.arch = "minimax-m2";
    m.attn_qk_norm = r.boolean("use_qk_norm", true);
    m.expert_count = r.u32("num_local_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = m.feed_forward_length;  // intermediate_size: per expert
  } else if (mt == "deepseek_v2" || mt == "deepseek_v3" || mt == "kimi_k2" ||
             mt == "deepseek_v32" || mt == "glm_moe_dsa") {
    m.arch = mt == "deepseek_v32" ? "deepseek32" : mt == "glm_moe_dsa" ? "glm-dsa" : "deepseek2";
    if (mt == "deepseek_v32" || mt == "glm_moe_dsa") {
      // DeepSeek sparse attention: MLA plus the lightning indexer (index_* keys).
      m.indexer_head_count = r.u32("index_n_heads", true);
      m.indexer_head_dim = r.u32("index_head_dim", true);
      // GLM-5.2 shares one indexer across 4 layers: 'full' layers run their own, 'shared'
      // ones reuse the previous full layer's top-k (conversion/glm.py writes the list as
      // attention.indexer.types; src/models/glm-dsa.cpp reads it).
      if (c.contains("indexer_types") && c.at("indexer_types").is_array()) {
        for (const json& t : c.at("indexer_types")) {
          const std::string s = t.is_string() ? t.get<std::string>() : "";
          if (s != "full" && s != "shared")
            return make_error("bad_config", field + ".indexer_types",
                              field + ".indexer_types holds '" + t.dump().substr(0, 40) +
                                  "', expected \"full\" or \"shared\"");
          m.indexer_types.push_back(s == "full" ? '1' : '0');
        }
        if (m.indexer_types.size() != m.block_count)
          return make_error("bad_config", field + ".indexer_types",
                            field + ".indexer_types has " + std::to_string(m.indexer_types.size()) +
                                " entries for " + std::to_string(m.block_count) + " layers");
      }
    }
    m.kv_lora_rank = r.u32("kv_lora_rank", true);
    m.q_lora_rank = r.u32("q_lora_rank", false);
    m.rope_dimension_count = r.u32("qk_rope_head_dim", true);
    m.qk_nope_head_dim = r.u32("qk_nope_head_dim", true);
    m.value_length = r.u32("v_head_dim", true);
    m.key_length = m.qk_nope_head_dim + m.rope_dimension_count;
    m.head_count_kv = m.head_count;
    m.expert_count = r.u32("n_routed_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
    m.expert_shared_count = r.u32("n_shared_experts", false);
    m.expert_shared_feed_forward_length = m.expert_shared_count * m.expert_feed_forward_length;
    m.leading_dense_block_count = r.u32("first_k_dense_replace", false, 0, kMaxLayers);
  } else if (mt == "deepseek_v4") {
    // DeepSeek-V4 as llama.cpp reads it (3f545be: conversion/deepseek.py DeepseekV4Model,
    // src/models/deepseek4.cpp): one 512-wide K=V head (head_dim, num_key_value_heads 1), a q
    // LoRA, a grouped low-rank output, per-layer key compression (compress_ratios: 0, 4 with the
    // lightning indexer, or 128), hyper-connections (hc_mult residual copies), sqrt-softplus
    // routing with hash routing on the first num_hash_layers. Every layer keeps a sliding window
    // of raw keys (set_swa_pattern(0)). The converter drops the MTP block by default.
    m.arch = "deepseek4";
    m.q_lora_rank = r.u32("q_lora_rank", true);
    m.rope_dimension_count = r.u32("qk_rope_head_dim", true);
    m.indexer_head_count = r.u32("index_n_heads", true);
    m.indexer_head_dim = r.u32("index_head_dim", true);
    m.sliding_window = r.u32("sliding_window", true);
    m.hc_mult = r.u32("hc_mult", true, 1, 64);
    m.output_group_count = r.u32("o_groups", true);
    m.output_lora_rank = r.u32("o_lora_rank", true);
    m.hash_layer_count = r.u32("num_hash_layers", false, 0, kMaxLayers);
    m.expert_count = r.u32("n_routed_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
    m.expert_shared_count = r.u32("n_shared_experts", false);
    m.expert_shared_feed_forward_length = m.expert_shared_count * m.expert_feed_forward_length;
    m.layers.assign(m.block_count, LayerKind::kSlidingAttention);
    // compress_ratios has an entry per layer (the HF list adds one for the MTP block).
    const json* cr = c.contains("compress_ratios") ? &c.at("compress_ratios") : nullptr;
    if (!cr || !cr->is_array() || cr->size() < m.block_count)
      return make_error("bad_config", field + ".compress_ratios",
                        field +
                            ".compress_ratios must list a ratio (0, 4 or 128) for each of the " +
                            std::to_string(m.block_count) + " layers");
    for (uint32_t i = 0; i < m.block_count; ++i) {
      const json& v = (*cr)[i];
      const int64_t x = v.is_number_integer() ? v.get<int64_t>() : -1;
      if (x != 0 && x != 4 && x != 128)
        return make_error("bad_config", field + ".compress_ratios",
                          field + ".compress_ratios[" + std::to_string(i) + "] is " +
                              v.dump().substr(0, 40) +
                              "; llama.cpp's deepseek4 takes 0, 4 or 128 only");
      m.compress_ratios.push_back(x == 4 ? '4' : x == 128 ? 'h' : '0');
    }
    if (m.head_count_kv != 1)
      return make_error("bad_config", field + ".num_key_value_heads",
                        field +
                            ".num_key_value_heads must be 1 for DeepSeek-V4 (one shared K=V "
                            "head)");
  } else if (mt == "gpt_oss") {
    m.arch = "gpt-oss";
    m.attn_qkv_bias = true;
    m.expert_bias = true;
    m.expert_count = r.u32("num_local_experts", true);
    m.expert_used_count = r.has("num_experts_per_tok") ? r.u32("num_experts_per_tok", true)
                                                       : r.u32("experts_per_token", true);
    m.expert_feed_forward_length = m.feed_forward_length;
    m.sliding_window = r.u32("sliding_window", false, 1, uint64_t{1} << 31);
    if (!apply_layer_types(c, m) && m.sliding_window)
      for (uint32_t i = 0; i < m.block_count; ++i)
        m.layers[i] = i % 2 == 0 ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
  } else if (mt == "llama4" || mt == "llama4_text") {
    m.arch = "llama4";
    m.expert_count = r.u32("num_local_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = m.feed_forward_length;
    m.expert_shared_count = 1;
    m.expert_shared_feed_forward_length = m.feed_forward_length;
    const uint32_t dense_ff = r.u32("intermediate_size_mlp", false);
    if (dense_ff) m.feed_forward_length = dense_ff;
    m.moe_every_n_layers = r.u32("interleave_moe_layer_step", false);
    if (m.moe_every_n_layers == 0) m.moe_every_n_layers = 1;
    // Chunked attention (attention_chunk_size) on 3 of every 4 layers: a bounded KV like a window.
    m.sliding_window = r.u32("attention_chunk_size", false, 1, uint64_t{1} << 31);
    if (m.sliding_window)
      for (uint32_t i = 0; i < m.block_count; ++i)
        m.layers[i] = (i + 1) % 4 == 0 ? LayerKind::kFullAttention : LayerKind::kSlidingAttention;
  } else if (mt == "cohere" || mt == "cohere2") {
    m.arch = mt == "cohere" ? "command-r" : "cohere2";
    m.tied_embeddings = r.boolean("tie_word_embeddings", true);
    if (mt == "cohere2") {
      m.sliding_window = r.u32("sliding_window", false, 1, uint64_t{1} << 31);
      const uint32_t pattern =
          r.u32("sliding_window_pattern", false) ? r.u32("sliding_window_pattern", false) : 4;
      if (!apply_layer_types(c, m) && m.sliding_window)
        for (uint32_t i = 0; i < m.block_count; ++i)
          m.layers[i] =
              (i + 1) % pattern == 0 ? LayerKind::kFullAttention : LayerKind::kSlidingAttention;
    }
  } else if (mt == "olmo2" || mt == "olmo3") {
    // OLMo 3 converts to llama.cpp's olmo2 (conversion/olmo.py) with a sliding window on the
    // layer_types' sliding layers (every layer but each 4th when the list is absent).
    m.arch = "olmo2";
    m.attn_qk_norm = true;
    m.post_norms = true;
    if (mt == "olmo3" && r.has("sliding_window")) {
      m.sliding_window = r.u32("sliding_window", false, 1, uint64_t{1} << 31);
      if (!apply_layer_types(c, m) && m.sliding_window)
        for (uint32_t i = 0; i < m.block_count; ++i)
          m.layers[i] = (i + 1) % 4 != 0 ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
    }
  } else if (mt == "gemma4") {
    if (auto e = gemma4_layout(c, r, m, field)) return e;
  } else if (mt == "laguna") {
    // Laguna (llama.cpp src/models/laguna.cpp): per-layer query heads (more on sliding layers),
    // uniform KV heads, per-head Q/K norms and a per-head output gate, sliding layers from
    // layer_types, MoE with a shared expert and the expert-selection bias after leading dense
    // layers (mlp_layer_types).
    m.arch = "laguna";
    m.attn_qk_norm = true;
    m.sliding_window = r.u32("sliding_window", false, 1, uint64_t{1} << 31);
    if (!apply_layer_types(c, m))
      return make_error("bad_config", field + ".layer_types",
                        field + ".layer_types must list one attention type per layer");
    if (c.contains("num_attention_heads_per_layer") &&
        c.at("num_attention_heads_per_layer").is_array()) {
      const json& h = c.at("num_attention_heads_per_layer");
      if (h.size() != m.block_count)
        return make_error("bad_config", field + ".num_attention_heads_per_layer",
                          field + ".num_attention_heads_per_layer needs one entry per layer");
      for (uint32_t i = 0; i < m.block_count; ++i) {
        const uint32_t n = h[i].is_number_unsigned() ? h[i].get<uint32_t>() : 0;
        uint32_t& want = m.sliding(i) ? m.swa_head_count : m.head_count;
        if (m.sliding(i) && want == 0) want = n;
        if (n == 0 || n != want || n % m.head_count_kv != 0)
          return make_error("bad_config", field + ".num_attention_heads_per_layer",
                            field + ".num_attention_heads_per_layer: layer " + std::to_string(i) +
                                " has " + std::to_string(n) +
                                " heads; runcheck models one count for full and one for "
                                "sliding layers, each a multiple of the KV heads");
      }
    }
    const json g = c.contains("gating") ? c.at("gating") : json(true);
    if (!(g == json(true) || g == json("per-head") || g == json("per_head")))
      return make_error("unsupported_architecture", field + ".gating",
                        field + ".gating: only the per-head output gate is modelled");
    m.attn_head_gate = true;
    m.expert_count = r.u32("num_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
    m.expert_shared_feed_forward_length = r.u32("shared_expert_intermediate_size", false);
    m.expert_shared_count = m.expert_shared_feed_forward_length > 0 ? 1 : 0;
    if (c.contains("mlp_layer_types") && c.at("mlp_layer_types").is_array()) {
      for (const json& t : c.at("mlp_layer_types")) {
        if (t != json("dense")) break;
        ++m.leading_dense_block_count;
      }
    }
  } else if (mt == "mimo_v2_flash") {
    // MiMo-V2-Flash (llama.cpp src/models/mimo2.cpp): keys of head_dim, values of v_head_dim on
    // every layer; sliding layers (hybrid_layer_pattern 1, window sliding_window) with their own
    // KV-head count and attention sinks; MoE with the expert-selection bias after the dense
    // layers moe_layer_freq marks 0.
    m.arch = "mimo2";
    m.value_length = r.u32("v_head_dim", true);
    m.sliding_window = r.u32("sliding_window", true, 1, uint64_t{1} << 31);
    if (!c.contains("hybrid_layer_pattern") || !c.at("hybrid_layer_pattern").is_array() ||
        c.at("hybrid_layer_pattern").size() != m.block_count)
      return make_error("bad_config", field + ".hybrid_layer_pattern",
                        field + ".hybrid_layer_pattern must give one 0/1 per layer");
    for (uint32_t i = 0; i < m.block_count; ++i)
      m.layers[i] = c.at("hybrid_layer_pattern")[i] == json(1) ? LayerKind::kSlidingAttention
                                                               : LayerKind::kFullAttention;
    if (r.u32("swa_head_dim", false) != 0 && r.u32("swa_head_dim", false) != m.key_length)
      return make_error("unsupported_architecture", field + ".swa_head_dim",
                        "sliding layers with their own key width are not modelled");
    if (r.u32("swa_v_head_dim", false) != 0 && r.u32("swa_v_head_dim", false) != m.value_length)
      return make_error("unsupported_architecture", field + ".swa_v_head_dim",
                        "sliding layers with their own value width are not modelled");
    const uint32_t swa_heads = r.u32("swa_num_attention_heads", false);
    if (swa_heads && swa_heads != m.head_count) m.swa_head_count = swa_heads;
    const uint32_t swa_kv = r.u32("swa_num_key_value_heads", false);
    if (swa_kv && swa_kv != m.head_count_kv) m.swa_head_count_kv = swa_kv;
    m.swa_attn_sinks = r.boolean("add_swa_attention_sink_bias", false);
    m.full_attn_sinks = r.boolean("add_full_attention_sink_bias", false);
    m.expert_count = r.u32("n_routed_experts", true);
    m.expert_used_count = r.u32("num_experts_per_tok", true);
    m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
    if (c.contains("moe_layer_freq") && c.at("moe_layer_freq").is_array()) {
      const json& f = c.at("moe_layer_freq");
      for (const json& x : f) {
        if (x != json(0)) break;
        ++m.leading_dense_block_count;
      }
      for (size_t i = m.leading_dense_block_count; i < f.size(); ++i)
        if (f[i] == json(0))
          return make_error("unsupported_architecture", field + ".moe_layer_freq",
                            "dense layers after the first MoE layer are not modelled");
    }
  } else if (mt == "exaone4") {
    // EXAONE 4.0 (llama.cpp src/models/exaone4.cpp): post-norms only, per-head Q/K norms, llama3
    // rope factors; sliding layers from layer_types or the "LLLG" sliding_window_pattern.
    m.arch = "exaone4";
    m.attn_qk_norm = true;
    m.post_norms = true;
    if (c.contains("rope_scaling") && c["rope_scaling"].is_object() &&
        c["rope_scaling"].value("rope_type", "") == "llama3")
      m.rope_freqs = true;
    if (r.has("sliding_window")) {
      m.sliding_window = r.u32("sliding_window", false, 1, uint64_t{1} << 31);
      const std::string pat = r.str("sliding_window_pattern");
      if (!apply_layer_types(c, m) && m.sliding_window && !pat.empty())
        for (uint32_t i = 0; i < m.block_count; ++i)
          m.layers[i] =
              pat[i % pat.size()] == 'L' ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
    }
  } else if (mt == "glm4" || mt == "glm4_moe") {
    m.arch = mt == "glm4" ? "glm4" : "glm4moe";
    m.attn_qkv_bias = r.boolean("attention_bias", mt == "glm4");
    m.post_norms = mt == "glm4";
    m.fused_gate_up = mt == "glm4";
    if (mt == "glm4_moe") {
      m.attn_qk_norm = r.boolean("use_qk_norm", false);
      m.expert_count = r.u32("n_routed_experts", true);
      m.expert_used_count = r.u32("num_experts_per_tok", true);
      m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
      m.expert_shared_count = r.u32("n_shared_experts", false);
      m.expert_shared_feed_forward_length = m.expert_shared_count * m.expert_feed_forward_length;
      m.leading_dense_block_count = r.u32("first_k_dense_replace", false, 0, kMaxLayers);
      // conversion/glm.py writes num_hidden_layers + num_nextn_predict_layers blocks; llama.cpp's
      // glm4moe keeps the nextn blocks in the layer count (and the KV cache: no layer filter for
      // this architecture in llama-model.cpp create_memory) but skips their weights.
      if (m.nextn_layers > 0) {
        m.skipped_tail_layers = m.nextn_layers;
        m.block_count += m.nextn_layers;
        m.layers.resize(m.block_count, LayerKind::kFullAttention);
      }
    }
  } else if (mt == "lfm2") {
    if (auto e = lfm2_layout(c, r, m, field)) return e;
  } else if (mt == "xlm-roberta" || mt == "bert") {
    if (auto e = bert_layout(mt, c, r, m, field)) return e;
  } else if (mt == "gpt_neox") {  // Pythia, GPT-NeoX-20B: no GQA, 4x MLP, biases everywhere
    m.arch = "gptneox";
    apply_arch_layout(m);
  } else if (mt == "falcon") {
    m.arch = "falcon";
    m.fused_qkv = true;
    m.gated_ffn = false;
  } else if (mt == "starcoder2") {
    m.arch = "starcoder2";
    // Starcoder2Config leaves the key to PretrainedConfig, whose default ties the output to the
    // token embeddings (transformers models/starcoder2/configuration_starcoder2.py).
    m.tied_embeddings = r.boolean("tie_word_embeddings", true);
    m.gated_ffn = false;
    m.attn_qkv_bias = true;
  }
  return std::nullopt;
}

}  // namespace runcheck::hf
