// Speed: hand-checked bandwidth ceilings, bytes read, evidence labels, bands and the rules of the
// speed model (speed_accuracy_test.cpp holds the accuracy figures on published measurements).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "accuracy.h"
#include "engine_internal.h"
#include "runcheck/api.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

json speed(json req) {
  const json r = test::estimate_response(std::move(req));
  EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
  return r["speed"];
}

TEST(speed_test, ceiling_is_bandwidth_over_bytes_read) {
  // Llama-3-8B Q4_K_M on one RTX 4090: the GPU holds 4,617,396,224 B of weights (weights_test),
  // token_embd stays on the host and is read one row per token. At depth 0 the ceiling is
  // 1008 GB/s / 4,617,396,224 B = 218.30 tokens/s.
  const json s = speed(
      {{"model", "llama-3-8b"}, {"quant", "Q4_K_M"}, {"context", 8192}, {"hardware", "rtx-4090"}});
  EXPECT_NEAR(s["decode_ceiling_tps"].get<double>(), 1008e9 / 4617396224.0, 1e-6);
  EXPECT_LE(s["decode_tps"].get<double>(), s["decode_ceiling_tps"].get<double>());
  EXPECT_LE(s["decode_tps_high"].get<double>(), s["decode_ceiling_tps"].get<double>() + 1e-9);
  EXPECT_EQ(s["evidence"], "measured");
  ASSERT_FALSE(s["measured"].empty());
  EXPECT_NE(s["measured"][0]["source"].get<std::string>().find("github.com/XiongjieDai"),
            std::string::npos);
  // Deeper context reads more KV: decode slows down.
  const json& by = s["decode_by_context"];
  ASSERT_GE(by.size(), 3u);
  EXPECT_GT(by[0]["tps"].get<double>(), by[2]["tps"].get<double>());
}

// An embedding table is a lookup wherever it lives: a token reads one row of it. vLLM keeps it
// on the GPU, so the GPU's weights less the table are what a token reads. Llama 3.1 8B BF16 on an
// RTX 3090 (936.2 GB/s): the table is 128,256 x 4,096 x 2 B = 1,050,673,152 B. Llama 3.2 1B ties
// its output to the table: vLLM multiplies by it in place, so every byte is read.
TEST(speed_test, an_embedding_table_on_the_gpu_is_read_one_row_a_token) {
  auto run = [](const char* model) {
    const json r = json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", model},
        {"quant", "BF16"},
        {"context", 4096},
        {"hardware", "rtx-3090"},
        {"runtime", "vllm"}}.dump()));
    EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
    return std::make_pair(r["memory"]["devices"][0]["weights_bytes"].get<double>(),
                          r["speed"]["decode_ceiling_tps"].get<double>());
  };
  const auto [w8, c8] = run("llama-3.1-8b");
  EXPECT_NEAR(c8, 936.2e9 / (w8 - 1050673152.0), 1e-9);
  const auto [w1, c1] = run("llama-3.2-1b");
  EXPECT_NEAR(c1, 936.2e9 / w1, 1e-9);
}

// Without flash attention llama.cpp's decode attention runs one query head at a time and fetches
// that head's K and V rows again: Llama 3.1 8B has 32 query heads over 8 KV heads, so up to 3
// further reads of every cache row. The share of them that reaches memory is fitted per group
// (methodology: fa_off_kv_refetch_share); the slowdown with depth is then 1 + 3 x that share
// times the flash-attention one, the rest of the token's time unchanged. Metal's attention is
// bound by its score count instead (metal_depth_test.cpp): no share there.
TEST(speed_test, without_flash_attention_decode_reads_the_cache_once_per_query_head) {
  const json meth = json::parse(handle_request(R"({"command":"methodology"})"));
  std::map<std::string, double> share;
  for (const auto& f : meth["speed_fits"])
    if (!f["decode"].is_null() && !f["decode"]["fa_off_kv_refetch_share"].is_null())
      share[f["group"].get<std::string>()] = f["decode"]["fa_off_kv_refetch_share"].get<double>();
  EXPECT_EQ(share.count("vllm/cuda/lo"), 0u);  // vLLM's attention reads the cache once
  // Fitted where a group has at least kMinRefetchRuns such runs (CUDA's 2024 runs are all without
  // flash attention), else the default 1, and the core says which.
  for (const auto& f : meth["speed_fits"]) {
    if (f["group"] == "cuda/lo" || f["group"] == "vulkan/lo") {
      EXPECT_EQ(f["decode"]["fa_off_kv_refetch_fitted"].get<bool>(), f["group"] == "cuda/lo");
    }
  }
  EXPECT_EQ(share.count("metal/lo"), 0u);
  ASSERT_TRUE(share.count("cuda/lo"));
  auto slope = [](const char* hw, bool fa) {
    const json s = speed({{"model", "llama-3.1-8b"},
                          {"quant", "Q4_K_M"},
                          {"context", 32768},
                          {"hardware", hw},
                          {"flash_attn", fa}});
    const json& by = s["decode_by_context"];
    EXPECT_EQ(by[3]["depth"], 16384);
    return 1 / by[3]["tps"].get<double>() - 1 / by[0]["tps"].get<double>();
  };
  EXPECT_NEAR(slope("rtx-3090", false) / slope("rtx-3090", true), 1 + 3 * share["cuda/lo"], 1e-9);
  // By hand on the features: depth_x(r) = dx/dD + r x the further reads.
  SpeedFeatures f;
  f.decode_per_depth_s = 1e-9;
  f.decode_per_depth_refetch_s = 3e-9;
  EXPECT_DOUBLE_EQ(f.depth_x(0.5), 2.5e-9);
  EXPECT_DOUBLE_EQ(f.depth_x(0), 1e-9);
}

// Issue-bound decode (speed.h): a device's share of x is max(bytes / bandwidth, bytes / (SMs x
// boost clock x beta)). By hand: two devices in a row, 1 ms + 2 ms at bandwidth, the first 6 ms
// at one byte per SM-cycle. At beta 6 the first is 1 ms either way; at beta 3 it is 2 ms.
TEST(speed_test, issue_bound_takes_the_slower_of_bandwidth_and_instruction_issue) {
  SpeedFeatures f;
  f.decode_fixed_s = 3e-3;
  f.device_reads = {{1e-3, 6e-3}, {2e-3, 0}};
  EXPECT_DOUBLE_EQ(f.weights_x(0), 3e-3);  // no bound: bandwidth only
  EXPECT_DOUBLE_EQ(f.weights_x(6), 3e-3);
  EXPECT_DOUBLE_EQ(f.weights_x(3), 4e-3);
  f.reads_parallel = true;  // tensor split: the devices read at once
  EXPECT_DOUBLE_EQ(f.weights_x(3), 2e-3);
}

// Llama-3-8B Q4_K_M reads 4,617,396,224 B of weights a token on either card. An A100 80GB SXM
// has 2039 GB/s over 108 SMs at 1410 MHz: 13.4 B per SM-cycle to stream at its bandwidth. An
// RTX 4090 needs 1008 GB/s over 128 SMs at 2520 MHz: 3.1. The published 2024 runs (XiongjieDai)
// reached 135 tok/s on the A100 (31 % of its ceiling of 441.6) and 131 on the 4090 (60 % of
// 218.3): the fitted bound must sit between what the two cards need, so the A100 is bound by it
// and the 4090 is not.
TEST(speed_test, decode_is_issue_bound_where_bandwidth_per_sm_cycle_is_high) {
  const json m = json::parse(handle_request(R"({"command":"methodology"})"));
  double beta = 0;
  for (const auto& g : m["speed_fits"])
    if (g["group"] == "cuda/lo") beta = g["decode"]["issue_bytes_per_sm_cycle"].get<double>();
  EXPECT_GT(beta, 1008e9 / (128 * 2520e6));
  EXPECT_LT(beta, 2039e9 / (108 * 1410e6));
  const double bytes = 4617396224.0;
  const json a100 = speed({{"model", "llama-3-8b"},
                           {"quant", "Q4_K_M"},
                           {"context", 8192},
                           {"hardware", "a100-80gb-sxm"}});
  EXPECT_NEAR(a100["decode_ceiling_tps"].get<double>(), 2039e9 / bytes, 1e-6);
  EXPECT_LT(a100["decode_tps"].get<double>(), 108 * 1410e6 * beta / bytes);
  EXPECT_LT(a100["decode_tps"].get<double>(), 0.5 * a100["decode_ceiling_tps"].get<double>());
  EXPECT_LE(a100["decode_tps_low"].get<double>(), 135.04);
  EXPECT_GE(a100["decode_tps_high"].get<double>(), 135.04);
  const json rtx = speed(
      {{"model", "llama-3-8b"}, {"quant", "Q4_K_M"}, {"context", 8192}, {"hardware", "rtx-4090"}});
  EXPECT_GT(rtx["decode_tps"].get<double>(), 0.5 * rtx["decode_ceiling_tps"].get<double>());
  // ROCm runs llama.cpp's CUDA kernels (HIP): one bound for both. An MI50 (60 compute units at
  // 1746 MHz, 1024 GB/s: 9.8 B per CU-cycle at its bandwidth) is bound by it.
  for (const auto& g : m["speed_fits"]) {
    if (g["group"] == "rocm/lo") {
      EXPECT_EQ(g["decode"]["issue_bytes_per_sm_cycle"].get<double>(), beta);
    }
  }
  const json mi50 = speed({{"model", "llama-3-8b"},
                           {"quant", "Q4_K_M"},
                           {"context", 8192},
                           {"hardware", "mi50-32gb"},
                           {"backend", "rocm"}});
  EXPECT_LT(mi50["decode_tps"].get<double>(), 60 * 1746e6 * beta / bytes);
}

// Prefill's compute figure follows the kernels llama.cpp runs: quantized weights on CUDA go
// through MMQ on the INT8 tensor cores (INT8 TOPS / 4 on the GeForce scale), F16 weights through
// cuBLAS (the FP16 figure), and RDNA 3's quoted rate counts dual issue (halved). The ceiling is
// 4 x that figure / (2 x active parameters), so for one model the ratio of two cards' ceilings is
// the ratio of their figures.
TEST(speed_test, prefill_compute_figure_follows_the_kernels_llamacpp_runs) {
  auto ceiling = [](const char* hw, const char* quant) {
    return speed({{"model", "llama-3-8b"},
                  {"quant", quant},
                  {"context", 8192},
                  {"hardware", hw}})["prefill_ceiling_tps"]
        .get<double>();
  };
  // Q4_K_M: A100 80GB PCIe 624 / 4 = 156 against RTX 4090 660.6 / 4 = 165.15 (not 312 / 165.2).
  EXPECT_NEAR(ceiling("a100-80gb-pcie", "Q4_K_M") / ceiling("rtx-4090", "Q4_K_M"), 156 / 165.15,
              1e-6);
  // F16: cuBLAS at FP16 accumulate, INT8 / 2 on both (A100 312, RTX 4090 330.3), so the INT8
  // ratio again, not the FP32-accumulate figures' 312 / 165.2.
  EXPECT_NEAR(ceiling("a100-80gb-pcie", "F16") / ceiling("rtx-4090", "F16"), 624 / 660.6, 1e-6);
  // BF16: cuBLAS at FP32 accumulate, the dense FP16 figures 312 and 165.2.
  EXPECT_NEAR(ceiling("a100-80gb-pcie", "BF16") / ceiling("rtx-4090", "BF16"), 312 / 165.2, 1e-6);
  // RX 7900 XTX (RDNA 3, quoted FP16 122.8): 61.4 against the 4090's 165.15.
  EXPECT_NEAR(ceiling("rx-7900-xtx", "Q4_K_M") / ceiling("rtx-4090", "Q4_K_M"), 61.4 / 165.15,
              1e-6);
  // A GPU with an INT8 figure: RTX 4090 Q4_K_M ceiling = 660.6e12 / (2 x active parameters).
  const json s = speed(
      {{"model", "llama-3-8b"}, {"quant", "Q4_K_M"}, {"context", 8192}, {"hardware", "rtx-4090"}});
  EXPECT_GT(s["prefill_ceiling_tps"].get<double>(), 660.6e12 / (2 * 8.1e9));
  EXPECT_LT(s["prefill_ceiling_tps"].get<double>(), 660.6e12 / (2 * 6.9e9));
}

// Legacy block types (Q4_0 ...) get their own prefill factor on Metal only, fitted from the
// calibration's runs (llama.cpp discussion 4167: Q4_0 at 1.1-1.5x the K-quant fit on M1-M4), and
// the estimate says so; on CUDA, MMQ turns every type into the same int8 tiles and nothing changes.
TEST(speed_test, legacy_quants_have_their_own_prefill_factor_on_metal) {
  auto says = [](const char* hw) {
    const json r = json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", "llama-2-7b"},
        {"quant", "Q4_0"},
        {"context", 4096},
        {"hardware", hw}}.dump()));
    for (const auto& a : r["assumptions"])
      if (a.get<std::string>().find("legacy block types") != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(says("apple-m2-max-38c"));
  EXPECT_FALSE(says("rtx-4090"));
  const json q4 = speed({{"model", "llama-2-7b"},
                         {"quant", "Q4_0"},
                         {"context", 4096},
                         {"hardware", "apple-m2-max-38c"}});
  const json q41 = speed({{"model", "llama-2-7b"},
                          {"quant", "Q4_1"},
                          {"context", 4096},
                          {"hardware", "apple-m2-max-38c"}});
  const json qk = speed({{"model", "llama-2-7b"},
                         {"quant", "Q4_K_S"},
                         {"context", 4096},
                         {"hardware", "apple-m2-max-38c"}});
  // Q4_0 and Q4_K_S have near equal FLOPs per token: the legacy type's prefill is faster.
  EXPECT_GT(q4["prefill_tps"].get<double>(), qk["prefill_tps"].get<double>());
  EXPECT_GT(q41["prefill_tps"].get<double>(), qk["prefill_tps"].get<double>());
}

// MoE prefill: each expert's matmul runs on the tokens of a micro-batch routed to it, and each
// expert the micro-batch touches pays moe_t0 tokens' worth more on the weight FLOPs term.
// gpt-oss-20b routes 4 of 32 experts: 512 x 4 / 32 = 64 tokens an expert, every expert touched,
// so with t0 = 32 the term is 1 + 32 / 64 = 1.5x the dense one; a 100-token prompt gives 12.5
// tokens an expert and touches 1 - (28/32)^100 of them, 1 + 32 x 0.999998 / 12.5 = 3.56x; a
// 4-token prompt touches 1 - (28/32)^4 = 0.4138 of them with half a token each, 1 + 32 x 0.4138
// / 0.5 = 27.48x (of a term that is tiny for 4 tokens); a dense model has no factor.
TEST(speed_test, moe_prefill_pays_a_per_expert_cost_on_its_share_of_the_micro_batch) {
  SpeedFeatures f;
  f.n_ubatch = 512;
  f.expert_route_share = 4.0 / 32;
  SpeedFit fit;
  fit.moe_t0 = 32;
  EXPECT_DOUBLE_EQ(f.expert_batch(512), 64);
  EXPECT_DOUBLE_EQ(f.expert_batch(4096), 64);  // a micro-batch is at most n_ubatch tokens
  EXPECT_NEAR(fit.moe_factor(f, 512), 1.5, 1e-12);
  EXPECT_NEAR(fit.moe_factor(f, 100), 3.559996, 1e-6);
  EXPECT_NEAR(f.experts_touched(4), 0.413818359375, 1e-12);
  EXPECT_NEAR(fit.moe_factor(f, 4), 27.484375, 1e-9);
  SpeedFeatures dense = f;
  dense.expert_route_share = 0;
  EXPECT_DOUBLE_EQ(fit.moe_factor(dense, 512), 1.0);
  // A short prompt reads the experts its tokens are routed to: 16 tokens each picking 8 of 128
  // touch 1 - (120/128)^16 = 0.6439 of them. With 1 ms for a decode step's read and 10 ms for
  // all experts, the floor is (1 + 10 x (0.6439 - 0.0625)) / 16 = 0.4259 ms a token; 512 tokens
  // touch them all, (1 + 10 x 0.9375) / 512 ms. A dense model's floor is its one pass / N.
  SpeedFeatures q3 = f;
  q3.expert_route_share = 8.0 / 128;
  q3.decode_fixed_s = 1e-3;
  q3.experts_x = 10e-3;
  EXPECT_NEAR(q3.prefill_floor_s(16), 4.258912e-4, 1e-9);
  EXPECT_NEAR(q3.prefill_floor_s(512), 2.0263672e-5, 1e-11);
  dense.decode_fixed_s = 1e-3;
  dense.experts_x = 0;
  EXPECT_DOUBLE_EQ(dense.prefill_floor_s(16), 1e-3 / 16);
  // The estimate says what it applied, with the tokens an expert gets at its prompt.
  const json r = test::estimate_response(
      {{"model", "gpt-oss-20b"}, {"quant", "MXFP4"}, {"context", 4096}, {"hardware", "rtx-3090"}});
  bool said = false;
  for (const auto& a : r["assumptions"])
    said = said || a.get<std::string>().find("each expert's matmul runs on the 64.0 tokens") !=
                       std::string::npos;
  EXPECT_TRUE(said) << r["assumptions"].dump();
}

// A runtime with its own kernels and no decode run of the model: the band reaches the
// bandwidth ceiling (its fit rests on a handful of models, whose efficiency differs 2x on one
// card). llama.cpp's fit, with runs of a hundred models, keeps its band.
TEST(speed_test, a_runtime_without_runs_of_the_model_bands_decode_up_to_the_ceiling) {
  auto note = [](const json& r) {
    for (const auto& a : r["assumptions"])
      if (a.get<std::string>().find("the upper edge is the bandwidth ceiling") != std::string::npos)
        return true;
    return false;
  };
  auto vllm_on_5090 = [](const char* model, const char* quant) {
    return test::estimate_response({{"model", model},
                                    {"quant", quant},
                                    {"context", 4096},
                                    {"hardware", "rtx-5090"},
                                    {"runtime", "vllm"}});
  };
  const json unseen = vllm_on_5090("llama-3.1-8b", "AWQ-4bit");
  EXPECT_TRUE(note(unseen)) << unseen["assumptions"].dump();
  EXPECT_DOUBLE_EQ(unseen["speed"]["decode_tps_high"].get<double>(),
                   unseen["speed"]["decode_ceiling_tps"].get<double>());
  EXPECT_LT(unseen["speed"]["decode_tps"].get<double>(),
            unseen["speed"]["decode_ceiling_tps"].get<double>());
  // vLLM has published runs of Qwen3.6-35B-A3B on this card: no such note.
  const json seen = vllm_on_5090("qwen3.6-35b-a3b", "GPTQ-4bit");
  EXPECT_FALSE(note(seen)) << seen["assumptions"].dump();
  const json cpp = test::estimate_response({{"model", "llama-3.1-8b"},
                                            {"quant", "Q4_K_M"},
                                            {"context", 4096},
                                            {"hardware", "rtx-5090"}});
  EXPECT_FALSE(note(cpp));
  EXPECT_LT(cpp["speed"]["decode_tps_high"].get<double>(),
            cpp["speed"]["decode_ceiling_tps"].get<double>());
}

// A CPU-backend run on a machine with a GPU is refused, naming the field: the engine would
// otherwise answer with the GPU's figures.
TEST(speed_test, cpu_backend_on_a_gpu_machine_is_refused) {
  const json r = json::parse(handle_request(
      R"({"command":"estimate","model":"llama-3.2-1b","hardware":"apple-m4-max-40c","backend":"cpu"})"));
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["field"], "backend");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("CPU-only"), std::string::npos);
}

// K requests arriving together: prefill is compute-bound, so the last waits for all K prompts
// and the average one for (K + 1) / 2 of them; both add one K-sequence decode step. So
// last - mean = (K - 1) / 2 x prompt / prefill rate, and the band of the last scales with the
// prefill band.
TEST(speed_test, first_token_under_load_waits_for_the_other_prompts) {
  const json s = speed({{"model", "qwen3-8b"},
                        {"quant", "Q4_K_M"},
                        {"context", 8192},
                        {"hardware", "rtx-4090"},
                        {"parallel", 4},
                        {"prompt", 2000}});
  const double one = 2000 / s["prefill_tps"].get<double>();
  EXPECT_NEAR(s["aggregate_ttft_last_seconds"].get<double>() -
                  s["aggregate_ttft_mean_seconds"].get<double>(),
              1.5 * one, 1e-9);
  const double step = s["aggregate_ttft_last_seconds"].get<double>() - 4 * one;
  EXPECT_GT(step, 0);
  EXPECT_NEAR(s["aggregate_ttft_last_seconds_high"].get<double>(),
              4 * 2000 / s["prefill_tps_low"].get<double>() + step, 1e-9);
  EXPECT_NEAR(s["aggregate_ttft_last_seconds_low"].get<double>(),
              4 * 2000 / s["prefill_tps_high"].get<double>() + step, 1e-9);
  EXPECT_EQ(s["aggregate_evidence"], "estimated");
}

TEST(speed_test, moe_reads_only_active_experts) {
  // Qwen3-30B-A3B: 8 of 128 experts per token. All on an 80 GB card, the ceiling must be far
  // above bandwidth / total weights (a dense read) - within 2x of bandwidth / active weights.
  const json r = json::parse(handle_request(json{
      {"command", "estimate"},
      {"model", "qwen3-30b-a3b"},
      {"quant", "Q4_K_M"},
      {"context", 4096},
      {"hardware", "a100-80gb-pcie"},
      {"inverse", false}}.dump()));
  const double weights = r["memory"]["weights_bytes"].get<double>();
  const double ceiling = r["speed"]["decode_ceiling_tps"].get<double>();
  EXPECT_GT(ceiling, 5.0 * 1935e9 / weights);
  EXPECT_LE(r["speed"]["decode_tps"].get<double>(), ceiling);
}

TEST(speed_test, never_above_the_ceiling_without_measurements) {
  // Cases with no measurement of their own: a GPU absent from the benchmarks, MoE offload, CPU
  // only, an Apple Ultra, two GPUs, partial offload. Every figure stays under the ceiling.
  const json cases[] = {
      {{"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"}, {"hardware", "rtx-5080"}},
      {{"model", "qwen3-30b-a3b"},
       {"quant", "Q4_K_M"},
       {"hardware", "rtx-4060-ti-8gb"},
       {"ram_gb", 64}},
      {{"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"}, {"hardware", "cpu-ddr5-6000-2ch"}},
      {{"model", "llama-3.3-70b"},
       {"quant", "Q4_K_M"},
       {"hardware", "apple-m3-ultra-80c"},
       {"ram_gb", 256}},
      {{"model", "llama-3.1-70b"}, {"quant", "Q4_K_M"}, {"hardware", "rtx-3090x2"}},
      {{"model", "llama-3.1-70b"}, {"quant", "Q4_K_M"}, {"hardware", "rtx-4090"}, {"ram_gb", 64}},
  };
  for (const auto& c : cases) {
    const json s = speed(c);
    ASSERT_TRUE(s["decode_tps"].is_number()) << c.dump() << s.dump();
    EXPECT_GT(s["decode_tps"].get<double>(), 0) << c.dump();
    EXPECT_LE(s["decode_tps"].get<double>(), s["decode_ceiling_tps"].get<double>()) << c.dump();
    EXPECT_LE(s["decode_tps_high"].get<double>(), s["decode_ceiling_tps"].get<double>() + 1e-9)
        << c.dump();
    EXPECT_LE(s["decode_tps_low"].get<double>(), s["decode_tps"].get<double>()) << c.dump();
    EXPECT_NE(s["evidence"], "measured") << c.dump();
  }
}

// A card's own decode runs do not scale its decode figure (speed_model.cpp says why): the RTX
// 4060 Ti 16GB, with 54 published runs, and the 8GB card, with none, share every figure decode
// reads (288 GB/s, 34 SMs at 2535 MHz, compute capability 8.9), and Llama 3.2 1B, which fits
// both, decodes alike on them. Prefill is still scaled by the 16GB card's runs.
TEST(speed_test, a_cards_own_runs_do_not_scale_its_decode) {
  auto run = [](const char* hw) {
    return speed({{"model", "llama-3.2-1b"}, {"quant", "Q4_K_M"}, {"hardware", hw}});
  };
  const json measured = run("rtx-4060-ti-16gb"), unmeasured = run("rtx-4060-ti-8gb");
  EXPECT_DOUBLE_EQ(measured["decode_tps"].get<double>(), unmeasured["decode_tps"].get<double>());
  EXPECT_DOUBLE_EQ(measured["decode_tps_low"].get<double>(),
                   unmeasured["decode_tps_low"].get<double>());
  EXPECT_TRUE(measured["scaled_by_hardware_measurements"].get<bool>());
  EXPECT_FALSE(unmeasured["scaled_by_hardware_measurements"].get<bool>());
  EXPECT_NE(measured["prefill_tps"].get<double>(), unmeasured["prefill_tps"].get<double>());
}

TEST(speed_test, evidence_labels) {
  // Another model on a measured GPU: its prefill scaled by that GPU's own measurements.
  json s = speed({{"model", "qwen2.5-7b"}, {"quant", "Q4_K_M"}, {"hardware", "rtx-4090"}});
  EXPECT_EQ(s["evidence"], "extrapolated");
  EXPECT_TRUE(s["scaled_by_hardware_measurements"].get<bool>());
  // A GPU with no measurement: the CUDA fit of similar hardware.
  s = speed({{"model", "qwen2.5-7b"}, {"quant", "Q4_K_M"}, {"hardware", "rtx-5070-ti"}});
  EXPECT_EQ(s["evidence"], "extrapolated");
  EXPECT_FALSE(s["scaled_by_hardware_measurements"].get<bool>());
  // A backend with no measurement at all (SYCL): formula with a borrowed fit, wider band.
  s = speed({{"model", "qwen2.5-7b"},
             {"quant", "Q4_K_M"},
             {"hardware", "arc-b580"},
             {"backend", "sycl"}});
  EXPECT_EQ(s["evidence"], "estimated");
  // A backend the card does not run is an error naming the field.
  const json r = json::parse(handle_request(
      R"({"command":"estimate","model":"qwen2.5-7b","hardware":"rtx-4090","backend":"metal"})"));
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["field"], "backend");
}

// The band's rules (split conformal, Mondrian strata), by hand. The group's own pool takes the
// finite-sample conformal ranks: of n ratios, the ceil((n+1) 0.975)-th smallest as the upper
// edge and the floor((n+1) 0.025)-th as the lower (ranks from 1, clamped to 1..n). A stratum
// with at least kMinStratumRows runs widens the band to its interpolated 2.5-97.5 % range.
TEST(speed_test, band_joins_the_spread_of_each_stratum_with_enough_runs) {
  // 20 ratios, rows 0-9 at 0.5, 0.6, ..., 1.4 and rows 10-19 at 1.0: ranks floor(21 x 0.025) = 0
  // -> 1 and ceil(21 x 0.975) = 21 -> 20, the extremes 0.5 and 1.4 (an interpolated percentile
  // would give 0.5475 and 1.3525, inside the runs it rests on).
  std::vector<std::pair<size_t, double>> small;
  for (size_t i = 0; i < 10; ++i) small.push_back({i, 0.5 + 0.1 * static_cast<double>(i)});
  for (size_t i = 10; i < 20; ++i) small.push_back({i, 1.0});
  const engine::GroupBand few = engine::band_of(small, SIZE_MAX);
  EXPECT_NEAR(few.low, 0.5, 1e-12);
  EXPECT_NEAR(few.high, 1.4, 1e-12);
  EXPECT_EQ(few.rows, 20u);
  // 100 ratios: the same ten, then 90 at 1.0. Ranks floor(101 x 0.025) = 2 and
  // ceil(101 x 0.975) = 99 of 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 x 91, 1.1, 1.2, 1.3, 1.4: 0.6 and 1.3.
  std::vector<std::pair<size_t, double>> pool = small;
  for (size_t i = 20; i < 100; ++i) pool.push_back({i, 1.0});
  const engine::GroupBand whole = engine::band_of(pool, SIZE_MAX);
  EXPECT_NEAR(whole.low, 0.6, 1e-12);
  EXPECT_NEAR(whole.high, 1.3, 1e-12);
  EXPECT_TRUE(whole.widened_by.empty());
  EXPECT_EQ(whole.rows, 100u);
  // The stratum (rows 0-9, n = 10): quantile() interpolates at q (n - 1), 0.225 -> 0.5225 and
  // 8.775 -> 1.3775, outside both edges. The band is the union.
  const engine::BandStratum low_rows{"rows under 10", [](size_t i) { return i < 10; }};
  const engine::GroupBand b = engine::band_of(pool, SIZE_MAX, nullptr, {low_rows});
  EXPECT_NEAR(b.low, 0.5225, 1e-12);
  EXPECT_NEAR(b.high, 1.3775, 1e-12);
  ASSERT_EQ(b.widened_by.size(), 1u);
  EXPECT_EQ(b.widened_by[0], "rows under 10 (10 runs)");
  // Row 9 (1.4) excluded: the stratum has 9 runs, under kMinStratumRows, and no say. The pool's
  // 99 ratios give ranks floor(100 x 0.025) = 2 and ceil(100 x 0.975) = 98: 0.6 and 1.2.
  const engine::GroupBand thin = engine::band_of(pool, 9, nullptr, {low_rows});
  EXPECT_NEAR(thin.low, 0.6, 1e-12);
  EXPECT_NEAR(thin.high, 1.2, 1e-12);
  EXPECT_TRUE(thin.widened_by.empty());
  EXPECT_EQ(thin.rows, 99u);
}

// A prompt shorter than a micro-batch is one pass over the weights through every layer, as a
// decode step is: it cannot be processed faster than N tokens per decode step. Llama 3.2 1B on
// an RTX 3090, 16-token prompt: the compute fit alone said about 18,700 tok/s, LocalScore
// measured 1,061 (set_c.csv). The floor is 16 x the decode rate; since prefill pays a fixed
// cost per layer per micro-batch (16 tokens share one), the estimate is below that floor.
TEST(speed_test, a_short_prompt_is_no_faster_than_one_decode_step) {
  const json s = speed({{"model", "llama-3.2-1b"},
                        {"quant", "Q4_K_M"},
                        {"context", 4096},
                        {"hardware", "rtx-3090"},
                        {"prompt", 16}});
  EXPECT_LE(s["prefill_tps"].get<double>(), 16 * s["decode_tps"].get<double>() + 1e-6);
  EXPECT_LT(s["prefill_tps"].get<double>(), 0.5 * 16 * s["decode_tps"].get<double>());
  const json l = speed({{"model", "llama-3.2-1b"},
                        {"quant", "Q4_K_M"},
                        {"context", 4096},
                        {"hardware", "rtx-3090"},
                        {"prompt", 512}});
  EXPECT_LT(l["prefill_tps"].get<double>(), 512 * l["decode_tps"].get<double>());
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// Prefill after `depth` tokens already in the cache (llama-bench "pp512 @ dD") reads that context
// in attention. Published series (shared/calibration/set_c.csv, localmaxxing rows cached in
// llmfit: Meta-Llama-3-8B-Instruct Q4_0 on an RTX 5080, flash attention on): pp512 8429.6 tok/s,
// @ d2048 7601.5 (0.90x), @ d8192 5951.9 (0.71x), @ d32768 2035.0 (0.24x). Same shapes here
// (Llama 3.1 8B: Llama 3 8B plus rope_freqs, which allows the 32k depth). The engine used to
// ignore depth for prefill (1.0x at every depth); its slope comes from flash-attention-off runs
// and is steeper than this series (0.79x / 0.48x / 0.19x), which the README states.
TEST(speed_test, prefill_slows_with_the_context_already_in_the_cache) {
  auto prefill = [](int depth) {
    const json r = json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", "llama-3.1-8b"},
        {"quant", "Q4_0"},
        {"context", 65536},
        {"hardware", "rtx-5080"},
        {"flash_attn", true},
        {"prompt", 512},
        {"depth", depth},
        {"inverse", false}}.dump()));
    EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
    return r["speed"]["prefill_tps"].get<double>();
  };
  const double p0 = prefill(0), p2k = prefill(2048), p8k = prefill(8192), p32k = prefill(32768);
  EXPECT_GT(p2k / p0, 0.7);  // published 0.90x
  EXPECT_LT(p2k, p0);
  EXPECT_LT(p8k, p2k);
  EXPECT_LT(p32k / p0, 0.5);  // published 0.24x; depth-blind engines say 1.0x
  EXPECT_GT(p32k / p0, 0.12);
}

// A published llamafile run says what it is: LocalScore's llamafile 0.9.1 runs of Llama 3.1 8B
// Q4_K_M on an RTX 3090 (pp1024 4,249.9 tok/s) carry the llama.cpp build llamafile 0.9 is made of
// (b3599, 2024-08-16), and the measured list names both.
TEST(speed_test, a_llamafile_run_names_the_llamacpp_build_it_carries) {
  const json sp = speed({{"model", "llama-3.1-8b"},
                         {"quant", "Q4_K_M"},
                         {"context", 8192},
                         {"hardware", "rtx-3090"}});
  size_t found = 0;
  bool pp1024 = false;
  for (const auto& m : sp["measured"])
    if (m["source"].get<std::string>().find("cjpais/LocalScore") != std::string::npos) {
      ++found;
      EXPECT_EQ(m["settings"], "llamafile (llama.cpp build b3599, a 2024 build)") << m.dump();
      pp1024 = pp1024 || (m["test"] == "pp1024" &&
                          std::fabs(m["value_tps"].get<double>() - 4249.872075) < 1e-6);
    }
  EXPECT_GE(found, 9u) << sp["measured"].dump();
  EXPECT_TRUE(pp1024);
}

}  // namespace
}  // namespace runcheck
