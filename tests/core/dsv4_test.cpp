// DeepSeek-V4 (issue 16): parameters from the catalog's verbatim configs against the count
// llama.cpp prints, and its compressed key cache (llama.cpp 3f545be llama_kv_cache_dsv4) by hand
// against the sizes published load logs print.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hf_config.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "runcheck/model.h"
#include "test_util.h"

namespace runcheck {
namespace {

using test::kMiB;

const ModelArch& arch(const char* id) {
  const ModelEntry* e = builtin_catalog().model(id);
  EXPECT_NE(e, nullptr) << id;
  static const ModelArch kEmpty{};
  return e ? e->arch : kEmpty;
}

// Sums over the layers: (raw-only, CSA, HCA) layer counts and the keys / compressor state.
struct Sums {
  uint32_t raw = 0, csa = 0, hca = 0;
  uint64_t keys = 0, state = 0;
};
Sums sums(const ModelArch& m, const KvOptions& o) {
  Sums s;
  for (uint32_t il = 0; il < m.block_count; ++il) {
    const uint32_t r = m.compress_ratio(il);
    (r == 4 ? s.csa : r == 128 ? s.hca : s.raw)++;
    s.keys += kv_layer_bytes(m, il, o);
    s.state += recurrent_layer_bytes(m, il, o);
  }
  return s;
}

TEST(DeepSeekV4, FlashAndProParametersByHand) {
  // Flash (43 layers, hidden 4096, 64 heads of 512, q LoRA 1024, 8 output groups of rank 1024,
  // hc_mult 4, 256 experts of 2048 + 1 shared, top 6, 3 hash layers, vocabulary 129,280):
  // embeddings and output 2 x 4096 x 129,280 = 1,059,061,760; per layer attention 41,947,200
  // (q_a 4096x1024, q_b 1024x32768, kv 4096x512, output_a 4096x8192, output_b 8192x4096, sinks
  // and norms) + hyper-connections 2 x (16384 x 24 + 24 + 3) = 786,486 + experts 256 x 3 x
  // 4096 x 2048 = 6,442,450,944 + shared 25,165,824 + router 1,048,576 + norms; CSA layers add
  // the 2 x 4096 x 1024 compressor, its 1024 x 4 position table and the indexer (4096 x 64,
  // 1024 x 8192, 2 x 4096 x 256, 256 x 4, 128); HCA layers a 2 x 4096 x 512 compressor and a
  // 512 x 128 table; the first 3 layers hold an int32 6 x 129,280 hash table instead of the
  // 256-wide router bias. Total 284,334,567,511: llama.cpp prints "model params = 284.33 B"
  // for it (issue #27680). Pro by the same rules: 1,572,999,528,803 (published as "1.6T").
  const ModelArch& f = arch("deepseek-v4-flash");
  EXPECT_EQ(f.arch, "deepseek4");
  EXPECT_EQ(parameter_count(f), 284334567511u);
  EXPECT_EQ(parameter_count(arch("deepseek-v4-pro")), 1572999528803u);
  // 13 B active, as published: 6 of 256 experts.
  EXPECT_NEAR(static_cast<double>(active_parameter_count(f)) / 1e9, 13, 0.5);
}

TEST(DeepSeekV4, FlashKeyCacheMatchesPublishedLoadLogs) {
  const ModelArch& m = arch("deepseek-v4-flash");
  KvOptions o;
  o.n_ctx = 131072;
  o.n_ubatch = 512;
  // llama.cpp issue #25468 (ctx 131072, ubatch 512, f16): raw SWA 32.25 MiB, CSA 672 MiB, HCA
  // 20 MiB, lightning indexer 168 MiB. By hand: the window 128 + 512 = 640 cells, padded to 768,
  // x 512 x 2 B x 43 layers = 32.25 MiB; CSA 131072 / 4 = 32,768 cells x 1024 B x 21 layers =
  // 672 MiB; HCA 1,024 cells x 1024 B x 20 = 20 MiB; indexer 32,768 x 128 x 2 B x 21 = 168 MiB.
  const Sums s = sums(m, o);
  EXPECT_EQ(s.raw, 2u);
  EXPECT_EQ(s.csa, 21u);
  EXPECT_EQ(s.hca, 20u);
  EXPECT_EQ(s.keys, static_cast<uint64_t>((32.25 + 672 + 20 + 168) * kMiB));
  EXPECT_EQ(kv_layer_bytes(m, 0, o), 768u * 1024);  // a raw-only layer: the window alone
  EXPECT_EQ(kv_layer_bytes(m, 3, o), 768u * 1024 + 1024u * 1024);  // HCA
  // The compressors' F32 state, one sequence (issue #27680 prints csa 1.31, hca 10.00, lid
  // 0.33 MiB): csa 2 x 1024 x 8 x 4 B x 21 = 1,376,256; hca 2 x 512 x 128 x 4 B x 20 =
  // 10,485,760; lid 2 x 256 x 8 x 4 B x 21 = 344,064.
  EXPECT_EQ(s.state, 1376256u + 10485760u + 344064u);

  // Issue #27680 (n_ctx_seq 64000, bf16): "SWA KV cache, size = 4352 cells", "CUDA0 KV buffer
  // size = 182.75 MiB" over 43 layers; 4,352 = 128 + an n_ubatch of 4,096, padded to 256.
  o.n_ctx = 64000;
  o.n_ubatch = 4096;
  o.type_k = o.type_v = GgmlType::BF16;
  EXPECT_EQ(kv_layer_bytes(m, 0, o), 4352u * 1024);
  EXPECT_EQ(43u * kv_layer_bytes(m, 0, o), static_cast<uint64_t>(182.75 * kMiB));
  // Its compressed parts: 16,000 CSA cells padded to 16,128, 500 HCA cells to 512.
  EXPECT_EQ(kv_layer_bytes(m, 2, o), (4352u + 16128u) * 1024 + 16128u * 256);
  EXPECT_EQ(sums(m, o).state, 1376256u + 10485760u + 344064u);  // the state does not scale

  // One stream per sequence even when unified: two sequences double every part.
  KvOptions two = o;
  two.n_seq = 2;
  const Sums a = sums(m, o), b = sums(m, two);
  EXPECT_EQ(b.keys, 2 * a.keys);
  EXPECT_EQ(b.state, 2 * a.state);
  // --swa-full keeps the whole context of raw keys.
  KvOptions full = o;
  full.swa_full = true;
  EXPECT_EQ(kv_layer_bytes(m, 0, full), 64000u * 1024);
}

TEST(DeepSeekV4, EstimateCountsTheCacheAndRefusesOtherRuntimes) {
  using nlohmann::json;
  const auto run = [](json q) {
    q["command"] = "estimate";
    q["inverse"] = false;
    return json::parse(handle_request(q.dump()));
  };
  const json r = run({{"model", "deepseek-v4-flash"},
                      {"quant", "Q4_K_M"},
                      {"hardware", "rtx-3090"},
                      {"context", 131072}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  // 892.25 MiB of keys + 11.640625 MiB of state.
  EXPECT_EQ(r["memory"]["kv_cache_bytes"].get<uint64_t>(),
            static_cast<uint64_t>(892.25 * kMiB) + 12206080u);
  const json v = run({{"model", "deepseek-v4-flash"},
                      {"quant", "FP8"},
                      {"hardware", "h100-pcie"},
                      {"runtime", "vllm"},
                      {"context", 8192}});
  EXPECT_EQ(v["error"]["field"], "runtime") << v.dump();
}

TEST(DeepSeekV4, CompressRatiosMustBeZeroFourOr128ForEveryLayer) {
  using nlohmann::json;
  json cfg = {{"model_type", "deepseek_v4"},
              {"num_hidden_layers", 3},
              {"hidden_size", 64},
              {"num_attention_heads", 4},
              {"num_key_value_heads", 1},
              {"head_dim", 32},
              {"vocab_size", 100},
              {"max_position_embeddings", 1024},
              {"q_lora_rank", 16},
              {"qk_rope_head_dim", 8},
              {"index_n_heads", 2},
              {"index_head_dim", 16},
              {"sliding_window", 8},
              {"hc_mult", 2},
              {"o_groups", 2},
              {"o_lora_rank", 8},
              {"n_routed_experts", 4},
              {"num_experts_per_tok", 2},
              {"moe_intermediate_size", 16},
              {"compress_ratios", {0, 4, 128}}};
  const auto ok = model_from_hf_config(cfg, "config");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok.value().compress_ratios, "04h");
  cfg["compress_ratios"] = {0, 4, 5};
  auto bad = model_from_hf_config(cfg, "config");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "config.compress_ratios");
  EXPECT_NE(bad.error().message.find("[2] is 5"), std::string::npos) << bad.error().message;
  cfg["compress_ratios"] = {0, 4};
  bad = model_from_hf_config(cfg, "config");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "config.compress_ratios");
}

}  // namespace
}  // namespace runcheck
