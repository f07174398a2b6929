#include "runcheck/weights.h"

#include <gtest/gtest.h>

#include "hf_config.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "test_util.h"

namespace runcheck {
namespace {

using test::kMiB;

// Meta-Llama-3-8B: Llama-3.1-8B's shapes without rope_freqs (no llama3 rope scaling).
ModelArch llama3_8b() {
  auto cfg = test::read_json(test::shared_dir() + "/fixtures/hf/Llama-3.1-8B/config.json");
  cfg.erase("rope_scaling");
  auto m = model_from_hf_config(cfg, "config");
  EXPECT_TRUE(m.ok());
  return m.value();
}

TEST(weights_test, llama3_8b_q4_k_m_matches_llama_cpp_log) {
  RUNCHECK_NEEDS_SHARED();
  const WeightPlan w = quantized_weights(llama3_8b(), FileType::Q4_K_M);
  // llama.cpp log (shared/calibration/measurements.csv, XiongjieDai notebook): CUDA0 model
  // buffer 4403.49 MiB + CPU buffer 281.81 MiB (token_embd). By hand: 32 layers x 122,716,160 B
  // + 16 x (1,081,344 + 15,138,816) B for the q6_K attn_v/ffn_down layers + output q6_K
  // 430,940,160 B + output_norm 16,384 B = 4,617,396,224 B on the GPU.
  uint64_t gpu = w.output_bytes + w.other_global_bytes;
  for (uint64_t b : w.layer_bytes) gpu += b;
  EXPECT_EQ(gpu, 4617396224u);
  // token_embd: 128256 x 4096 q4_K = 295,501,824 B = 281.81 MiB.
  EXPECT_EQ(w.token_embd_bytes, 295501824u);
  // The file is 4.58 GiB: 4,912,898,048 B of tensors.
  EXPECT_EQ(w.total_bytes, 4617396224u + 295501824u);
  EXPECT_EQ(w.parameters, 8030261248u);  // Meta-Llama-3-8B: 8.03 B parameters
}

TEST(weights_test, llama3_8b_f16_is_two_bytes_per_weight_except_norms) {
  RUNCHECK_NEEDS_SHARED();
  const WeightPlan w = quantized_weights(llama3_8b(), FileType::F16);
  // 65 norm vectors of 4096 F32 (2 per layer + output_norm) = 266,240 params at 4 bytes.
  const uint64_t norms = 65ull * 4096;
  EXPECT_EQ(w.total_bytes, (w.parameters - norms) * 2 + norms * 4);
  // Published: model file 14.96 GiB.
  EXPECT_NEAR(static_cast<double>(w.total_bytes) / (1ull << 30), 14.96, 0.005);
}

TEST(weights_test, first_17_layers_match_split_log) {
  RUNCHECK_NEEDS_SHARED();
  // Two-GPU split log: CUDA0 holds layers 0-16 = 2113.28 MiB.
  const WeightPlan w = quantized_weights(llama3_8b(), FileType::Q4_K_M);
  uint64_t dev0 = 0;
  for (int i = 0; i < 17; ++i) dev0 += w.layer_bytes[i];
  EXPECT_NEAR(static_cast<double>(dev0) / kMiB, 2113.28, 0.005);
}

TEST(weights_test, qwen3_next_hybrid_layout_matches_published_q4_k_m_file) {
  // Qwen3-Next-80B-A3B (catalog config). By hand: embeddings 2 x 151936 x 2048 = 622,329,856;
  // 12 attention layers x 27,263,488 (q+gate 2048x8192, k/v 2048x512, o 4096x2048, q/k norms);
  // 36 delta-net layers x 33,718,464 (ssm_in 2048x12288, conv 4x8192, dt/a 32, beta/alpha
  // 2048x64, norm 128, out 4096x2048); 48 MoE blocks x 1,614,809,088 (router 2048x512, 512
  // experts x 3 x 2048x512, shared gate 2048, shared expert 3 x 2048x512); 2 norms per layer +
  // output_norm. Total 79,674,391,296: llama-bench prints "79.67 B" (llama.cpp PR #16095).
  const Catalog& cat = builtin_catalog();
  const ModelEntry* e = cat.model("qwen3-next-80b-a3b");
  ASSERT_NE(e, nullptr);
  const WeightPlan w = quantized_weights(e->arch, FileType::Q4_K_M);
  EXPECT_EQ(w.parameters, 79674391296u);
  // The loader of a published Q4_K_M file (lmstudio-ai/lmstudio-bug-tracker#1266) lists
  // f32 313, f16 48, q4_K 391, q6_K 55 tensors and "file size = 45.08 GiB (4.86 BPW)".
  const auto count = [&](GgmlType t) { return w.tensors_by_type[static_cast<uint32_t>(t)]; };
  EXPECT_EQ(count(GgmlType::F32), 313u);  // norms, routers, conv, dt, a
  EXPECT_EQ(count(GgmlType::F16), 48u);   // shared-expert gates: {2048, 1}, not quantized
  EXPECT_EQ(count(GgmlType::Q4_K), 391u);
  EXPECT_EQ(count(GgmlType::Q6_K), 55u);  // output + 6 attn_v + 24 x (down_exps, down_shexp)
  EXPECT_NEAR(static_cast<double>(w.total_bytes) / (1ull << 30), 45.08, 0.005);
}

TEST(weights_test, qwen3_next_kv_matches_logged_buffer) {
  // ROCm/TheRock#2595 (llama.cpp on Strix Halo): "7032.00 MiB (300032 cells, 12 layers, 1/1
  // seqs), K (f16): 3516.00 MiB, V (f16): 3516.00 MiB" -> 12 x 300032 x (512 + 512) x 2 B.
  const ModelEntry* e = builtin_catalog().model("qwen3-next-80b-a3b");
  ASSERT_NE(e, nullptr);
  KvOptions o;
  o.n_ctx = 300032;
  uint64_t kv = 0, layers = 0;
  for (uint32_t il = 0; il < e->arch.block_count; ++il) {
    const uint64_t b = kv_layer_bytes(e->arch, il, o);
    kv += b;
    layers += b > 0;
  }
  EXPECT_EQ(layers, 12u);
  EXPECT_EQ(kv, 7032ull * kMiB);
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// GPT-NeoX (Pythia 2.8B's shapes, typed from its published dimensions): fused qkv, a plain 4x
// MLP and a bias on every linear layer and LayerNorm. EleutherAI's Pythia table gives
// 2,775,208,960 parameters for this model: 32 x 78,676,480 per layer + 2 x 50304 x 2560
// (untied embedding and output) + the final LayerNorm's 2 x 2560.
TEST(Weights, GptNeoxLayoutCountsPythiaExactly) {
  const nlohmann::json cfg = {{"model_type", "gpt_neox"},        {"hidden_size", 2560},
                              {"num_hidden_layers", 32},         {"num_attention_heads", 32},
                              {"intermediate_size", 10240},      {"vocab_size", 50304},
                              {"max_position_embeddings", 2048}, {"tie_word_embeddings", false}};
  auto m = model_from_hf_config(cfg, "config");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().arch, "gptneox");
  EXPECT_EQ(m.value().head_count_kv, 32u);
  EXPECT_EQ(parameter_count(m.value()), 2775208960ull);
}

}  // namespace
}  // namespace runcheck
