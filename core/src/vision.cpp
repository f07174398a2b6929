// The mmproj file and the image encoder's compute buffer (vision.h).
#include "vision.h"

#include "engine_internal.h"
#include "runcheck/constants.h"
#include "runcheck/request.h"

namespace runcheck::vision {

std::optional<MmprojType> mmproj_type(const std::string& name) {
  if (name == "F16" || name == "f16") return MmprojType::kF16;
  if (name == "BF16" || name == "bf16") return MmprojType::kBF16;
  if (name == "F32" || name == "f32") return MmprojType::kF32;
  return std::nullopt;
}

const char* mmproj_type_name(MmprojType t) {
  return t == MmprojType::kF16 ? "F16" : t == MmprojType::kBF16 ? "BF16" : "F32";
}

const char* projector_name(const ModelArch& m) {
  switch (m.vision_projector) {
    case 1:
      return "qwen3vl_merger";
    case 2:
      return "gemma3";
    case 3:
      return "pixtral";
    case 4:
      return "gemma4v";
    case 5:
      return "kimik25";
    case 6:
      return "exaone4_5";
    default:
      return "";
  }
}

Tensors tensors(const ModelArch& m) {
  Tensors t;
  if (m.vision_projector == 0) return t;
  const uint64_t h = m.vision_hidden, f = m.vision_ffn, p = m.vision_patch, L = m.vision_layers;
  const uint64_t merged = h * m.vision_merge * m.vision_merge;  // a merged token's input width
  switch (m.vision_projector) {
    case 1: {
      // Qwen3-VL / Qwen3.5 (transformers Qwen3VLVisionModel; llama.cpp qwen3vl_merger): a 3-D
      // patch conv over 2 frames with a bias, learned position embeddings, LayerNorm blocks
      // with a fused qkv and a plain GELU MLP (all with biases), a merger (LayerNorm over the
      // hidden size, two linears) and one more merger per deepstack layer (its LayerNorm over
      // the merged width).
      t.conv = 2 * 3 * p * p * h;
      t.f32 += h + uint64_t{m.vision_positions} * h;
      t.matrix += L * (3 * h * h + h * h + 2 * h * f);
      t.f32 += L * (2 * h + 3 * h + h + 2 * h + f + h);
      const uint64_t merger = merged * merged + merged * m.vision_out;
      t.matrix += merger * (1 + m.vision_deepstack);
      t.f32 += (2 * h + merged + m.vision_out) +
               m.vision_deepstack * (2 * merged + merged + m.vision_out);
      break;
    }
    case 2: {
      // Gemma 3 (SigLIP; llama.cpp gemma3): conv patch embedding with a bias and position
      // embeddings (both F32), LayerNorm blocks with q/k/v/o and a GELU MLP (all with biases),
      // a final LayerNorm, the soft-embedding RMS norm and the input projection (F16).
      const uint64_t side = p ? m.vision_image_size / p : 0;
      t.f32 += 3 * p * p * h + h + side * side * h;
      t.matrix += L * (4 * h * h + 2 * h * f);
      t.f32 += L * (2 * h + 4 * h + 2 * h + f + h) + 2 * h + h;
      t.f16 += h * m.vision_out;
      break;
    }
    case 3: {
      // Pixtral (Mistral 3; llama.cpp pixtral): a bias-free conv patch embedding, RMS-norm
      // blocks with bias-free q/k/v/o and a SwiGLU FFN, the pre-norm, then the projector: an
      // RMS norm, the patch merger (merge^2 x hidden -> hidden), two bias-free linears to the
      // text width, and the [IMG_BREAK] embedding.
      t.conv = 3 * p * p * h + merged * h;
      t.matrix +=
          L * (4 * h * h + 3 * h * f) + h * m.vision_out + uint64_t{m.vision_out} * m.vision_out;
      t.f32 += L * 2 * h + h + h + m.vision_out;
      break;
    }
    case 4: {
      // Gemma 4 (llama.cpp gemma4v; conversion/gemma.py Gemma4VisionAudioModel, clip.cpp and
      // models/gemma4v.cpp at 3f545be): a bias-free conv patch embedding; the x and y position
      // tables (forced F32); RMS-norm blocks - input, post-attention, pre- and post-FFN norms,
      // per-head q/k norms, bias-free q/k/v/o and a gated GELU MLP - each with a layer scalar;
      // std_bias/std_scale when standardize is set; four clamp scalars per linear when the
      // linears are clipped; the input projection to the text width (the pre-projection RMS
      // norm has no weight).
      const uint64_t head_dim = m.vision_heads ? h / m.vision_heads : 0;
      t.conv = 3 * p * p * h;
      t.f32 += 2 * uint64_t{m.vision_positions} * h;
      t.matrix += L * (4 * h * h + 3 * h * f) + h * m.vision_out;
      t.f32 += L * (4 * h + 2 * head_dim + 1);
      if (m.vision_standardize) t.f32 += 2 * h;
      if (m.vision_clipped_linears) t.f32 += 4 * (7 * L + 1);
      break;
    }
    case 5: {
      // Kimi K2.5 (llama.cpp kimik25; conversion/kimivl.py KimiK25Model at 3f545be): a conv
      // patch embedding with a bias, the learned 2-D position table (forced F32), LayerNorm
      // blocks with a fused qkv, the output and a GELU MLP (all with biases), a final LayerNorm,
      // then the projector: a LayerNorm over the hidden size and two biased linears from the
      // merged width to it and on to the text width. Kimi-K2.5's F16 file: 952,552,384 tensor
      // bytes (335 tensors, 111 F16), a published file of 952,572,160 B with its header.
      t.conv = 3 * p * p * h;
      t.f32 += h + uint64_t{m.vision_positions} * h;
      t.matrix += L * (4 * h * h + 2 * h * f) + merged * merged + merged * m.vision_out;
      t.f32 += L * (2 * h + 3 * h + h + 2 * h + f + h) + 2 * h + 2 * h + merged + m.vision_out;
      break;
    }
    case 6: {
      // EXAONE 4.5 (llama.cpp exaone4_5; conversion/exaone.py Exaone4_5VisionModel at 3f545be):
      // the 3-D patch conv split into two 2-D halves (no bias); RMS-norm blocks with a fused
      // grouped-query qkv, the output and a gated SiLU FFN, all with biases; the final norm; a
      // two-layer merger from the merged width. EXAONE-4.5-33B's F16 file: 2,574,200,832
      // tensor bytes (343 tensors, 144 F16), a published file of 2,574,221,920 B with its header.
      const uint64_t head_dim = m.vision_heads ? h / m.vision_heads : 0;
      const uint64_t qkv = h + 2ull * m.vision_heads_kv * head_dim;
      t.conv = 2 * 3 * p * p * h;
      t.matrix += L * (h * qkv + h * h + 3 * h * f) + merged * merged + merged * m.vision_out;
      t.f32 += L * (2 * h + qkv + h + 2 * f + h) + h + merged + m.vision_out;
      break;
    }
    default:
      break;
  }
  return t;
}

uint64_t weight_bytes(const ModelArch& m, MmprojType type) {
  const Tensors t = tensors(m);
  const uint64_t matrix_bytes = type == MmprojType::kF32 ? 4 : 2;
  const uint64_t conv_bytes = type == MmprojType::kF16 ? 2 : 4;
  return t.matrix * matrix_bytes + t.f16 * 2 + t.f32 * 4 + t.conv * conv_bytes +
         audio_weight_bytes(m, type);
}

// Gemma 4's audio conformer as conversion/gemma.py (Gemma4VisionAudioModel) writes it and
// clip.cpp (PROJECTOR_TYPE_GEMMA4A) loads it, H = hidden_size. Per layer, matrices in the file's
// type: Q, K, V, O and the relative-position K projection H x H, two FFN halves (up H x 4H,
// down 4H x H, no gate), the conv module's GLU pointwise H x 2H and pointwise H x H; in F32: nine
// H-wide norms, the per-dim scale (H / heads) and the depthwise conv kernel x H (the converter
// forces "_conv" names to F32). Globals: two 3 x 3 subsampling convs (1 -> c0 -> c1 channels)
// with their norms and the input projection (c0 / 4) x c1 -> H, all F32 ("subsample_conv" in
// its name trips the same rule); the output projection H x out (matrix) with its F32 bias; the
// embedder's projection out x text width (matrix). The 40 clamp scalars a layer carries are read
// as values, not allocated.
uint64_t audio_weight_bytes(const ModelArch& m, MmprojType type) {
  if (m.audio_layers == 0) return 0;
  const uint64_t H = m.audio_hidden, heads = std::max<uint32_t>(1, m.audio_heads);
  const uint64_t c0 = m.audio_sub_c0, c1 = m.audio_sub_c1, O = m.audio_out;
  const uint64_t T = m.embedding_length, K = m.audio_conv_kernel;
  const uint64_t matrix = type == MmprojType::kF32 ? 4 : 2;
  const uint64_t per_layer = matrix * 24 * H * H + 4 * (9 * H + H / heads + K * H);
  const uint64_t globals =
      4 * (9 * c0 + c0 + 9 * c0 * c1 + c1 + (c0 / 4) * c1 * H + O) + matrix * (H * O + O * T);
  return per_layer * m.audio_layers + globals;
}

uint64_t warmup_patches(const ModelArch& m, std::optional<uint32_t> image_max_tokens) {
  const uint64_t merge2 = uint64_t{m.vision_merge} * m.vision_merge;
  switch (m.vision_projector) {
    case 1:
      return uint64_t{image_max_tokens.value_or(kQwenVisionWarmupTokens)} * merge2;
    case 2: {
      const uint64_t side = m.vision_patch ? m.vision_image_size / m.vision_patch : 0;
      return side * side;
    }
    case 3:
      return uint64_t{image_max_tokens.value_or(kPixtralVisionWarmupTokens)} * merge2;
    case 4:
      return uint64_t{image_max_tokens.value_or(kGemma4VisionWarmupTokens)} * merge2;
    case 6:
      // clip.cpp set_warmup_n_tokens(46 * 46): fixed, whatever the file's pixel limits.
      return uint64_t{kQwenVisionWarmupTokens} * merge2;
    case 5: {
      // clip.cpp: a file with image_min/max_pixels warms up on one sqrt(max_pixels)-wide square
      // image (the converter writes in_patch_limit 16,384 x patch^2: 1792 px, 128 x 128
      // patches); --image-max-tokens does not apply to it.
      return kKimiK25VisionWarmupPatches;
    }
    default:
      return 0;
  }
}

uint64_t compute_bytes(const ModelArch& m, uint64_t patches, bool flash_attn) {
  if (m.vision_projector == 0) return 0;
  constexpr uint64_t kF32 = 4;
  const uint64_t act = patches * (uint64_t{m.vision_ffn} + 3ull * m.vision_hidden) * kF32;
  const uint64_t scores = flash_attn ? 0 : uint64_t{m.vision_heads} * patches * patches * kF32;
  // EXAONE 4.5's window attention takes a patches x patches F32 mask as a graph input
  // (models/exaone4_5.cpp window_mask).
  const uint64_t window_mask = m.vision_projector == 6 ? patches * patches * kF32 : 0;
  return act + scores + window_mask;
}

}  // namespace runcheck::vision

// --- the estimate's side: request fields and the cost on this machine ------------------------

namespace runcheck::engine {

std::optional<Error> read_vision(const EstimateRequest& q, Inputs& in) {
  Inputs::Vision& v = in.vis;
  v.on = q.vision.value_or(false);
  if (q.mmproj_type) {
    const auto t = vision::mmproj_type(*q.mmproj_type);
    if (!t)
      return make_error("bad_value", "mmproj_type",
                        "mmproj_type must be F16, BF16 or F32 (the types mmproj files are "
                        "published in); got '" +
                            safe_echo(*q.mmproj_type) + "'");
    v.type = *t;
  }
  v.offload = q.mmproj_offload.value_or(true);
  if (q.image_max_tokens) {
    if (auto e = check_integer("image_max_tokens", *q.image_max_tokens, 8, 65536)) return e;
    v.max_tokens = static_cast<uint32_t>(*q.image_max_tokens);
  }
  if (!v.on) {
    for (const auto& [given, name] : {std::pair{q.mmproj_type.has_value(), "mmproj_type"},
                                      {q.mmproj_offload.has_value(), "mmproj_offload"},
                                      {q.image_max_tokens.has_value(), "image_max_tokens"}})
      if (given)
        return make_error("incompatible", name,
                          std::string(name) +
                              " needs vision: true (the image encoder is not "
                              "loaded otherwise)");
    return std::nullopt;
  }
  const ModelArch& m = in.model->arch;
  if (m.vision_projector == 0)
    return make_error(
        "incompatible", "vision",
        in.model->kind == "vlm"
            ? in.model->name +
                  " takes images, but runcheck does not model its vision tower yet (its "
                  "vision_config is not one of Qwen3-VL / Qwen3.5, Gemma 3, Gemma 4, Pixtral, "
                  "Kimi's MoonViT or EXAONE 4.5)"
            : in.model->name + " has no vision tower runcheck knows of (a text-only model)");
  const Runtime rt = in.plan.kv.runtime;
  if (rt != Runtime::kLlamaCpp && rt != Runtime::kLmStudio)
    return make_error("incompatible", "vision",
                      std::string("runcheck models llama.cpp's image encoder (the mmproj file: "
                                  "llama-server, LM Studio); ") +
                          runtime_name(rt) + "'s is not modelled yet");
  if (m.vision_projector == 2 && v.max_tokens)
    return make_error("incompatible", "image_max_tokens",
                      "Gemma 3 encodes every image at 896 px into 256 tokens: image_max_tokens "
                      "does not apply");
  if (m.vision_projector == 6 && v.max_tokens)
    return make_error("incompatible", "image_max_tokens",
                      "EXAONE 4.5's encoder warms up on a fixed 46 x 46-token image whatever "
                      "--image-max-tokens says: image_max_tokens does not apply");
  if (m.vision_projector == 5 && v.max_tokens)
    return make_error("incompatible", "image_max_tokens",
                      "Kimi's mmproj states its own pixel limits, which llama.cpp uses in place of "
                      "--image-max-tokens: image_max_tokens does not apply");
  return std::nullopt;
}

VisionCost vision_cost(const Inputs& in, const Machine& mc) {
  VisionCost c;
  const ModelArch& m = in.model->arch;
  c.has_tower = m.vision_projector != 0;
  c.on = in.vis.on && c.has_tower;
  if (!c.has_tower) return c;
  c.projector = vision::projector_name(m);
  c.mmproj_type = vision::mmproj_type_name(in.vis.type);
  c.patches = vision::warmup_patches(m, in.vis.max_tokens);
  c.flash_attn = in.plan.kv.flash_attn;
  c.weights_bytes = vision::weight_bytes(m, in.vis.type);
  c.compute_bytes = vision::compute_bytes(m, c.patches, c.flash_attn);
  // clip_ctx takes the first GPU backend unless offload is off (tools/mtmd/clip.cpp 188-208).
  const bool gpu = in.vis.offload && !mc.gpus.empty();
  c.device = gpu ? mc.gpus[0].name : mc.host.name;
  return c;
}

}  // namespace runcheck::engine
