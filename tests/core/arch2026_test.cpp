// The 2026 architectures (issue 16): Qwen3.5/3.6 hybrid delta net, Nemotron-H (Mamba2 +
// attention + MoE), DeepSeek sparse attention (DeepSeek-V3.2, GLM-5) and MiniMax-M2. Every
// figure is worked out by hand in the comment from the catalog's config and llama.cpp's loader
// and allocation rules (src/models/*.cpp load_arch_tensors, llama_hparams::n_embd_r/n_embd_s,
// llama_memory_recurrent, llama_kv_cache_dsa), and checked against a published llama.cpp
// figure where one was found.
#include <gtest/gtest.h>

#include <algorithm>

#include "hf_config.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "runcheck/weights.h"
#include "test_util.h"
#include "vision.h"

namespace runcheck {
namespace {

using nlohmann::json;
using test::kMiB;
using test::total_kv;
using test::total_recurrent;

const ModelEntry& entry(const char* id) {
  const ModelEntry* e = builtin_catalog().model(id);
  EXPECT_NE(e, nullptr) << id;
  static const ModelEntry kEmpty{};
  return e ? *e : kEmpty;
}

TEST(Arch2026, Qwen35MoeHybridStateKvAndParameters) {
  // Qwen3.5-35B-A3B text_config: 40 layers, full_attention_interval 4 -> 10 gated full-attention
  // layers (16 Q / 2 KV heads of 256) and 30 gated delta-net layers (16 key heads / 32 value
  // heads of 128, conv kernel 4). The GGUF header of the published conversion says the same:
  // ssm.conv_kernel 4, state_size 128, group_count 16, time_step_rank 32, inner_size 4096,
  // nextn_predict_layers 1 (llama.cpp issue #25121).
  const ModelArch& m = entry("qwen3.5-35b-a3b").arch;
  EXPECT_EQ(m.arch, "qwen35moe");
  EXPECT_EQ(m.ssm_inner_size, 4096u);
  EXPECT_EQ(m.ssm_group_count, 16u);
  EXPECT_EQ(m.ssm_time_step_rank, 32u);
  EXPECT_EQ(m.nextn_layers, 1u);
  // Recurrent state per layer and sequence, f32: conv rows (4 - 1) x (4096 + 2 x 16 x 128) =
  // 24,576 plus state 128 x 4096 = 524,288 -> 548,864 x 4 B = 2,195,456 B; 30 layers =
  // 65,863,680 B = 62.81 MiB, what llama.cpp prints as "CUDA0 RS buffer size = 62.81 MiB" for
  // the same shape (Qwen3.6-35B-A3B, a published b9294 deployment note).
  EXPECT_EQ(m.recurrent_state_bytes(), 2195456u);
  KvOptions o;
  o.n_ctx = 262144;
  EXPECT_EQ(total_recurrent(m, o), 65863680u);
  // KV only on the 10 attention layers: 262,144 x (512 + 512) x 2 B x 10 = 5,120 MiB.
  uint32_t kv_layers = 0;
  EXPECT_EQ(total_kv(m, o, &kv_layers), 5120ull * kMiB);
  EXPECT_EQ(kv_layers, 10u);
  // Parameters: embeddings 2 x 248,320 x 2048 = 1,017,118,720; 10 attention layers x
  // 27,263,488 (q+gate 2048x8192, k/v 2048x512, o 4096x2048, q/k norms 256); 30 delta-net layers
  // x 33,718,464 (attn_qkv 2048x8192, attn_gate 2048x4096, conv 4x8192, dt/a 32, beta/alpha
  // 2048x32 each, norm 128, out 4096x2048); 40 MoE blocks x 808,978,432 (router 2048x256, 256
  // experts x 3 x 2048x512, shared gate 2048, shared expert 3 x 2048x512); 2 x 2048 norms per
  // layer and output_norm: 34,660,610,688, llama.cpp's "model params = 34.66 B" (print_info).
  EXPECT_EQ(entry("qwen3.5-35b-a3b").parameters, 34660610688ull);
  EXPECT_EQ(entry("qwen3.6-35b-a3b").parameters, 34660610688ull);
}

TEST(Arch2026, Qwen35DenseMatchesPrintedParameters) {
  // Qwen3.5-27B: 64 layers (16 attention, 48 delta net), dense FFN 17,408. Embeddings 2 x
  // 248,320 x 5120 = 2,542,796,800; attention 104,858,112 (q+gate 5120x12288, k/v 5120x1024,
  // o 6144x5120, norms 512); delta net 115,876,064 (qkv 5120x10240, gate 5120x6144, conv
  // 4x10240, dt/a 48, beta/alpha 5120x48 each, norm 128, out 6144x5120); FFN 3 x 5120 x 17,408 +
  // 2 norms = 267,397,120 per layer; output_norm 5120. Total 26,895,998,464: llama.cpp prints
  // "ssm_d_inner = 6144, ssm_dt_rank = 48, ssm_n_group = 16 ... model params = 26.90 B".
  const ModelEntry& e = entry("qwen3.5-27b");
  EXPECT_EQ(e.arch.arch, "qwen35");
  EXPECT_FALSE(e.arch.is_moe());
  EXPECT_EQ(e.arch.ssm_inner_size, 6144u);
  EXPECT_EQ(e.parameters, 26895998464ull);
  EXPECT_EQ(entry("qwen3.6-27b").parameters, 26895998464ull);
  // State: 3 x (6144 + 2 x 16 x 128) + 128 x 6144 = 817,152 floats = 3,268,608 B per layer.
  EXPECT_EQ(e.arch.recurrent_state_bytes(), 3268608u);
}

TEST(Arch2026, NemotronHMambaStateIsFixedAndOnlyAttentionLayersCache) {
  // Nemotron 3 Nano 30B-A3B: hybrid_override_pattern of 52 blocks = 23 Mamba2 (M), 23 MoE (E),
  // 6 attention (*). Mamba2: d_inner = 64 heads x 64 = 4096, n_groups 8, d_state 128, conv 4.
  const ModelEntry& e = entry("nemotron-3-nano-30b-a3b");
  const ModelArch& m = e.arch;
  EXPECT_EQ(m.arch, "nemotron_h_moe");
  uint32_t mamba = 0, attn = 0, ffn = 0;
  for (LayerKind k : m.layers) {
    mamba += k == LayerKind::kRecurrent;
    attn += k == LayerKind::kFullAttention;
    ffn += k == LayerKind::kFeedForward;
  }
  EXPECT_EQ(mamba, 23u);
  EXPECT_EQ(attn, 6u);
  EXPECT_EQ(ffn, 23u);
  // llama_hparams::n_embd_r = (4 - 1) x (4096 + 2 x 8 x 128) = 18,432; n_embd_s = 128 x 4096 =
  // 524,288; f32 -> 2,170,880 B per Mamba layer and sequence, 49,930,240 B (47.62 MiB) for the
  // 23 layers, whatever the context; 4 sequences hold 4 states.
  EXPECT_EQ(m.recurrent_state_bytes(), 2170880u);
  KvOptions o;
  o.n_ctx = 4096;
  EXPECT_EQ(total_recurrent(m, o), 49930240u);
  o.n_ctx = 262144;
  EXPECT_EQ(total_recurrent(m, o), 49930240u);
  o.n_seq = 4;
  o.n_ctx = 65536;
  EXPECT_EQ(total_recurrent(m, o), 4u * 49930240u);
  // KV: only the 6 attention blocks, 2 KV heads x 128 x (K + V) x 2 B = 1,024 B per token each:
  // 262,144 x 6,144 B = 1,536 MiB (the MoE and Mamba blocks hold none).
  o = KvOptions{};
  o.n_ctx = 262144;
  uint32_t kv_layers = 0;
  EXPECT_EQ(total_kv(m, o, &kv_layers), 1536ull * kMiB);
  EXPECT_EQ(kv_layers, 6u);
  // Parameters (llama.cpp src/models/nemotron-h.cpp): Mamba block 38,744,896 (attn_norm 2688,
  // ssm_in 2688 x (2 x 4096 + 2 x 8 x 128 + 64), conv 4 x 6144 + bias 6144, dt/A/D 3 x 64, norm
  // 4096, out 4096 x 2688); attention block 23,399,040 (norm, q 2688x4096, k/v 2688x256, o
  // 4096x2688); MoE block 1,297,468,160 (norm, router 2688x128 + bias 128, 128 experts x up/down
  // 2688x1856 - squared ReLU, no gate - and the shared expert's up/down 2688x3712); embeddings 2
  // x 2688 x 131,072 + output_norm. Total 31,577,940,288: llama-bench prints "nemotron_h_moe
  // 31B.A3.5B ... 31.58 B".
  EXPECT_EQ(e.parameters, 31577940288ull);
}

TEST(Arch2026, NemotronHDenseAndLatentMoe) {
  // Nemotron-H-56B: 118 blocks ('M' 54, '-' 54 dense squared-ReLU MLPs, '*' 10), Mamba2 d_inner
  // 256 x 64 = 16,384, 8 groups of state 256: state (3 x (16384 + 4096) + 256 x 16384) x 4 B =
  // (61,440 + 4,194,304) x 4 = 17,022,976 B per layer; KV 10 layers x 8 KV heads x 128 x 2 x 2 B
  // = 40,960 B per token.
  const ModelArch& h = entry("nemotron-h-56b").arch;
  EXPECT_EQ(h.arch, "nemotron_h");
  EXPECT_EQ(h.recurrent_state_bytes(), 17022976u);
  KvOptions o;
  o.n_ctx = 8192;
  EXPECT_EQ(total_kv(h, o), 8192ull * 40960);
  // Nemotron 3 Super: experts in the 1024-wide latent space (moe_latent_size), so one routed
  // expert is up 1024x2688 + down 2688x1024 = 5,505,024 parameters, not 2 x 4096 x 2688.
  const ModelArch& s = entry("nemotron-3-super-120b-a12b").arch;
  EXPECT_EQ(s.moe_latent_size, 1024u);
  const std::vector<TensorSpec> t = model_tensors(s);
  uint64_t up = 0;
  for (const auto& x : t)
    if (x.name == "blk.1.ffn_up_exps.weight") up = x.elements();
  EXPECT_EQ(up, 1024ull * 2688 * 512);
}

TEST(Arch2026, DeepSeekSparseAttentionCachesTheIndexerKeys) {
  // DeepSeek-V3.2: MLA latent 512 + rope 64 per token and layer (as V3), plus the lightning
  // indexer's single key head of index_head_dim 128, K only, in type_k (llama_kv_cache_dsa's
  // kv_lid: n_head_kv 1, no V under MLA). f16: (576 + 128) x 2 B = 1,408 B per token and
  // layer; 61 layers x 163,840 tokens = 14,071,889,920 B = 13,420 MiB, against V3's 10,980.
  const ModelArch& v32 = entry("deepseek-v3.2").arch;
  EXPECT_EQ(v32.arch, "deepseek32");
  EXPECT_EQ(v32.indexer_head_dim, 128u);
  KvOptions o;
  o.n_ctx = 163840;
  EXPECT_EQ(total_kv(v32, o), 13420ull * kMiB);
  EXPECT_EQ(total_kv(entry("deepseek-v3").arch, o), 10980ull * kMiB);
  // q8_0 K: (576 + 128) / 32 x 34 B = 748 B per token and layer.
  o.type_k = o.type_v = GgmlType::Q8_0;
  EXPECT_EQ(kv_layer_bytes(v32, 0, o), 163840ull * 748);
  // Weights: V3's tensors plus, per layer, the indexer (k_norm weight+bias 2 x 128, proj
  // 7168x64, attn_k 7168x128, q_b 1536 x 64 x 128 = 13,959,424) and the 58 MoE layers'
  // expert-selection bias (256 each).
  EXPECT_EQ(entry("deepseek-v3.2").parameters,
            entry("deepseek-v3").parameters + 61ull * 13959424 + 58ull * 256);
  // GLM-5 (glm_moe_dsa, every layer a full indexer): 78 layers x (576 + 128) x 2 B.
  const ModelArch& glm = entry("glm-5").arch;
  EXPECT_EQ(glm.arch, "glm-dsa");
  o = KvOptions{};
  o.n_ctx = 202752;
  EXPECT_EQ(total_kv(glm, o), 202752ull * 78 * 1408);
}

TEST(Arch2026, Glm52SharedIndexersCarryNoWeightsAndNoCache) {
  // GLM-5.2 (config indexer_types): 21 of 78 layers run their own indexer (0, 1, 2, 6, 10, ...,
  // 74), the other 57 reuse the previous full layer's top-k. llama.cpp (glm-dsa.cpp,
  // llama-model.cpp create_memory filter_lid) caches the indexer key on the full layers only.
  const ModelArch& m = entry("glm-5.2").arch;
  ASSERT_EQ(m.indexer_types.size(), 78u);
  EXPECT_EQ(std::count(m.indexer_types.begin(), m.indexer_types.end(), '1'), 21);
  EXPECT_TRUE(m.layer_has_indexer(6));
  EXPECT_FALSE(m.layer_has_indexer(7));
  // KV per token, f16: 78 x (512 + 64) x 2 B = 89,856 for the latent, 21 x 128 x 2 B = 5,376 for
  // the indexer keys: 95,232 B per token (GLM-5, all full: 78 x 1,408 = 109,824).
  KvOptions o;
  o.n_ctx = 131072;
  EXPECT_EQ(total_kv(m, o), 131072ull * 95232);
  // Parameters (llama.cpp glm-dsa load_arch_tensors, MTP block not loaded), by hand from the
  // config: attention per layer 165,019,648 + 2 x 6,144 norms + 2,048 + 512 latent norms
  // = 165,034,496; indexer 128 x 2 + 6,144 x 32 + 6,144 x 128 + 2,048 x 32 x 128 = 9,371,904
  // on 21 layers; 3 dense MLPs 3 x 6,144 x 12,288; 75 MoE layers of 256 + 1 experts
  // 3 x 6,144 x 2,048 each plus router 6,144 x 256 and its 256 biases; embeddings and output
  // 2 x 154,880 x 6,144 plus the 6,144 output norm: 743,377,019,904.
  // Cross-check: a published read of every safetensors header of zai-org/GLM-5.2-FP8 counts
  // 753,329,921,024 weights with the MTP block (layer 78: one more such layer with its own
  // indexer, plus eh_proj 12,288 x 6,144 and 3 norms = 9,952,920,576) and without the 76 f32
  // routing biases (19,456): 743,377,019,904 + 9,952,920,576 - 19,456 = 753,329,921,024.
  EXPECT_EQ(entry("glm-5.2").parameters, 743377019904ull);
  EXPECT_EQ(entry("glm-5").parameters - entry("glm-5.2").parameters, 57ull * 9371904);
}

TEST(Arch2026, IndexerTypesMustBeFullOrSharedOnePerLayer) {
  nlohmann::json cfg = {{"model_type", "glm_moe_dsa"}, {"hidden_size", 64},
                        {"num_hidden_layers", 2},      {"num_attention_heads", 4},
                        {"vocab_size", 100},           {"max_position_embeddings", 1024},
                        {"kv_lora_rank", 16},          {"qk_rope_head_dim", 8},
                        {"qk_nope_head_dim", 8},       {"v_head_dim", 8},
                        {"n_routed_experts", 4},       {"num_experts_per_tok", 2},
                        {"moe_intermediate_size", 32}, {"index_n_heads", 2},
                        {"index_head_dim", 16},        {"indexer_types", {"full", "shared"}}};
  auto ok = model_from_hf_config(cfg, "config");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok.value().indexer_types, "10");
  cfg["indexer_types"] = {"full", "partial"};
  auto bad = model_from_hf_config(cfg, "config");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "config.indexer_types");
  cfg["indexer_types"] = {"full"};
  auto short_list = model_from_hf_config(cfg, "config");
  ASSERT_FALSE(short_list.ok());
  EXPECT_NE(short_list.error().message.find("1 entries for 2 layers"), std::string::npos);
}

TEST(Arch2026, MiniMaxM2CountsFullWidthQkNorms) {
  // MiniMax-M2.5 (llama.cpp src/models/minimax-m2.cpp): 62 layers of attention (48 Q / 8 KV
  // heads of 128; q/k norms over all heads: 6144 + 1024) and 256 experts x 3 x 3072x1536 with a
  // router and its 256-entry bias. Per layer 44,047,360 + 6,144 norms + 3,624,665,344 =
  // 3,668,718,848; x 62 + embeddings 2 x 200,064 x 3072 + output_norm = 228,689,764,864.
  const ModelEntry& e = entry("minimax-m2.5");
  EXPECT_EQ(e.arch.arch, "minimax-m2");
  EXPECT_EQ(e.parameters, 228689764864ull);
  // KV f16: 8 x 128 x 2 x 2 B = 4,096 B per token and layer; 62 layers at 196,608 = 46.5 GiB.
  KvOptions o;
  o.n_ctx = 196608;
  EXPECT_EQ(total_kv(e.arch, o), 196608ull * 62 * 4096);
}

// Nemotron 3 Ultra 550B-A55B (nemotron_h_moe) against a published llama.cpp load log: issue
// #24175 (build 9525, CUDA, 2026-06-05), llama-server with 4 slots and 16128 context cells:
//   llama_kv_cache:      CUDA0 KV buffer size =   189.00 MiB (16128 cells, 12 layers, 4/1 seqs)
//   llama_memory_recurrent:      CUDA0 RS buffer size =  1576.50 MiB (4 cells, ...),
//     R (f32): 40.50 MiB, S (f32): 1536.00 MiB
// From the catalog's config (Mamba2: 256 heads x 64 = d_inner 16384, n_groups 8, d_state 128,
// conv 4; attention: 2 KV heads x 128):
//   KV: 12 attention layers x 16128 cells x (K + V) 2 x 256 x 2 B = 198,180,864 B = 189.00 MiB;
//   R: (4 - 1) x (16384 + 2 x 8 x 128) = 55,296 f32 per layer and sequence, x 48 Mamba layers x
//      4 sequences x 4 B = 42,467,328 B = 40.50 MiB;
//   S: 128 x 16384 = 2,097,152 f32 per layer and sequence -> 1,610,612,736 B = 1536.00 MiB.
TEST(Arch2026, NemotronUltraKvAndRecurrentStateMatchAPublishedLog) {
  const ModelArch& m = entry("nemotron-3-ultra-550b-a55b").arch;
  EXPECT_EQ(m.arch, "nemotron_h_moe");
  uint32_t mamba = 0;
  for (LayerKind k : m.layers) mamba += k == LayerKind::kRecurrent;
  EXPECT_EQ(mamba, 48u);
  KvOptions o;
  o.n_ctx = 4032;  // per sequence (runcheck's context): 4 x 4032 = the log's 16128 cells
  o.n_seq = 4;
  uint32_t kv_layers = 0;
  EXPECT_EQ(total_kv(m, o, &kv_layers), 198180864u);
  EXPECT_EQ(kv_layers, 12u);
  EXPECT_DOUBLE_EQ(static_cast<double>(total_kv(m, o)) / kMiB, 189.00);
  EXPECT_EQ(total_recurrent(m, o), 42467328u + 1610612736u);
  EXPECT_DOUBLE_EQ(static_cast<double>(total_recurrent(m, o)) / kMiB, 1576.50);
}

}  // namespace
TEST(Arch2026, GptNeoxPythiaMatchesThePublishedCount) {
  // Pythia 1B (gpt_neox; llama.cpp src/models/gptneox.cpp: fused QKV with bias, dense output with
  // bias, plain 4x MLP with biases, LayerNorms with biases, untied output). EleutherAI/pythia's
  // README table gives 805,736,448 non-embedding parameters; the embeddings and the output are
  // 2 x 50,304 x 2,048 = 206,045,184: 1,011,781,632, the count on the model card.
  const ModelEntry& e = entry("pythia-1b");
  EXPECT_EQ(e.arch.arch, "gptneox");
  EXPECT_EQ(e.parameters, 805736448ull + 2ull * 50304 * 2048);
  // No GQA: K and V of all 8 heads of 256, f16, 16 layers: 16 x 2 x 2,048 x 2 B per token.
  KvOptions o;
  o.n_ctx = 2048;
  EXPECT_EQ(total_kv(e.arch, o), 2048ull * 16 * 8192);
}

TEST(Arch2026, Olmo3SlidingLayersAndPostNormsOnly) {
  // OLMo 3.1 32B (olmo3 -> llama.cpp olmo2): layer_types put a 4,096-token window on 48 of 64
  // layers. KV f16 at 65,536 tokens: 16 full layers x 65,536 x (8 x 128 x 2) x 2 B =
  // 4,294,967,296; 48 sliding layers keep window + ubatch = 4,096 + 512 = 4,608 cells:
  // 48 x 4,608 x 4,096 = 905,969,664.
  const ModelArch& m = entry("olmo-3.1-32b-instruct").arch;
  EXPECT_EQ(m.arch, "olmo2");
  EXPECT_EQ(m.sliding_window, 4096u);
  EXPECT_EQ(std::count(m.layers.begin(), m.layers.end(), LayerKind::kSlidingAttention), 48);
  KvOptions o;
  o.n_ctx = 65536;
  EXPECT_EQ(total_kv(m, o), 4294967296ull + 905969664ull);
  // Weights (src/models/olmo2.cpp: no pre-norms; q_norm over all 40 x 128 = 5,120, k_norm over
  // 8 x 128 = 1,024; post-attention and post-FFN norms). Per layer: Q and O 5,120^2 each, K and V
  // 5,120 x 1,024 each, norms 5,120 + 1,024 + 2 x 5,120, SwiGLU 3 x 5,120 x 27,648; 64 layers
  // plus embeddings and output 2 x 100,278 x 5,120 and the output norm: 32,233,522,176.
  EXPECT_EQ(entry("olmo-3.1-32b-instruct").parameters, 32233522176ull);
}

TEST(Arch2026, Exaone4CountsAsItsCardSays) {
  // EXAONE 4.0 32B (src/models/exaone4.cpp): post-norms only, per-head Q/K norms of 128, one
  // rope_freqs tensor of 64 (llama3 rope). Per layer: Q and O 5,120^2, K and V 5,120 x 1,024,
  // norms 2 x 128 + 2 x 5,120, SwiGLU 3 x 5,120 x 27,392; 64 layers + output norm + rope_freqs
  // = 30,954,640,448 without the embeddings - the card's "30.95B (without embeddings)" - plus
  // 2 x 102,400 x 5,120 = 32,003,216,448.
  const ModelEntry& e = entry("exaone-4.0-32b");
  EXPECT_EQ(e.parameters, 32003216448ull);
  EXPECT_EQ(std::count(e.arch.layers.begin(), e.arch.layers.end(), LayerKind::kSlidingAttention),
            48);  // "LLLG"
}

TEST(Arch2026, Gemma4FullAndSlidingLayersHaveTheirOwnShapes) {
  // Gemma 4 31B (llama.cpp src/models/gemma4.cpp): 60 layers, 5 sliding : 1 full. Sliding: 32 Q /
  // 16 KV heads of 256, window 1,024; full: 4 KV heads of 512 (num_global_key_value_heads,
  // attention_k_eq_v: no V projection, the cache still holds a V row). KV f16 at 32,768 tokens:
  // 10 full layers x 32,768 x (4 x 512 x 2) x 2 B = 2,684,354,560; 50 sliding layers keep
  // 1,024 + 512 = 1,536 cells x (16 x 256 x 2) x 2 B: 1,258,291,200.
  const ModelArch& m = entry("gemma-4-31b").arch;
  EXPECT_EQ(m.arch, "gemma4");
  EXPECT_EQ(std::count(m.layers.begin(), m.layers.end(), LayerKind::kSlidingAttention), 50);
  KvOptions o;
  o.n_ctx = 32768;
  EXPECT_EQ(total_kv(m, o), 2684354560ull + 1258291200ull);
  // Weights by hand: per sliding layer Q 5,376 x 8,192, K and V 5,376 x 4,096 each, O 8,192 x
  // 5,376, norms 4 x 5,376 + 2 x 256 + the layer scale; per full layer Q 5,376 x 16,384, K
  // 5,376 x 2,048, no V, O 16,384 x 5,376, norms 4 x 5,376 + 2 x 512 + 1; GeGLU MLP 3 x 5,376 x
  // 21,504 on every layer; tied embeddings 262,144 x 5,376, the output norm and rope_freqs (256):
  // 30,697,345,596 - the "30.7B" Google states for the 31B.
  EXPECT_EQ(entry("gemma-4-31b").parameters, 30697345596ull);
  // 26B-A4B: 128 experts top-8 of 704 beside a dense MLP of 2,112 on each of its 30 layers
  // (enable_moe_block), plus router scale, 3 extra norms and a per-expert scale: 25,233,142,046,
  // Google's "25.2B total".
  EXPECT_EQ(entry("gemma-4-26b-a4b").parameters, 25233142046ull);
}

TEST(Arch2026, Gemma4E2bPerLayerEmbeddingsSharedKvAndDoubleWideMlp) {
  // Gemma 4 E2B text_config (tt-metal's copy of google/gemma-4-E2B-it): 35 layers, 4 sliding
  // (window 512, 8 Q / 1 KV heads of 256) : 1 full (heads of 512), hidden 1,536, PLE 256 per
  // layer over the 262,144-token vocabulary, the last 20 layers sharing KV, use_double_wide_mlp.
  const ModelArch& m = entry("gemma-4-e2b").arch;
  EXPECT_EQ(m.arch, "gemma4");
  EXPECT_EQ(m.embd_per_layer, 256u);
  EXPECT_EQ(m.kv_layers_from_start, 15u);
  EXPECT_EQ(m.ff_length(14), 6144u);   // layers 0-14: intermediate_size
  EXPECT_EQ(m.ff_length(15), 12288u);  // KV-sharing layers 15-34: twice it (gemma.py n_ff_arr)
  // KV f16 at 4,096 tokens, flash attention on: only layers 0-14 hold a cache (3 full + 12
  // sliding). Full: 3 x 4,096 x (512 + 512) x 2 B = 24 MiB; sliding: min(4,096, 512 + 512 ubatch)
  // = 1,024 cells x 12 x (256 + 256) x 2 B = 12 MiB.
  KvOptions o;
  o.n_ctx = 4096;
  o.flash_attn = true;
  EXPECT_EQ(total_kv(m, o), 36 * test::kMiB);
  // Parameters by hand: token_embd 262,144 x 1,536 = 402,653,184; per_layer_token_embd 262,144
  // x (256 x 35) = 2,348,810,240; per_layer_model_proj 1,536 x 8,960 = 13,762,560, its norm 256,
  // rope_freqs 256, output_norm 1,536. Per sliding layer Q and O 1,536 x 2,048 each, K and V
  // 1,536 x 256 each; per full layer twice those; q/k norms of the head width, the layer scale,
  // five 1,536 norms and the PLE gate and projection 2 x 1,536 x 256. GeGLU MLP 3 x 1,536 x 6,144
  // on layers 0-14 and 3 x 1,536 x 12,288 on 15-34. Total 4,647,450,147; without the per-layer
  // table 2,298,639,907, the "2.3B effective" the model is sold as.
  EXPECT_EQ(entry("gemma-4-e2b").parameters, 4647450147ull);
  EXPECT_EQ(entry("gemma-4-e2b").parameters - 262144ull * 256 * 35, 2298639907ull);
  // Q4_K_M: the per-layer table is typed as token_embd (llama-quant tensor_name_match_token_embd:
  // Q6_K with tied embeddings) and lives in host memory with it; the tied output duplicates
  // token_embd alone: 402,653,184 x 6.5625 / 8 = 330,301,440 B + the F32 output norm 6,144 B.
  const WeightPlan w = quantized_weights(m, FileType::Q4_K_M);
  EXPECT_EQ(w.token_embd_bytes, (402653184ull + 2348810240ull) * 210 / 256);
  EXPECT_EQ(w.output_bytes, 330301440ull + 6144);
  // A published plain Q4_K_M of the text model: 3.412 GB (Asystemoffields/gemma-4-E2B-it-PMRA-GGUF
  // card, which compares its own mix against it).
  EXPECT_NEAR(static_cast<double>(w.total_bytes), 3.412e9, 0.0005e9);
  // The mmproj holds the vision tower and the audio conformer (gemma4a). Audio by hand, H 1,024,
  // 12 layers: per layer 24 H^2 F16 (Q, K, V, O, relative K, two FFNs' up and down at 4H, the
  // GLU pointwise H x 2H, pointwise H x H) = 50,331,648 B and F32 9 H norms + 128 per-dim scale +
  // 5 x H depthwise kernel = 57,856 B; globals F32 convs 3x3x1x128 and 3x3x128x32 with norms and
  // the 1,024 x 1,024 input projection (4,347,136 B with the 1,536 output bias), F16 output
  // projection 1,024 x 1,536 and embedder 1,536 x 1,536 (7,864,320 B): 616,891,520 B.
  EXPECT_EQ(vision::audio_weight_bytes(m, vision::MmprojType::kF16), 616891520ull);
  // unsloth/gemma-4-E2B-it-GGUF mmproj-F16.gguf is 985,654,080 B (its Hugging Face size as a
  // model catalog recorded it): what runcheck loads is 112,496 B under it - the header, 1,411
  // tensor-info entries with their 32-byte alignment and the 480 clamp scalars, never allocated.
  const uint64_t mmproj = vision::weight_bytes(m, vision::MmprojType::kF16);
  EXPECT_EQ(985654080ull - mmproj, 112496ull);
}

TEST(Arch2026, Qwen35SmallModelsAddUpToTheirSafetensorsHeaders) {
  // The published safetensors headers of Qwen3.5-0.8B / 2B / 4B / 9B (as recorded by
  // KinChow/model-structure-viewer header-truth.json) count text, vision tower and the one MTP
  // block (its 15 tensors) together. The MTP block by hand: a gated full-attention layer (Q and
  // its gate E x 2 x heads x 256, K and V E x heads_kv x 256, O heads x 256 x E, two 256-wide
  // norms, two E-wide norms), the dense MLP 3 x E x F, the fc E x 2E and three E-wide norms.
  struct Case {
    const char* id;
    uint64_t hf_total;
    uint64_t mtp;
  };
  auto mtp = [](uint64_t E, uint64_t F, uint64_t q, uint64_t kv) {
    return E * q * 256 * 2 + 2 * E * kv * 256 + q * 256 * E + 2 * 256 + 2 * E + 3 * E * F +
           2 * E * E + 3 * E;
  };
  const Case cases[] = {{"qwen3.5-0.8b", 873438784, mtp(1024, 3584, 8, 2)},
                        {"qwen3.5-2b", 2274069824, mtp(2048, 6144, 8, 2)},
                        {"qwen3.5-4b", 4659865088, mtp(2560, 9216, 16, 4)},
                        {"qwen3.5-9b", 9653104368, mtp(4096, 12288, 16, 4)}};
  for (const Case& c : cases) {
    const ModelEntry& e = entry(c.id);
    const vision::Tensors v = vision::tensors(e.arch);
    EXPECT_EQ(e.parameters + v.matrix + v.f16 + v.f32 + v.conv + c.mtp, c.hf_total) << c.id;
  }
}

TEST(Arch2026, RerankersAreTheirOwnKind) {
  // bge-reranker-v2-m3 (XLM-RoBERTa classifier, llama.cpp arch bert). By hand: token_embd
  // 250,002 x 1,024; token types 1 x 1,024; positions 8,194 - (pad 1 + 1) = 8,192 x 1,024; the
  // embedding norm 2 x 1,024; 24 layers of Q/K/V/O 1,024^2 + bias, FFN 1,024 x 4,096 up and down
  // with biases, 2 LayerNorms; the classifier cls 1,024^2 + 1,024 and cls.output 1,024 + 1:
  // 567,753,729, the "model params = 567.75 M" llama.cpp prints for it (xorbitsai/inference
  // #5001), in 393 tensors as it loads.
  const ModelEntry& bge = entry("bge-reranker-v2-m3");
  EXPECT_EQ(bge.kind, "reranker");
  EXPECT_EQ(bge.parameters, 567753729ull);
  EXPECT_EQ(model_tensors(bge.arch).size(), 393u);
  EXPECT_EQ(bge.arch.context_length, 8192u);
  // Q8_0: matrices 34 B per 32; the position and token-type tables F32 (conversion/base.py), the
  // one-row cls.output F16, norms and biases F32: token_embd 272,002,176 + positions 33,554,432
  // + 24 x 13,422,592 + cls 1,114,112 + 4,096 + 2,048 + 4 + the token-type row and embedding
  // norm 12,288 = 628,831,364 B. The same load
  // prints "CPU model buffer size = 599.70 MiB" and mlocks a 628,834,304-byte (page-rounded)
  // buffer.
  const WeightPlan w = quantized_weights(bge.arch, FileType::Q8_0);
  EXPECT_EQ(w.total_bytes, 628831364ull);
  EXPECT_NEAR(static_cast<double>(w.total_bytes) / (1024.0 * 1024.0), 599.70, 0.005);
  EXPECT_LE(w.total_bytes, 628834304ull);
  // Qwen3-Reranker-0.6B: a Qwen3 decoder (vocab 151,669, tied) plus the 1,024 x 2 yes/no head
  // llama.cpp's converter writes: 595,778,560 parameters (Ollama lists the GGUF as "596M").
  const ModelEntry& qr = entry("qwen3-reranker-0.6b");
  EXPECT_EQ(qr.kind, "reranker");
  EXPECT_EQ(qr.arch.rank_labels, 2u);
  EXPECT_EQ(qr.parameters, 595778560ull);
  // Served with --reranking, every token of a batch is an output: the host output buffer holds
  // n_vocab + n_embd floats per token - the server's 2,048-token batch for the decoder,
  // (151,669 + 1,024) x 2,048 x 4 = 1,250,861,056 B; one 512-token micro-batch for the encoder,
  // (250,002 + 1,024) x 512 x 4 = 514,101,248 B.
  KvOptions o;
  o.n_ctx = 8192;
  o.pooled_outputs = true;
  EXPECT_EQ(pooled_output_buffer_bytes(qr.arch, o), 1250861056ull);
  EXPECT_EQ(pooled_output_buffer_bytes(bge.arch, o), 514101248ull);
  o.pooled_outputs = false;
  EXPECT_EQ(pooled_output_buffer_bytes(qr.arch, o), 0u);
  const json r = json::parse(handle_request(
      R"({"command":"estimate","model":"bge-reranker-v2-m3","quant":"Q8_0","context":8192,)"
      R"("hardware":"rtx-4090"})"));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["memory"]["kv_cache_bytes"], 0);
  EXPECT_TRUE(r["speed"]["decode_tps"].is_null());
  EXPECT_NE(r["commands"]["llama_server"].get<std::string>().find("--reranking"),
            std::string::npos);
}

TEST(Arch2026, Lfm2ShortConvolutionsFromItsConfig) {
  // LFM2-700M: 16 layers, attention at full_attn_idxs 2, 5, 8, 10, 12, 14 (24 Q / 8 KV heads of
  // 64, Q/K norms), short convolutions elsewhere (kernel 3: in_proj 1,536 x 4,608, out_proj
  // 1,536^2, conv 3 x 1,536); the FFN block_ff_dim 10,240 auto-adjusted: 2/3 -> 6,826, up to a
  // multiple of 256 -> 6,912 (conversion/lfm2.py), SwiGLU on every layer; tied 65,536-token
  // embedding. By hand: 742,489,344 parameters, the model card's figure and llama-bench's
  // "742.49 M" (llama.cpp PR #16204).
  const ModelEntry& e = entry("lfm2-700m");
  EXPECT_EQ(e.arch.feed_forward_length, 6912u);
  EXPECT_EQ(e.parameters, 742489344ull);
  // Cache: 6 attention layers x 8 x 64 x (K + V) x 2 B = 12,288 B per token; each of the 10 conv
  // layers keeps (3 - 1) x 1,536 f32 per sequence (llama_hparams::n_embd_r): 122,880 B.
  KvOptions o;
  o.n_ctx = 32768;
  EXPECT_EQ(total_kv(e.arch, o), 12288ull * 32768);
  EXPECT_EQ(total_recurrent(e.arch, o), 122880ull);
}

TEST(Arch2026, Glm45KeepsItsNextnBlockInTheCacheButNotInMemory) {
  // GLM-4.5/4.6/4.7 (llama.cpp glm4moe): conversion/glm.py writes num_hidden_layers +
  // num_nextn_predict_layers blocks; the loader skips the nextn block's weights ("model has
  // unused tensor blk.92... -- ignoring") but create_memory sets no layer filter for glm4moe, so
  // the KV cache has a row for it. A published GLM-4.5-Air run (46 + 1 blocks, 8 KV heads of 128;
  // llama.cpp PR 14939, ik_llama.cpp build) prints "KV self size = 752.00 MiB" at n_ctx 4096, f16:
  // 47 x 4,096 x (8 x 128 x 2) x 2 B = 752 MiB. 46 layers would be 736 MiB.
  const nlohmann::json air = {{"model_type", "glm4_moe"},
                              {"hidden_size", 4096},
                              {"num_hidden_layers", 46},
                              {"num_attention_heads", 96},
                              {"num_key_value_heads", 8},
                              {"head_dim", 128},
                              {"intermediate_size", 10944},
                              {"moe_intermediate_size", 1408},
                              {"n_routed_experts", 128},
                              {"num_experts_per_tok", 8},
                              {"n_shared_experts", 1},
                              {"first_k_dense_replace", 1},
                              {"num_nextn_predict_layers", 1},
                              {"vocab_size", 151552},
                              {"max_position_embeddings", 131072}};
  auto m = model_from_hf_config(air, "config");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().block_count, 47u);
  KvOptions o;
  o.n_ctx = 4096;
  EXPECT_EQ(total_kv(m.value(), o), 752ull * test::kMiB);
  // No tensor of the skipped block 46 is counted.
  for (const auto& t : model_tensors(m.value()))
    EXPECT_NE(t.name.rfind("blk.46.", 0), 0u) << t.name;
  // The catalog's GLM-4.5: 92 + 1 blocks, 93 KV layers, parameters of the 92 loaded ones.
  const ModelArch& g = entry("glm-4.5").arch;
  EXPECT_EQ(g.block_count, 93u);
  EXPECT_EQ(g.skipped_tail_layers, 1u);
  EXPECT_EQ(total_kv(g, o), 93ull * 4096 * 4096);
}

TEST(Arch2026, LagunaHasMoreQueryHeadsOnSlidingLayers) {
  // Laguna XS.2 (llama.cpp src/models/laguna.cpp): 40 layers, full at il % 4 == 0 with 48 query
  // heads, sliding (512 tokens) with 64; 8 KV heads of 128 on all. KV f16 at 32,768 tokens:
  // 10 full x 32,768 x 4,096 B = 1,342,177,280; 30 sliding x (512 + 512) cells x 4,096 B =
  // 125,829,120.
  const ModelArch& m = entry("laguna-xs.2").arch;
  EXPECT_EQ(m.q_heads(0), 48u);
  EXPECT_EQ(m.q_heads(1), 64u);
  KvOptions o;
  o.n_ctx = 32768;
  EXPECT_EQ(total_kv(m, o), 1342177280ull + 125829120ull);
  // Weights by hand: per layer attn_norm 2,048 + Q 2,048 x heads x 128 + K, V 2,048 x 1,024 each
  // + O heads x 128 x 2,048 + Q/K norms 2 x 128 + the gate 2,048 x heads; layer 0 a dense SwiGLU
  // of 8,192, the others a router 2,048 x 256 with its 256 biases, 256 experts and one shared
  // expert of 512 (3 x 2,048 x 512 each), each with ffn_norm 2,048; embeddings and output
  // 2 x 100,352 x 2,048 + the output norm: 33,442,617,088.
  EXPECT_EQ(entry("laguna-xs.2").parameters, 33442617088ull);
}

TEST(Arch2026, MimoV2FlashSlidingLayersHaveMoreKvHeadsAndSinks) {
  // MiMo-V2-Flash (llama.cpp src/models/mimo2.cpp): keys 192, values 128 wide on all 48 layers;
  // hybrid_layer_pattern puts a 128-token window on 39 layers with 8 KV heads (and attention
  // sinks), the 9 full layers have 4. KV f16 at 32,768 tokens: 9 x 32,768 x 4 x (192 + 128) x
  // 2 B = 754,974,720; 39 sliding layers keep 128 + 512 = 640 cells, padded to 256: 768 x 8 x
  // 320 x 2 B = 153,354,240.
  const ModelArch& m = entry("mimo-v2-flash").arch;
  EXPECT_EQ(std::count(m.layers.begin(), m.layers.end(), LayerKind::kSlidingAttention), 39);
  KvOptions o;
  o.n_ctx = 32768;
  EXPECT_EQ(total_kv(m, o), 754974720ull + 153354240ull);
  // By hand from the config: attention per layer 4,096 + Q 4,096 x 64 x 192 + K 4,096 x kv x 192
  // + V 4,096 x kv x 128 + O 64 x 128 x 4,096 (+ 64 sinks on sliding layers); layer 0 a dense
  // SwiGLU of 16,384, the others router 4,096 x 256, 256 biases and 256 experts of 2,048, each
  // with ffn_norm; embeddings and output 2 x 152,576 x 4,096 + output norm: 308,778,780,864.
  EXPECT_EQ(entry("mimo-v2-flash").parameters, 308778780864ull);
}

TEST(Arch2026, Gemma3_270mParametersAndItsWindowCache) {
  // Gemma 3 270M (gemma3, tied output): by hand from the config, embeddings 262,144 x 640 =
  // 167,772,160; per layer Q 640 x 1,024 + K and V 640 x 256 each + O 1,024 x 640 = 1,638,400,
  // SwiGLU 3 x 640 x 2,048 = 3,932,160, norms 4 x 640 + Q/K norms 2 x 256 = 3,072; 18 layers =
  // 100,325,376; output norm 640: 268,098,176 (Google: 170M embedding + 100M block parameters).
  EXPECT_EQ(entry("gemma-3-270m").parameters, 268098176ull);
  // KV f16 at 32,768 tokens: 3 full layers x 32,768 x (256 + 256) x 2 B = 100,663,296; 15
  // sliding layers keep 512 + 512 cells (window + ubatch, padded to 256): 15 x 1,024 x 1,024 B =
  // 15,728,640.
  const ModelArch& m = entry("gemma-3-270m").arch;
  KvOptions o;
  o.n_ctx = 32768;
  EXPECT_EQ(total_kv(m, o), 100663296ull + 15728640ull);
}

}  // namespace runcheck

namespace runcheck {
namespace {

// Granite 4.0 hybrid (granitehybrid: Mamba2 or attention mixer, then an MoE FFN with a shared
// expert, in every one of 40 layers; tied embeddings). llama.cpp prints "model params = 32.21 B"
// for H-Small (ollama issue #12982) and "6.94 B" for H-Tiny (koboldcpp issue #1781, llama.cpp PR
// #20795). By hand for H-Small (E 4096, vocab 100,352): a Mamba2 layer is attn_norm E + ssm_in
// E x (2 x 8192 + 2 x 128 + 128) + conv 4 x 8448 + its bias 8448 + dt/A/D 3 x 128 + norm 8192 +
// out 8192 x E = 101,785,728; an attention layer E + 4096 x 4096 x 2 + 2 x 4096 x 1024 =
// 41,947,136; the FFN ffn_norm E + router E x 72 + experts 3 x E x 768 x 72 + shared 3 x E x
// 1536 = 698,126,336. 36 x 101,785,728 + 4 x 41,947,136 + 40 x 698,126,336 + embeddings
// 100,352 x 4096 + output_norm 4096 = 32,207,337,984 (an untied output would add 411 M: 32.62 B).
TEST(Arch2026, Granite4HybridCountsWhatLlamaCppPrints) {
  const ModelEntry& s = entry("granite-4.0-h-small");
  EXPECT_EQ(s.arch.arch, "granitehybrid");
  EXPECT_EQ(s.parameters, 32207337984ull);
  EXPECT_EQ(entry("granite-4.0-h-tiny").parameters, 6939037248ull);
  // KV on the 4 attention layers (8 KV heads x 128, f16): 4 x 2 x 1024 x 2 B = 16 KiB per token;
  // each of the 36 Mamba2 layers keeps (4 - 1) x (8192 + 2 x 128) + 128 x 8192 = 1,073,920 f32.
  KvOptions o;
  o.n_ctx = 131072;
  uint32_t kv_layers = 0;
  EXPECT_EQ(total_kv(s.arch, o, &kv_layers), 131072ull * 16384);
  EXPECT_EQ(kv_layers, 4u);
  EXPECT_EQ(total_recurrent(s.arch, o), 36ull * 1073920 * 4);
}

// GLM-4.7-Flash (glm4_moe_lite) is converted as DeepSeek-V2 (conversion/glm.py
// Glm4MoeLiteModel): its cache is the MLA latent, kv_lora_rank 512 + rope 64 values per token
// and layer, 47 layers x 576 x 2 B (f16) = 54,144 B per token. Its tensor count, 29.94 B, is
// what Ollama's library page shows for glm-4.7-flash (29.9B).
TEST(Arch2026, Glm47FlashIsMlaAsLlamaCppConvertsIt) {
  const ModelEntry& e = entry("glm-4.7-flash");
  EXPECT_EQ(e.arch.arch, "deepseek2");
  EXPECT_TRUE(e.arch.is_mla());
  KvOptions o;
  o.n_ctx = 32768;
  EXPECT_EQ(total_kv(e.arch, o), 32768ull * 47 * 576 * 2);
  EXPECT_NEAR(static_cast<double>(e.parameters) / 1e9, 29.9, 0.05);
  // GLM-4.7 keeps GLM-4.5's layout (the same tensors), with a longer context.
  EXPECT_EQ(entry("glm-4.7").parameters, entry("glm-4.5").parameters);
  EXPECT_EQ(entry("glm-4.7").arch.context_length, 202752u);
}

// Jamba v0.1 (llama.cpp src/models/jamba.cpp) from its published config: attention on layers
// 4, 12, 20, 28 (attn_layer_period 8, offset 4), Mamba v1 on the other 28; 16 experts top-2 on
// odd layers (expert_layer_period 2, offset 1), a dense MLP on even ones. By hand, E 4096, d_inner
// 8192, d_state 16, dt_rank 256, conv 4, FFN 14,336, vocab 65,536 (untied):
//   Mamba mixer: attn_norm 4096 + in 4096 x 16384 + conv 4 x 8192 + 8192 + x_proj 8192 x 288 +
//     dt_norm 256 + dt 256 x 8192 + 8192 + B/C norms 32 + A 16 x 8192 + D 8192 + out 8192 x 4096
//     = 106,225,952; attention: 4096 + 2 x 4096^2 + 2 x 4096 x 1024 = 41,947,136;
//   MoE FFN: ffn_norm 4096 + router 4096 x 16 + 3 x 4096 x 14336 x 16 = 2,818,641,920;
//   dense FFN: 4096 + 3 x 4096 x 14336 = 176,164,864;
//   28 x 106,225,952 + 4 x 41,947,136 + 16 x (2,818,641,920 + 176,164,864) + 2 x 65,536 x 4096
//   + 4096 = 51,570,323,328 (AI21 calls it a 52B model).
TEST(Arch2026, JambaMambaV1AndAlternatingExpertsCountByHand) {
  const ModelEntry& e = entry("jamba-v0.1");
  EXPECT_EQ(e.arch.arch, "jamba");
  EXPECT_EQ(e.parameters, 51570323328ull);
  EXPECT_EQ(std::count(e.arch.layers.begin(), e.arch.layers.end(), LayerKind::kFullAttention), 4);
  EXPECT_TRUE(e.arch.layer_is_moe(1));
  EXPECT_FALSE(e.arch.layer_is_moe(0));
  // Mamba v1 state per layer and sequence: conv (4 - 1) x 8192 + SSM 16 x 8192 f32 = 622,592 B.
  KvOptions o;
  o.n_ctx = 8192;
  EXPECT_EQ(total_recurrent(e.arch, o), 28ull * 622592);
  EXPECT_EQ(total_kv(e.arch, o), 4ull * 8192 * 2 * 1024 * 2);
}

// Falcon-H1 0.5B (llama.cpp src/models/falcon-h1.cpp) from its config: every layer holds attention
// and a Mamba2 mixer. By hand (E 1024, 24 Mamba heads x 64 = 1536, 1 group, state 128, conv 4
// with bias, no gated norm; 8 Q / 2 KV heads of 64; MLP 2048; vocab 32,784, untied): Mamba2
// ssm_in 1024 x (1536 + 1792 + 24) + conv 4 x 1792 + 1792 + dt/A/D 3 x 24 + out 1536 x 1024 =
// 5,013,576; attention 1024 x 512 + 2 x 1024 x 128 + 512 x 1024 = 1,310,720; norms 2 x 1024; MLP
// 3 x 1024 x 2048 = 6,291,456: 12,617,800 per layer, x 36 + 2 x 32,784 x 1024 + 1024 =
// 521,411,104.
TEST(Arch2026, FalconH1CountsMixerAndAttentionInEveryLayer) {
  const ModelEntry& e = entry("falcon-h1-0.5b");
  EXPECT_EQ(e.arch.arch, "falcon-h1");
  EXPECT_EQ(e.parameters, 521411104ull);
  KvOptions o;
  o.n_ctx = 8192;
  EXPECT_EQ(total_kv(e.arch, o), 8192ull * 18432);  // 18,432 B per token over the 36 layers
  EXPECT_EQ(total_recurrent(e.arch, o), 36ull * 807936);
}

}  // namespace
}  // namespace runcheck
