#include "hf_config.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "hf_config_internal.h"
#include "runcheck/constants.h"

namespace runcheck {

using hf::kMaxLayers;
using hf::Reader;
using nlohmann::json;

namespace {
// Defaults that a model family's own library applies when its config omits the maximum context.
constexpr uint32_t kFalconContext = 2048;           // Falcon's trained context
constexpr uint32_t kGemma3DefaultContext = 131072;  // transformers Gemma3TextConfig default
}  // namespace

namespace {

// The vision tower of a multimodal config (its vision_config, verbatim), as llama.cpp's mmproj
// holds it (vision.h sizes it). Three towers are modelled; another vision_config is left out
// (the model is then text-only to runcheck, and a vision request says so).
std::optional<Error> read_vision_tower(const json& cfg, const std::string& text_type,
                                       const std::string& field, ModelArch& m) {
  if (!cfg.contains("vision_config") || !cfg.at("vision_config").is_object()) return std::nullopt;
  // An audio tower beside it (Gemma 4 E2B/E4B's conformer): llama.cpp's converter writes both
  // encoders into one mmproj file (conversion/gemma.py Gemma4VisionAudioModel), and runcheck
  // sizes the vision one only; the estimate says so.
  m.audio_encoder = cfg.contains("audio_config") && cfg.at("audio_config").is_object();
  const json* at = m.audio_encoder ? &cfg.at("audio_config") : nullptr;
  if (at && at->contains("model_type") && at->at("model_type") == "gemma4_audio") {
    const std::string af = field + ".audio_config";
    Reader a{*at, af, {}, {}};
    m.audio_layers = a.u32("num_hidden_layers", true, 1, 256);
    m.audio_hidden = a.u32("hidden_size", true, 1, 1u << 16);
    m.audio_heads = a.u32("num_attention_heads", true, 1, 1024);
    m.audio_conv_kernel = a.u32("conv_kernel_size", true, 1, 1024);
    m.audio_out = a.u32("output_proj_dims", true, 1, 1u << 16);
    if (!a.missing.empty())
      return make_error("bad_config", a.bad_field, a.bad_field + ": " + a.missing);
    static const json kNone;
    const json& ch =
        at->contains("subsampling_conv_channels") ? at->at("subsampling_conv_channels") : kNone;
    if (!ch.is_array() || ch.size() != 2 || !ch[0].is_number_unsigned() ||
        !ch[1].is_number_unsigned() || ch[0].get<uint64_t>() == 0 || ch[0].get<uint64_t>() > 4096 ||
        ch[1].get<uint64_t>() == 0 || ch[1].get<uint64_t>() > 4096)
      return make_error("bad_config", field + ".audio_config.subsampling_conv_channels",
                        field +
                            ".audio_config.subsampling_conv_channels must be two channel "
                            "counts in [1, 4096]");
    m.audio_sub_c0 = ch[0].get<uint32_t>();
    m.audio_sub_c1 = ch[1].get<uint32_t>();
  }
  const json& v = cfg.at("vision_config");
  const std::string vf = field + ".vision_config";
  Reader r{v, vf, {}, {}};
  const std::string vt = r.str("model_type");
  if (vt == "qwen3_vl" || vt == "qwen3_vl_moe" || vt == "qwen3_5" || vt == "qwen3_5_moe" ||
      vt == "qwen3_5_vision") {
    // Qwen3-VL / Qwen3.5 (llama.cpp projector qwen3vl_merger)
    m.vision_projector = 1;
    m.vision_layers = r.u32("depth", true, 1, 256);
    m.vision_heads = r.u32("num_heads", true);
    m.vision_out = r.u32("out_hidden_size", true);
    m.vision_positions = r.u32("num_position_embeddings", true, 1, 1u << 24);
    m.vision_merge = r.u32("spatial_merge_size", true, 1, 16);
    if (v.contains("deepstack_visual_indexes") && v.at("deepstack_visual_indexes").is_array())
      m.vision_deepstack = static_cast<uint32_t>(v.at("deepstack_visual_indexes").size());
  } else if (vt == "siglip_vision_model" && (text_type == "gemma3" || text_type == "gemma3_text")) {
    // Gemma 3: SigLIP, pooled 4 x 4 into 256 tokens (llama.cpp projector gemma3, n_merge 4)
    m.vision_projector = 2;
    m.vision_layers = r.u32("num_hidden_layers", true, 1, 256);
    m.vision_heads = r.u32("num_attention_heads", true);
    m.vision_image_size = r.u32("image_size", true, 1, 1u << 16);
    m.vision_merge = kGemma3VisionMerge;
    m.vision_out = m.embedding_length;
  } else if (vt == "gemma4_vision") {
    // Gemma 4 (llama.cpp projector gemma4v): a ViT pooled k x k (pooling_kernel_size) with
    // factorised x/y position tables of position_embedding_size rows each.
    m.vision_projector = 4;
    m.vision_layers = r.u32("num_hidden_layers", true, 1, 256);
    m.vision_heads = r.u32("num_attention_heads", true);
    m.vision_merge = r.u32("pooling_kernel_size", true, 1, 16);
    m.vision_positions = r.u32("position_embedding_size", true, 1, 1u << 24);
    m.vision_standardize = r.boolean("standardize", false);
    m.vision_clipped_linears = r.boolean("use_clipped_linears", false);
    m.vision_out = m.embedding_length;
  } else if (vt == "pixtral") {
    // Mistral 3 / Ministral 3: Pixtral with a patch merger (llama.cpp projector pixtral); the
    // merge size is a top-level key of the published config.
    m.vision_projector = 3;
    m.vision_layers = r.u32("num_hidden_layers", true, 1, 256);
    m.vision_heads = r.u32("num_attention_heads", true);
    m.vision_image_size = r.u32("image_size", true, 1, 1u << 16);
    // (a copy that keeps only vision_config may carry it there).
    const json& top = cfg.contains("spatial_merge_size") ? cfg : v;
    m.vision_merge = top.contains("spatial_merge_size") && top.at("spatial_merge_size").is_number()
                         ? static_cast<uint32_t>(top.at("spatial_merge_size").get<int64_t>())
                         : 1;
    m.vision_out = m.embedding_length;
  } else if (vt == "exaone4_5_vision") {
    // EXAONE 4.5 (llama.cpp projector exaone4_5; conversion/exaone.py Exaone4_5VisionModel at
    // 3f545be): a Qwen2.5-VL-style windowed ViT with grouped-query heads in a fused qkv.
    m.vision_projector = 6;
    m.vision_layers = r.u32("depth", true, 1, 256);
    m.vision_heads = r.u32("num_heads", true);
    m.vision_heads_kv = r.u32("num_key_value_heads", true);
    m.vision_out = r.u32("out_hidden_size", true);
    m.vision_merge = r.u32("spatial_merge_size", true, 1, 16);
    if (m.vision_heads_kv && m.vision_heads % m.vision_heads_kv != 0)
      return make_error("bad_config", vf + ".num_key_value_heads",
                        vf + ".num_key_value_heads must divide num_heads");
  } else if (text_type == "kimi_k25" || r.has("vt_hidden_size")) {
    // Kimi K2.5 / K2.6: MoonViT (llama.cpp projector kimik25; conversion/kimivl.py KimiK25Model
    // at 3f545be), keyed vt_*: a fused-qkv LayerNorm ViT with biases, a learned 2-D position
    // table of init_pos_emb_height x init_pos_emb_width, merged merge_kernel_size^2 into the
    // text width (text_hidden_size).
    m.vision_projector = 5;
    m.vision_layers = r.u32("vt_num_hidden_layers", true, 1, 256);
    m.vision_heads = r.u32("vt_num_attention_heads", true);
    m.vision_hidden = r.u32("vt_hidden_size", true);
    m.vision_ffn = r.u32("vt_intermediate_size", true);
    m.vision_patch = r.u32("patch_size", true, 1, 1024);
    m.vision_positions =
        r.u32("init_pos_emb_height", true, 1, 4096) * r.u32("init_pos_emb_width", true, 1, 4096);
    const json* mk = v.contains("merge_kernel_size") ? &v.at("merge_kernel_size") : nullptr;
    m.vision_merge = mk && mk->is_array() && !mk->empty() && (*mk)[0].is_number_integer()
                         ? static_cast<uint32_t>(std::max<int64_t>(0, (*mk)[0].get<int64_t>()))
                         : 0;
    m.vision_out = r.has("text_hidden_size") ? r.u32("text_hidden_size", true) : m.embedding_length;
    if (!r.missing.empty())
      return make_error("bad_config", r.bad_field, r.bad_field + ": " + r.missing);
    if (m.vision_merge == 0 || m.vision_merge > 16)
      return make_error("bad_config", vf + ".merge_kernel_size",
                        vf + ".merge_kernel_size must start with an integer in [1, 16]");
    return std::nullopt;
  } else {
    return std::nullopt;  // another tower: not modelled (vision.h says so when asked)
  }
  m.vision_hidden = r.u32("hidden_size", true);
  m.vision_ffn = r.u32("intermediate_size", true);
  m.vision_patch = r.u32("patch_size", true, 1, 1024);
  if (!r.missing.empty())
    return make_error("bad_config", r.bad_field, r.bad_field + ": " + r.missing);
  if (m.vision_merge == 0 || m.vision_merge > 16)
    return make_error("bad_config", field + ".spatial_merge_size",
                      "spatial_merge_size must be an integer in [1, 16]");
  return std::nullopt;
}

}  // namespace

Result<ModelArch> model_from_hf_config(const json& cfg, const std::string& field) {
  if (!cfg.is_object())
    return make_error("bad_config", field, field + ": config must be a JSON object");
  const json& c = (cfg.contains("text_config") && cfg.at("text_config").is_object() &&
                   !cfg.contains("num_hidden_layers"))
                      ? cfg.at("text_config")
                      : cfg;
  Reader r{c, field, {}, {}};
  // Multimodal wrappers name their text tower's own type: Qwen3-VL's is Qwen3 (dense or MoE),
  // Ministral 3's is the Llama/Mistral layout (the vision tower is not counted here).
  std::string mt = r.str("model_type");
  if (mt == "qwen3_vl_text")
    mt = "qwen3";
  else if (mt == "qwen3_vl_moe_text")
    mt = "qwen3_moe";
  else if (mt == "ministral3")
    mt = "ministral";
  else if (mt == "qwen3_5_text")  // Qwen3.5 / 3.6 text towers
    mt = "qwen3_5";
  else if (mt == "qwen3_5_moe_text")
    mt = "qwen3_5_moe";
  else if (mt == "gemma4_text")
    mt = "gemma4";
  else if (mt == "exaone4_5_text")  // EXAONE 4.5: the EXAONE 4 text layout under a vision tower
    mt = "exaone4";
  else if (mt == "glm4_moe_lite")  // GLM-4.7-Flash: MLA + MoE, converted as DeepSeek-V2
    mt = "deepseek_v3";            // (conversion/glm.py Glm4MoeLiteModel -> MODEL_ARCH.DEEPSEEK2)
  static const std::set<std::string> kKnown = {"llama",         "mistral",
                                               "mixtral",       "qwen2",
                                               "qwen3",         "qwen2_moe",
                                               "qwen3_moe",     "gemma",
                                               "gemma2",        "gemma3",
                                               "gemma3_text",   "phi3",
                                               "deepseek_v2",   "deepseek_v3",
                                               "kimi_k2",       "gpt_oss",
                                               "llama4_text",   "llama4",
                                               "cohere",        "cohere2",
                                               "granite",       "olmo2",
                                               "smollm3",       "glm4",
                                               "glm4_moe",      "falcon",
                                               "ministral",     "mistral3",
                                               "exaone",        "internlm2",
                                               "starcoder2",    "phi",
                                               "qwen3_next",    "gpt_neox",
                                               "qwen3_5",       "qwen3_5_moe",
                                               "nemotron_h",    "deepseek_v32",
                                               "glm_moe_dsa",   "minimax_m2",
                                               "olmo3",         "exaone4",
                                               "gemma4",        "laguna",
                                               "mimo_v2_flash", "granitemoehybrid",
                                               "jamba",         "falcon_h1",
                                               "deepseek_v4",   "xlm-roberta",
                                               "bert",          "lfm2"};
  if (mt.empty())
    return make_error("bad_config", field + ".model_type",
                      field + ".model_type is missing: runcheck needs it to know the layout");
  if (!kKnown.count(mt))
    return make_error("unsupported_architecture", field + ".model_type",
                      "model_type '" + mt +
                          "' is not supported yet; enter the model's layers, hidden size, heads, "
                          "KV heads, head dim, FFN size and vocabulary instead");

  ModelArch m;
  const bool is_falcon = mt == "falcon";
  // Nemotron 3 Ultra states its depth only as the length of layers_block_type.
  const bool block_list = mt == "nemotron_h" && !r.has("num_hidden_layers") &&
                          c.contains("layers_block_type") && c.at("layers_block_type").is_array();
  m.block_count =
      block_list
          ? static_cast<uint32_t>(std::min<size_t>(c.at("layers_block_type").size(), kMaxLayers))
      : is_falcon && !r.has("num_hidden_layers") ? r.u32("n_layer", true, 1, kMaxLayers)
                                                 : r.u32("num_hidden_layers", true, 1, kMaxLayers);
  if (m.block_count == 0 && r.missing.empty()) {
    r.missing = "layers_block_type is empty";
    r.bad_field = field + ".layers_block_type";
  }
  m.embedding_length = r.u32("hidden_size", true);
  m.head_count = is_falcon && !r.has("num_attention_heads") ? r.u32("n_head", true)
                                                            : r.u32("num_attention_heads", true);
  m.vocab_size = r.u32("vocab_size", true);
  m.context_length = r.u32("max_position_embeddings", false, 1, uint64_t{1} << 31);
  // Multi-token-prediction layers shipped next to the main ones (DeepSeek-V3, GLM-4.5).
  m.nextn_layers = r.u32("num_nextn_predict_layers", false, 0, 16);
  if (!r.missing.empty())
    return make_error("bad_config", r.bad_field, r.bad_field + ": " + r.missing);
  if (m.context_length == 0) {
    // Only where the config's own library fills it in: Falcon's trained context is 2,048 (its
    // configs omit it); transformers' Gemma3TextConfig defaults max_position_embeddings to
    // 131,072 (configuration_gemma3.py), which published Gemma 3 text_configs rely on. Any other
    // config without it is refused, naming the field: never a silent default.
    if (is_falcon)
      m.context_length = kFalconContext;
    else if (mt == "gemma3" || mt == "gemma3_text")
      m.context_length = kGemma3DefaultContext;
    else
      return make_error("bad_config", "max_position_embeddings",
                        "max_position_embeddings is missing: the model's maximum context must be "
                        "given (no default is assumed)");
  }

  m.head_count_kv = r.u32("num_key_value_heads", false);
  if (m.head_count_kv == 0) m.head_count_kv = m.head_count;
  if (is_falcon) {
    if (r.boolean("new_decoder_architecture", false))
      m.head_count_kv = r.u32("num_kv_heads", false);
    else if (r.boolean("multi_query", true))
      m.head_count_kv = 1;
    if (m.head_count_kv == 0) m.head_count_kv = 1;
  }
  const uint32_t head_dim = r.u32("head_dim", false);
  m.key_length = m.value_length = head_dim ? head_dim : m.embedding_length / m.head_count;
  m.feed_forward_length = r.u32("intermediate_size", false);
  if (m.feed_forward_length == 0) m.feed_forward_length = 4 * m.embedding_length;  // Falcon MLP
  // A wrapper may state it at the top level only (Qwen3-VL-4B/2B).
  m.tied_embeddings = r.has("tie_word_embeddings") ? r.boolean("tie_word_embeddings", false)
                      : &c != &cfg && cfg.contains("tie_word_embeddings") &&
                              cfg.at("tie_word_embeddings").is_boolean()
                          ? cfg.at("tie_word_embeddings").get<bool>()
                          : false;
  m.layers.assign(m.block_count, LayerKind::kFullAttention);

  if (auto e = hf::apply_family_layout(mt, c, r, m, field)) return *e;
  if (!r.missing.empty())
    return make_error("bad_config", r.bad_field, r.bad_field + ": " + r.missing);

  if (m.head_count_kv == 0 || m.head_count % m.head_count_kv != 0)
    return make_error("bad_config", field + ".num_key_value_heads",
                      field + ".num_key_value_heads must divide num_attention_heads");
  if (m.is_moe() && (m.expert_used_count == 0 || m.expert_used_count > m.expert_count))
    return make_error("bad_config", field + ".num_experts_per_tok",
                      field + ".num_experts_per_tok must be in [1, number of experts]");
  if (m.ssm_inner_size == 0)
    for (auto k : m.layers)
      if (k == LayerKind::kRecurrent)
        return make_error(
            "unsupported_architecture", field + ".layer_types",
            "recurrent/linear-attention layers are only modelled for Qwen3-Next so far, "
            "not for '" +
                mt + "'");
  if (auto e = read_vision_tower(cfg, mt, field, m)) return *e;
  return m;
}

std::optional<std::string> apply_model_kind(const std::string& kind, ModelArch& arch) {
  if (kind == "reranker" && arch.rank_labels == 0) {
    if (arch.arch != "qwen3") return "is reranker but the config has no classifier head";
    arch.rank_labels = 2;
  }
  if (kind != "reranker" && arch.rank_labels > 0)
    return "must be reranker for a sequence-classification config";
  return std::nullopt;
}

}  // namespace runcheck
