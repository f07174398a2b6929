// The config.json layouts that take more than a few flags: Gemma 4 (per-head-width layers,
// per-layer embeddings, KV sharing), LFM2's short convolutions and BERT-family encoders
// (embedding models, rerankers). hf_layouts.cpp dispatches to them.
#include <algorithm>
#include <string>

#include "hf_config_internal.h"

namespace runcheck::hf {

std::optional<Error> gemma4_layout(const json& c, Reader& r, ModelArch& m,
                                   const std::string& field) {
  // Gemma 4 (llama.cpp src/models/gemma4.cpp, conversion/gemma.py Gemma4Model): full layers
  // use global_head_dim-wide heads and, with attention_k_eq_v, num_global_key_value_heads and
  // no V projection; sliding layers use head_dim and num_key_value_heads. Q/K norms per head,
  // post-norms as Gemma 3, proportional RoPE factors in one rope_freqs tensor. MoE layers
  // (enable_moe_block) keep the dense MLP next to the experts.
  m.arch = "gemma4";
  // E2B/E4B: per-layer embeddings (hidden_size_per_layer_input; llama.cpp reads the main
  // vocabulary for its table, and vocab_size_per_layer_input must equal it), the last
  // num_kv_shared_layers layers reading earlier layers' caches (n_layer_kv_from_start =
  // n_layer - shared), and use_double_wide_mlp: those shared layers get twice
  // intermediate_size (conversion/gemma.py Gemma4Model.set_gguf_parameters, n_ff_arr).
  m.embd_per_layer = r.u32("hidden_size_per_layer_input", false, 0, uint64_t{1} << 16);
  if (m.embd_per_layer && r.has("vocab_size_per_layer_input") &&
      r.u32("vocab_size_per_layer_input", false) != m.vocab_size)
    return make_error("unsupported_architecture", field + ".vocab_size_per_layer_input",
                      "a per-layer embedding vocabulary other than vocab_size: llama.cpp "
                      "sizes the table by the main vocabulary");
  const uint32_t shared = r.u32("num_kv_shared_layers", false, 0, kMaxLayers);
  if (shared >= m.block_count)
    return make_error("bad_config", field + ".num_kv_shared_layers",
                      field + ".num_kv_shared_layers must be below num_hidden_layers");
  if (shared) m.kv_layers_from_start = m.block_count - shared;
  if (shared && r.boolean("use_double_wide_mlp", false)) {
    if (m.feed_forward_length > (uint32_t{1} << 30))
      return make_error("bad_config", field + ".intermediate_size",
                        field + ".intermediate_size is too large to double");
    m.feed_forward_length *= 2;
    m.narrow_ffn_layers = m.kv_layers_from_start;
  }
  m.attn_qk_norm = true;
  m.post_norms = true;
  m.rope_freqs = true;
  const uint32_t swa_kv = m.head_count_kv, swa_dim = m.key_length;
  const uint32_t global_dim = r.u32("global_head_dim", false);
  m.full_k_eq_v = r.boolean("attention_k_eq_v", false);
  if (global_dim) m.key_length = m.value_length = global_dim;
  if (m.full_k_eq_v) m.head_count_kv = r.u32("num_global_key_value_heads", true);
  m.swa_head_count_kv = swa_kv;
  m.swa_key_length = swa_dim;
  m.sliding_window = r.u32("sliding_window", true, 1, uint64_t{1} << 31);
  if (!apply_layer_types(c, m))
    return make_error("bad_config", field + ".layer_types",
                      field + ".layer_types must list one attention type per layer");
  if (r.boolean("enable_moe_block", false)) {
    m.expert_count = r.u32("num_experts", true);
    m.expert_used_count = r.u32("top_k_experts", true);
    m.expert_feed_forward_length = r.u32("moe_intermediate_size", true);
  }
  return std::nullopt;
}

std::optional<Error> lfm2_layout(const json& c, Reader& r, ModelArch& m, const std::string& field) {
  // LFM2 (llama.cpp conversion/lfm2.py, src/models/lfm2.cpp): short-convolution blocks and
  // grouped-query attention blocks (full_attn_idxs, or layer_types "conv" / "full_attention"),
  // each followed by a SwiGLU FFN; Q/K norms; tied embeddings. With block_auto_adjust_ff_dim
  // the FFN is 2/3 of block_ff_dim (times block_ffn_dim_multiplier), rounded up to
  // block_multiple_of. A conv layer keeps (conv_L_cache - 1) x n_embd f32 per sequence: the
  // recurrent-state formula with d_inner = n_embd and no SSM state.
  m.arch = "lfm2";
  m.attn_qk_norm = true;
  m.tied_embeddings = true;
  const uint32_t ff =
      r.has("block_ff_dim") ? r.u32("block_ff_dim", true) : r.u32("intermediate_size", true);
  uint64_t f = ff;
  if (r.boolean("block_auto_adjust_ff_dim", false)) {
    f = 2 * f / 3;
    if (c.contains("block_ffn_dim_multiplier") && c.at("block_ffn_dim_multiplier").is_number()) {
      const double mult = c.at("block_ffn_dim_multiplier").get<double>();
      if (!(mult > 0 && mult <= 16))
        return make_error("bad_config", field + ".block_ffn_dim_multiplier",
                          field + ".block_ffn_dim_multiplier must be in (0, 16]");
      f = static_cast<uint64_t>(mult * static_cast<double>(f));
    }
    const uint64_t mo =
        r.has("block_multiple_of") ? r.u32("block_multiple_of", true, 1, 1u << 16) : 1;
    if (mo) f = mo * ((f + mo - 1) / mo);
  }
  if (f == 0 || f > kMaxDimension)
    return make_error("bad_config", field + ".block_ff_dim",
                      field + ".block_ff_dim gives no usable FFN width");
  m.feed_forward_length = static_cast<uint32_t>(f);
  m.ssm_conv_kernel = r.u32("conv_L_cache", true, 2, 64);
  m.ssm_inner_size = m.embedding_length;
  m.ssm_state_size = m.ssm_group_count = 0;
  for (uint32_t i = 0; i < m.block_count; ++i) m.layers[i] = LayerKind::kRecurrent;
  if (c.contains("full_attn_idxs") && c.at("full_attn_idxs").is_array()) {
    for (const auto& v : c.at("full_attn_idxs")) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= m.block_count)
        return make_error("bad_config", field + ".full_attn_idxs",
                          field +
                              ".full_attn_idxs must list layer indices below "
                              "num_hidden_layers");
      m.layers[static_cast<size_t>(v.get<int64_t>())] = LayerKind::kFullAttention;
    }
  } else if (c.contains("layer_types") && c.at("layer_types").is_array() &&
             c.at("layer_types").size() == m.block_count) {
    for (uint32_t i = 0; i < m.block_count; ++i) {
      const json& t = c.at("layer_types")[i];
      if (!t.is_string() || (t != "conv" && t != "full_attention"))
        return make_error("bad_config", field + ".layer_types",
                          field + ".layer_types entries must be \"conv\" or \"full_attention\"");
      if (t == "full_attention") m.layers[i] = LayerKind::kFullAttention;
    }
  } else {
    return make_error("bad_config", field + ".full_attn_idxs",
                      "an LFM2 config must say which layers are attention (full_attn_idxs or "
                      "layer_types, one per layer)");
  }
  return std::nullopt;
}

std::optional<Error> bert_layout(const std::string& mt, const json& c, Reader& r, ModelArch& m,
                                 const std::string& field) {
  // BERT-family encoders (llama.cpp conversion/bert.py BertModel / XLMRobertaModel, GGUF arch
  // bert): no cache, pooled outputs. XLM-RoBERTa's position table starts at pad_token_id + 1,
  // and the converter cuts those rows off (max_position_embeddings too). A
  // ...ForSequenceClassification checkpoint is a reranker: its classifier becomes cls (dense
  // n_embd x n_embd) and cls.output (n_embd x labels), both with biases.
  m.arch = "bert";
  m.encoder_only = true;
  m.tied_embeddings = false;
  m.token_type_count = r.u32("type_vocab_size", false, 0, 1u << 16);
  if (mt == "xlm-roberta" && r.has("pad_token_id")) {
    const uint32_t offset = r.u32("pad_token_id", false, 0, 1u << 20) + 1;
    if (m.context_length <= offset)
      return make_error("bad_config", field + ".max_position_embeddings",
                        field + ".max_position_embeddings must exceed pad_token_id + 1");
    m.context_length -= offset;
  }
  bool classifier = false;
  if (c.contains("architectures") && c.at("architectures").is_array())
    for (const auto& a : c.at("architectures"))
      if (a.is_string() &&
          a.get<std::string>().find("ForSequenceClassification") != std::string::npos)
        classifier = true;
  if (classifier) {
    if (mt != "xlm-roberta")
      return make_error("unsupported_architecture", field + ".architectures",
                        "a BERT sequence classifier other than XLM-RoBERTa's is not modelled");
    m.rank_dense = true;
    m.rank_labels = 1;
    if (c.contains("id2label") && c.at("id2label").is_object() && !c.at("id2label").empty())
      m.rank_labels = static_cast<uint32_t>(std::min<size_t>(c.at("id2label").size(), 1024));
  }
  return std::nullopt;
}

}  // namespace runcheck::hf
