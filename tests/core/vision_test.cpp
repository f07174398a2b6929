// The vision tower's mmproj and encoder buffer against published files and load logs.
#include "vision.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "runcheck/catalog.h"

namespace runcheck {
namespace {

using nlohmann::json;

const ModelArch& arch(const std::string& id) {
  const ModelEntry* m = builtin_catalog().model(id);
  EXPECT_NE(m, nullptr) << id;
  return m->arch;
}

TEST(Vision, Gemma3MmprojMatchesAPublishedFile) {
  // A Gemma 3 12B mmproj-BF16.gguf is 854,200,448 bytes (its LFS pointer). Tensors by hand:
  // 27 blocks x (4 x 1152^2 + 2 x 1152 x 4304) = 411,070,464 BF16 matrices; the 1152 x 3840
  // input projection F16 (4,423,680); F32: patch embedding 3 x 14^2 x 1152 + 1152, 4,096 x 1152
  // position embeddings, 27 x (9 x 1152 + 4304) norms and biases, 3 x 1152 final norms =
  // 5,796,720. Bytes: 2 x 411,070,464 + 2 x 4,423,680 + 4 x 5,796,720 = 854,175,168: the file
  // holds 25,280 bytes more, its GGUF header and metadata.
  const ModelArch& g = arch("gemma-3-12b");
  EXPECT_EQ(std::string(vision::projector_name(g)), "gemma3");
  const vision::Tensors t = vision::tensors(g);
  EXPECT_EQ(t.matrix, 411070464u);
  EXPECT_EQ(t.f16, 4423680u);
  EXPECT_EQ(t.f32, 5796720u);
  EXPECT_EQ(vision::weight_bytes(g, vision::MmprojType::kBF16), 854175168u);
  // Gemma 3 4B's projection is 2,560 wide: 851,226,048 bytes at F16, the "851 MB" Hugging Face
  // lists for ggml-org/gemma-3-4b-it-GGUF's mmproj-model-f16.gguf.
  EXPECT_EQ(vision::weight_bytes(arch("gemma-3-4b"), vision::MmprojType::kF16), 851226048u);
  // 896 px / 14 = 64 x 64 patches, whatever tokens are asked for.
  EXPECT_EQ(vision::warmup_patches(g, std::nullopt), 4096u);
  EXPECT_EQ(vision::warmup_patches(g, 1024u), 4096u);
}

TEST(Vision, Gemma4MmprojMatchesAPublishedFile) {
  // Gemma 4 26B-A4B's mmproj-...-f16.gguf is 1,193,058,432 bytes (keyuan01/Gemma-4-26B-A4B-it-
  // MixQ-13G-GGUF, "exact size"). Its vision_config: 27 layers of 1152, 16 heads of 72, FFN 4304,
  // patch 16, pooling 3, 10240 positions, standardize on, clipped linears off; text width 2816.
  // F16 matrices: 27 x (4 x 1152^2 + 3 x 1152 x 4304) + 1152 x 2816 = 548,186,112; the conv
  // patch embedding 3 x 16^2 x 1152 = 884,736 (F16 in an F16 file); F32: the x and y position
  // tables 2 x 10240 x 1152, 27 x (4 x 1152 + 2 x 72 + 1) norms and layer scalars and the
  // 2 x 1152 std_bias/std_scale = 23,723,595. Bytes: 2 x 548,186,112 + 2 x 884,736 +
  // 4 x 23,723,595 = 1,193,036,076: the file holds 22,356 bytes more, its GGUF header and table
  // of 383 tensors. (The same tower as Gemma 4 31B's Q8_0 mmproj, "772 MB": its FFN-down rows
  // of 4304 are not a multiple of Q8_0's 32 and stay F16, 809,519,148 bytes = 772.0 MiB; runcheck
  // offers F16/BF16/F32 mmproj types only.)
  const ModelArch& g = arch("gemma-4-26b-a4b");
  EXPECT_EQ(std::string(vision::projector_name(g)), "gemma4v");
  const vision::Tensors t = vision::tensors(g);
  EXPECT_EQ(t.matrix, 548186112u);
  EXPECT_EQ(t.conv, 884736u);
  EXPECT_EQ(t.f32, 23723595u);
  EXPECT_EQ(vision::weight_bytes(g, vision::MmprojType::kF16), 1193036076u);
  EXPECT_EQ(1193058432u - vision::weight_bytes(g, vision::MmprojType::kF16), 22356u);
  // The warmup: 256 tokens of 3 x 3 patches (clip.cpp set_warmup_n_tokens(256)).
  EXPECT_EQ(vision::warmup_patches(g, std::nullopt), 2304u);
  // 31B: the same tower, projected to its 5376-wide text.
  EXPECT_EQ(vision::weight_bytes(arch("gemma-4-31b"), vision::MmprojType::kF16),
            1193036076u + 2ull * 1152 * (5376 - 2816));
}

TEST(Vision, KimiK25MmprojMatchesAPublishedFile) {
  // Kimi K2.5's MoonViT (vision_config vt_*: 27 blocks of 1152, FFN 4304, patch 14, a 64 x 64
  // position table, 2 x 2 merge into the 7168-wide text) as llama.cpp's kimik25 converter
  // writes it. F16 matrices: 27 x (qkv 3 x 1152^2 + out 1152^2 + up and down 2 x 1152 x 4304) =
  // 411,070,464, the projector 4608^2 + 4608 x 7168 = 54,263,808; the patch conv 3 x 14^2 x
  // 1152 = 677,376 (F16 in an F16 file); F32: its bias 1152, the 4,096 x 1152 position table,
  // 27 x (9 x 1152 + 4304) norms and biases, 4 x 1152 final and input norms, the 4608 and 7168
  // projector biases = 5,132,272. Bytes: 2 x 465,334,272 + 2 x 677,376 + 4 x 5,132,272 =
  // 952,552,384; the published mmproj-Kimi-K2.5-F16.gguf (AesSedai/Kimi-K2.5-GGUF) is
  // 952,572,160 B, 19,776 B of header and metadata more (335 tensors either way).
  const ModelArch& k = arch("kimi-k2.5");
  EXPECT_EQ(std::string(vision::projector_name(k)), "kimik25");
  const vision::Tensors t = vision::tensors(k);
  EXPECT_EQ(t.matrix, 465334272u);
  EXPECT_EQ(t.conv, 677376u);
  EXPECT_EQ(t.f32, 5132272u);
  EXPECT_EQ(vision::weight_bytes(k, vision::MmprojType::kF16), 952552384u);
  // K2.6 ships the same tower.
  EXPECT_EQ(vision::weight_bytes(arch("kimi-k2.6"), vision::MmprojType::kF16), 952552384u);
  // Warmup: one sqrt(3,211,264) = 1792 px image, 128 x 128 patches; --image-max-tokens does not
  // apply (the file's pixel limits win), and asking for it says so.
  EXPECT_EQ(vision::warmup_patches(k, std::nullopt), 16384u);
  const json r = json::parse(handle_request(json{
      {"command", "estimate"},
      {"model", "kimi-k2.5"},
      {"quant", "Q2_K"},
      {"hardware", "h200-sxmx8"},
      {"vision", true},
      {"image_max_tokens", 1024}}.dump()));
  EXPECT_EQ(r["error"]["field"], "image_max_tokens") << r.dump();
}

TEST(Vision, Exaone45MmprojMatchesAPublishedFile) {
  // EXAONE 4.5's tower (vision_config: 28 blocks of 2048, 32 query and 8 KV heads of 64, FFN
  // 5120, patch 14, merge 2, out 5120) as llama.cpp's exaone4_5 converter writes it. Per block,
  // F16: the fused qkv 2048 x (2048 + 2 x 8 x 64) = 6,291,456, the output 2048^2 = 4,194,304,
  // gate, up and down 3 x 2048 x 5120 = 31,457,280; F32: two norms 4096, the qkv, output,
  // gate, up and down biases 3072 + 2048 + 2 x 5120 + 2048 = 17,408. Globals: the patch conv in
  // two halves 2 x 3 x 14^2 x 2048 = 2,408,448 (F16 in an F16 file); the merger 8192^2 +
  // 8192 x 5120 = 109,051,904 F16 with 8192 + 5120 F32 biases, and the final norm 2048. Bytes:
  // 2 x (28 x 41,943,040 + 109,051,904) + 2 x 2,408,448 + 4 x (28 x 21,504 + 15,360) =
  // 2,574,200,832; the published mmproj-EXAONE-4.5-33B-F16.gguf (LGAI-EXAONE/EXAONE-4.5-33B-GGUF)
  // is 2,574,221,920 B, 21,088 B of header more (343 tensors: 144 F16, 199 F32).
  const ModelArch& e = arch("exaone-4.5-33b");
  EXPECT_EQ(std::string(vision::projector_name(e)), "exaone4_5");
  EXPECT_EQ(vision::weight_bytes(e, vision::MmprojType::kF16), 2574200832u);
  // A BF16 file keeps the patch conv in F32: 2 x 2,408,448 bytes more.
  EXPECT_EQ(vision::weight_bytes(e, vision::MmprojType::kBF16), 2574200832u + 4816896u);
  // Warmup: a fixed 46 x 46-token image, 92 x 92 = 8,464 patches; its window mask is a
  // 8,464^2 F32 graph input (286,557,184 B) on top of the activations, 8,464 x (5120 + 3 x
  // 2048) x 4 B = 381,353,984.
  EXPECT_EQ(vision::warmup_patches(e, std::nullopt), 8464u);
  EXPECT_EQ(vision::compute_bytes(e, 8464, true), 381353984u + 286557184u);
  const json r = json::parse(handle_request(json{
      {"command", "estimate"},
      {"model", "exaone-4.5-33b"},
      {"quant", "Q4_K_M"},
      {"hardware", "rtx-5090"},
      {"vision", true},
      {"image_max_tokens", 1024}}.dump()));
  EXPECT_EQ(r["error"]["field"], "image_max_tokens") << r.dump();
}

TEST(Vision, PixtralMmprojMatchesLlamaCppsLoadLog) {
  // llama.cpp b6923 loading the Mistral Small 3.2 mmproj prints "model size: 837.36 MiB"
  // (issue 16842). The same tower as 3.1: 24 blocks x (4 x 1024^2 + 3 x 1024 x 4096) + 1024 x
  // 5120 + 5120^2 = 434,110,464 F16 matrices; patch conv 3 x 14^2 x 1024 and the 4096 -> 1024
  // merger, F16 = 4,796,416; F32 norms and the [IMG_BREAK] row: 24 x 2048 + 2 x 1024 + 5120 =
  // 56,320. 2 x 438,906,880 + 4 x 56,320 = 878,039,040 bytes = 837.36 MiB.
  const ModelArch& m = arch("mistral-small-3.1-24b");
  EXPECT_EQ(std::string(vision::projector_name(m)), "pixtral");
  const uint64_t b = vision::weight_bytes(m, vision::MmprojType::kF16);
  EXPECT_EQ(b, 878039040u);
  char printed[32];
  std::snprintf(printed, sizeof printed, "%.2f", static_cast<double>(b) / (1 << 20));
  EXPECT_STREQ(printed, "837.36");
  // The warmup image: 256 tokens of 2 x 2 patches.
  EXPECT_EQ(vision::warmup_patches(m, std::nullopt), 1024u);
}

TEST(Vision, Qwen36NamesItsTowerQwen35VisionAndIsRead) {
  // Qwen3.6-27B's config calls its tower "qwen3_5_vision" (Qwen3.5-27B's says "qwen3_5"); the
  // shapes are the same 27-block ViT (a GPTQ repackaging's card lists "27-block ViT ... 333
  // tensors": 27 x 12 block tensors + patch conv weight and bias + position table + merger norm
  // and two linears with biases = 333), so the two mmproj files size alike.
  const ModelArch& q36 = arch("qwen3.6-27b");
  EXPECT_EQ(std::string(vision::projector_name(q36)), "qwen3vl_merger");
  EXPECT_EQ(q36.vision_layers, 27u);
  EXPECT_EQ(q36.vision_deepstack, 0u);
  EXPECT_EQ(vision::weight_bytes(q36, vision::MmprojType::kF16),
            vision::weight_bytes(arch("qwen3.5-27b"), vision::MmprojType::kF16));
}

TEST(Vision, EncoderBufferAgainstPublishedMeasurements) {
  // gguf-parser-go issue 44 (MI300X): Gemma 3's clip buffer 1132 MiB without flash attention,
  // 121 with it. 4096 patches: activations 4096 x (4304 + 3 x 1152) x 4 = 127,139,840 B
  // (121.25 MiB); scores 16 x 4096^2 x 4 = 1,073,741,824 B more without flash attention.
  const ModelArch& g = arch("gemma-3-27b");
  EXPECT_EQ(vision::compute_bytes(g, 4096, true), 127139840u);
  EXPECT_EQ(vision::compute_bytes(g, 4096, false), 127139840u + 1073741824u);
  // Qwen3-VL warms up with 46 x 46 tokens of 2 x 2 patches; --image-max-tokens 1024 -> 4096.
  const ModelArch& q = arch("qwen3-vl-8b");
  EXPECT_EQ(vision::warmup_patches(q, std::nullopt), 8464u);
  EXPECT_EQ(vision::warmup_patches(q, 1024u), 4096u);
  // No tower, no cost.
  const ModelArch& l = arch("llama-3.1-8b");
  EXPECT_EQ(vision::weight_bytes(l, vision::MmprojType::kF16), 0u);
  EXPECT_EQ(vision::compute_bytes(l, 4096, false), 0u);
}

nlohmann::json est(nlohmann::json q) {
  q["command"] = "estimate";
  q["inverse"] = false;
  return nlohmann::json::parse(handle_request(q.dump()));
}

TEST(Vision, TheTowerIsCountedWhereLlamaCppPutsIt) {
  const nlohmann::json base = {
      {"model", "gemma-3-27b"}, {"quant", "Q4_K_M"}, {"context", 8192}, {"hardware", "rtx-3090"}};
  const nlohmann::json off = est(base);
  nlohmann::json q = base;
  q["vision"] = true;
  const nlohmann::json on = est(q);
  ASSERT_TRUE(on["ok"].get<bool>()) << on.dump();
  // Gemma 3 27B's mmproj-F16 (5,376-wide projection): 411,070,464 F16 matrices + 1152 x 5376 F16
  // + 5,796,720 F32 = 857,714,112 B, and the 896 px image's buffer with flash attention.
  EXPECT_EQ(on["vision"]["mmproj_bytes"], 857714112u);
  EXPECT_EQ(on["vision"]["encoder_compute_bytes"], 127139840u);
  const uint64_t added = 857714112u + 127139840u;
  EXPECT_EQ(on["memory"]["devices"][0]["used_bytes"].get<uint64_t>(),
            off["memory"]["devices"][0]["used_bytes"].get<uint64_t>() + added);
  // Text only, -hf would still fetch and load the mmproj: the command says --no-mmproj.
  EXPECT_FALSE(off["vision"]["on"].get<bool>());
  EXPECT_NE(off["commands"]["llama_server"].get<std::string>().find(" --no-mmproj"),
            std::string::npos);
  EXPECT_EQ(on["commands"]["llama_server"].get<std::string>().find("mmproj"), std::string::npos);
  // --no-mmproj-offload: the GPU holds only the model; system RAM has that much less room.
  q["mmproj_offload"] = false;
  const nlohmann::json cpu = est(q);
  EXPECT_EQ(cpu["memory"]["devices"][0]["used_bytes"], off["memory"]["devices"][0]["used_bytes"]);
  EXPECT_EQ(cpu["memory"]["devices"][1]["budget_bytes"].get<uint64_t>(),
            off["memory"]["devices"][1]["budget_bytes"].get<uint64_t>() - added);
  EXPECT_NE(cpu["commands"]["llama_server"].get<std::string>().find("--no-mmproj-offload"),
            std::string::npos);
  // Without flash attention the encoder also holds 16 x 4096^2 f32 scores.
  q["mmproj_offload"] = true;
  q["flash_attn"] = false;
  EXPECT_EQ(est(q)["vision"]["encoder_compute_bytes"], 127139840u + 1073741824u);
}

TEST(Vision, RequestsThatCannotBeAnsweredNameTheField) {
  auto field = [](nlohmann::json q) { return est(q)["error"]["field"]; };
  const nlohmann::json base = {{"model", "qwen3-vl-8b"}, {"hardware", "rtx-4090"}};
  EXPECT_EQ(field({{"model", "llama-3.1-8b"}, {"hardware", "rtx-4090"}, {"vision", true}}),
            "vision");
  nlohmann::json q = base;
  q["vision"] = true;
  q["mmproj_type"] = "Q4_K_M";
  EXPECT_EQ(field(q), "mmproj_type");
  q = base;
  q["image_max_tokens"] = 1024;  // without vision: true
  EXPECT_EQ(field(q), "image_max_tokens");
  q["vision"] = true;
  q["image_max_tokens"] = 4;
  EXPECT_EQ(field(q), "image_max_tokens");
  q = base;
  q["vision"] = true;
  q["runtime"] = "vllm";
  q["quant"] = "FP8";
  EXPECT_EQ(field(q), "vision");
  q = {{"model", "gemma-3-4b"},
       {"hardware", "rtx-4090"},
       {"vision", true},
       {"image_max_tokens", 512}};
  EXPECT_EQ(field(q), "image_max_tokens");  // Gemma 3's images are always 256 tokens
}

}  // namespace
}  // namespace runcheck
