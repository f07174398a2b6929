// The layer layout of a GGUF model as llama.cpp's loaders set it from the metadata (gguf.h):
// sliding-window patterns, per-layer head counts, cross-layer KV sharing and the recurrent
// (state-space) layers of hybrid models; refuses what is not modelled.
#include "gguf.h"

namespace runcheck {

using nlohmann::json;

std::optional<Error> gguf_layer_layout(const json& md, ModelArch& m) {
  const std::string& a = m.arch;
  const auto k = [&](const char* suffix) { return a + "." + suffix; };
  // Layer kinds as llama.cpp sets them for these architectures.
  m.layers.assign(m.block_count, LayerKind::kFullAttention);
  for (uint32_t i = 0; i < m.block_count; ++i) {
    if (m.sliding_window && (a == "gemma2" || a == "gpt-oss"))
      m.layers[i] = i % 2 == 0 ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
    else if (m.sliding_window && a == "gemma3")
      m.layers[i] = (i + 1) % 6 != 0 ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
    else if (m.sliding_window && a == "cohere2")
      m.layers[i] = (i + 1) % 4 != 0 ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
    else if (m.ssm_inner_size && (a == "qwen3next" || a == "qwen35" || a == "qwen35moe")) {
      const uint32_t every = gguf_meta_u32(md, k("full_attention_interval"), 4);
      m.layers[i] = (i + 1) % every != 0 ? LayerKind::kRecurrent : LayerKind::kFullAttention;
    } else if (m.sliding_window && a == "gemma3n") {
      // src/models/gemma3n.cpp: set_swa_pattern(5) unless the file lists its own period.
      const uint32_t period = gguf_meta_u32(md, k("attention.sliding_window_pattern"), 5);
      m.layers[i] =
          i % period < period - 1 ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
    } else if (m.sliding_window &&
               (a == "olmo2" || a == "exaone4" || a == "gemma4" || a == "laguna")) {
      // The converters write attention.sliding_window_pattern as one flag per layer (true =
      // sliding); without it both loaders use a period of 4 (src/models/olmo2.cpp, exaone4.cpp).
      const std::string key = k("attention.sliding_window_pattern");
      const bool listed = md.contains(key) && md[key].is_array() && md[key].size() > i;
      const bool swa = listed ? (md[key][i].is_boolean()
                                     ? md[key][i].get<bool>()
                                     : md[key][i].is_number() && md[key][i].get<double>() != 0)
                              : (i + 1) % 4 != 0;
      m.layers[i] = swa ? LayerKind::kSlidingAttention : LayerKind::kFullAttention;
    }
  }
  // DeepSeek-V4 (src/models/deepseek4.cpp load_arch_hparams): every layer keeps a sliding
  // window (set_swa_pattern(0)); attention.compress_ratios has one entry per layer (0, 4 or 128,
  // anything else throws); hyper-connections, the grouped output and hash routing.
  if (a == "deepseek4") {
    m.layers.assign(m.block_count, LayerKind::kSlidingAttention);
    const std::string key = k("attention.compress_ratios");
    if (!md.contains(key) || !md[key].is_array() || md[key].size() < m.block_count)
      return make_error("bad_gguf", key,
                        key + " must list a compression ratio for each of the " +
                            std::to_string(m.block_count) + " layers");
    for (uint32_t i = 0; i < m.block_count; ++i) {
      const json& v = md[key][i];
      const int64_t x = v.is_number_integer() ? v.get<int64_t>() : -1;
      if (x != 0 && x != 4 && x != 128)
        return make_error("bad_gguf", key, key + "[" + std::to_string(i) + "] must be 0, 4 or 128");
      m.compress_ratios.push_back(x == 4 ? '4' : x == 128 ? 'h' : '0');
    }
    m.hc_mult = gguf_meta_u32(md, k("hyper_connection.count"));
    m.output_group_count = gguf_meta_u32(md, k("attention.output_group_count"));
    m.output_lora_rank = gguf_meta_u32(md, k("attention.output_lora_rank"));
    m.hash_layer_count = gguf_meta_u32(md, k("hash_layer_count"));
  }
  // Gemma 4 / Laguna: per-layer head counts (arrays) and Gemma 4's narrower sliding heads
  // (attention.key_length_swa), one value for the full and one for the sliding layers.
  if (a == "gemma4" || a == "laguna") {
    auto per_layer = [&](const char* key, uint32_t& full, uint32_t& swa) {
      const std::string kk = k(key);
      if (!md.contains(kk) || !md[kk].is_array() || md[kk].size() != m.block_count) return;
      for (uint32_t i = 0; i < m.block_count; ++i) {
        const json& v = md[kk][i];
        if (!v.is_number_integer() || v.get<int64_t>() <= 0) continue;
        const uint32_t n = static_cast<uint32_t>(v.get<int64_t>());
        (m.sliding(i) ? swa : full) = n;
      }
    };
    uint32_t swa_heads = 0, swa_kv = 0;
    per_layer("attention.head_count", m.head_count, swa_heads);
    per_layer("attention.head_count_kv", m.head_count_kv, swa_kv);
    if (swa_heads && swa_heads != m.head_count) m.swa_head_count = swa_heads;
    if (swa_kv && swa_kv != m.head_count_kv) m.swa_head_count_kv = swa_kv;
    const uint32_t kl_swa = gguf_meta_u32(md, k("attention.key_length_swa"));
    if (kl_swa && kl_swa != m.key_length) m.swa_key_length = kl_swa;
  }
  // Cross-layer KV sharing: Gemma 3n's loader keeps a cache for the first 20 layers only
  // (n_layer_kv_from_start = 20, src/models/gemma3n.cpp); Gemma 4 for all but the last
  // attention.shared_kv_layers (src/models/gemma4.cpp; 18 of 42 on E4B, 20 of 35 on E2B).
  if (a == "gemma3n" && m.block_count > 20) m.kv_layers_from_start = 20;
  if (a == "gemma4") {
    const uint32_t shared = gguf_meta_u32(md, k("attention.shared_kv_layers"));
    if (shared > 0 && shared < m.block_count) m.kv_layers_from_start = m.block_count - shared;
    m.embd_per_layer = gguf_meta_u32(md, k("embedding_length_per_layer_input"));
    // use_double_wide_mlp: feed_forward_length is written per layer (gemma.py n_ff_arr), wide
    // from the first KV-sharing layer on; the reader above kept the widest.
    const std::string ff = k("feed_forward_length");
    if (m.kv_layers_from_start && md.contains(ff) && md[ff].is_array() &&
        md[ff].size() == m.block_count && md[ff][0].is_number_integer() &&
        uint64_t{md[ff][0].get<uint32_t>()} * 2 == m.feed_forward_length)
      m.narrow_ffn_layers = m.kv_layers_from_start;
  }
  // Hybrid attention + state-space files, as llama.cpp's loaders mark their layers
  // (src/models/{nemotron-h,granite-hybrid,jamba,falcon-h1}.cpp load_arch_hparams at 3f545be): a
  // layer is recurrent where its attention.head_count_kv entry is 0 - for Nemotron-H also only
  // where its feed_forward_length entry is 0, a block with an FFN and no KV head being an MLP /
  // MoE block. Nemotron-H's appended nextn blocks are never recurrent and their tensors are
  // skipped unless an MTP context loads them (TENSOR_SKIP). Falcon-H1 runs attention and a Mamba2
  // mixer side by side in every layer, both cached (create_memory's Falcon-H1 filters).
  const bool nemotron_h = a == "nemotron_h" || a == "nemotron_h_moe";
  const bool lfm2 = a == "lfm2" || a == "lfm2moe";
  if (lfm2) {
    // LFM2's short convolutions keep only a conv state, n_embd x (l_cache - 1) f32 per layer
    // and sequence (llama_hparams::n_embd_r; n_embd_s is 0): the Mamba formula with d_inner =
    // n_embd, conv kernel = l_cache and no groups or SSM state gives exactly that.
    m.ssm_conv_kernel = gguf_meta_u32(md, k("shortconv.l_cache"));
    m.ssm_inner_size = m.ssm_conv_kernel ? m.embedding_length : 0;
    m.ssm_state_size = m.ssm_group_count = 0;
  }
  if (nemotron_h || lfm2 || a == "granitehybrid" || a == "jamba") {
    const json& kv =
        md.contains(k("attention.head_count_kv")) ? md[k("attention.head_count_kv")] : json();
    const json& ff = md.contains(k("feed_forward_length")) ? md[k("feed_forward_length")] : json();
    if (!kv.is_array() || kv.size() != m.block_count)
      return make_error("bad_gguf", k("attention.head_count_kv"),
                        "a hybrid '" + a + "' file must list its KV heads per layer (" +
                            std::to_string(m.block_count) + " entries; 0 marks a recurrent layer)");
    auto at = [](const json& v, uint32_t i) -> int64_t {
      return v.is_array() && i < v.size() && v[i].is_number_integer() ? v[i].get<int64_t>() : 0;
    };
    if (nemotron_h && m.nextn_layers < m.block_count) m.skipped_tail_layers = m.nextn_layers;
    const uint32_t main_layers = m.block_count - m.skipped_tail_layers;
    for (uint32_t i = 0; i < m.block_count; ++i) {
      const bool has_kv = at(kv, i) > 0, has_ff = nemotron_h && at(ff, i) > 0;
      m.layers[i] = has_kv && !has_ff && lfm2 && m.sliding_window ? LayerKind::kSlidingAttention
                    : has_kv && !has_ff                           ? LayerKind::kFullAttention
                    : has_ff || i >= main_layers                  ? LayerKind::kFeedForward
                                                                  : LayerKind::kRecurrent;
    }
    if (nemotron_h) m.gated_ffn = false;
  } else if (a == "falcon-h1") {
    m.layers.assign(m.block_count, LayerKind::kParallelHybrid);
  }
  if (m.ssm_inner_size == 0)
    for (auto kind : m.layers)
      if (kind == LayerKind::kRecurrent || kind == LayerKind::kParallelHybrid)
        return make_error("unsupported_architecture", "general.architecture",
                          "recurrent layers without ssm sizes");
  if (a.find("mamba") != std::string::npos || a == "rwkv6" || a == "rwkv7" || a == "plamo2")
    return make_error("unsupported_architecture", "general.architecture",
                      "'" + a + "' (recurrent / state-space) is not modelled yet");
  return std::nullopt;
}

}  // namespace runcheck
