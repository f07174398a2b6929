// KV cache, compute buffer and fit verdicts: hand-computed cases per attention kind and KV
// type (configs from shared/fixtures/hf via the catalog), and llama.cpp's printed buffers.
#include "runcheck/memory.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "accuracy.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

json estimate(json req) {
  req["command"] = "estimate";
  json r = json::parse(handle_request(req.dump()));
  EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
  return r;
}

uint64_t kv(const json& r) { return r["memory"]["kv_cache_bytes"].get<uint64_t>(); }

struct KvCase {
  const char* what;
  json request;
  uint64_t expected_kv_bytes;
};

TEST(memory_test, kv_cache_by_attention_kind_and_type) {
  const KvCase cases[] = {
      // GQA: 32 layers x 8192 cells x (8 kv heads x 128) x 2 (K,V) x 2 B = 1024 MiB, as logged.
      {"llama-3-8b f16 GQA",
       {{"model", "llama-3-8b"},
        {"quant", "Q4_K_M"},
        {"context", 8192},
        {"hardware", "rtx-4090"},
        {"flash_attn", false}},
       1073741824},
      // q8_0: a 1024-wide row = 32 blocks x 34 B = 1088 B; x2 x 8192 x 32 layers.
      {"llama-3.1-8b q8_0",
       {{"model", "llama-3.1-8b"},
        {"context", 8192},
        {"hardware", "rtx-4090"},
        {"kv_type", "q8_0"}},
       570425344},
      // q4_0: 32 blocks x 18 B = 576 B per row; x2 x 8192 x 32.
      {"llama-3.1-8b q4_0",
       {{"model", "llama-3.1-8b"},
        {"context", 8192},
        {"hardware", "rtx-4090"},
        {"kv_type", "q4_0"}},
       301989888},
      // f32 doubles f16.
      {"llama-3.1-8b f32",
       {{"model", "llama-3.1-8b"}, {"context", 8192}, {"hardware", "rtx-4090"}, {"kv_type", "f32"}},
       2147483648},
      // SWA (Gemma 2 9B: 42 layers alternating, window 4096, 8 kv heads x 256): 21 global layers
      // x 8192 cells x 8192 B + 21 local layers x min(8192, pad256(4096 + 512) = 4608) x 8192 B.
      {"gemma-2-9b SWA",
       {{"model", "gemma-2-9b"}, {"context", 8192}, {"hardware", "rtx-4090"}, {"quant", "Q4_K_M"}},
       21ull * 8192 * 8192 + 21ull * 4608 * 8192},
      // MLA (DeepSeek-V3: 61 layers, kv_lora_rank 512 + rope 64 = 576 f16 per cell):
      // 61 x 4096 x 1152 B.
      {"deepseek-v3 MLA",
       {{"model", "deepseek-v3"},
        {"context", 4096},
        {"hardware", "h200-sxmx8"},
        {"quant", "Q4_K_M"}},
       61ull * 4096 * 1152},
      // Mistral 7B v0.1 sets sliding_window 4096, but llama.cpp converts it as plain llama and
      // keeps the full context: 32 x 8192 x 2048 x 2 B.
      {"mistral-7b-v0.1 llama.cpp",
       {{"model", "mistral-7b-v0.1"}, {"context", 8192}, {"hardware", "rtx-4090"}},
       1073741824},
      // Parallel sequences: llama-server -np 4 -c 4x2048 holds 4 x 2048 cells: same as 8192.
      {"llama-3.1-8b 4 x 2048",
       {{"model", "llama-3.1-8b"}, {"context", 2048}, {"parallel", 4}, {"hardware", "rtx-4090"}},
       1073741824},
      // Padding: 1000 tokens with flash attention -> 1024 cells (pad 256); 32 x 1024 x 4096 B.
      {"padding fa on",
       {{"model", "llama-3.1-8b"}, {"context", 1000}, {"hardware", "rtx-4090"}},
       32ull * 1024 * 4096},
      // Without flash attention the pad is 32: 1000 -> 1024 as well; 1010 -> 1024; 990 -> 992.
      {"padding fa off",
       {{"model", "llama-3.1-8b"},
        {"context", 990},
        {"hardware", "rtx-4090"},
        {"flash_attn", false}},
       32ull * 992 * 4096},
      // Hybrid (Qwen3-Next-80B-A3B config: 48 layers, full_attention_interval 4): 12 attention
      // layers x 32768 cells x (2 kv heads x 256) x 2 (K,V) x 2 B = 805,306,368 B, plus 36 gated
      // delta-net layers with a fixed f32 state per sequence: conv (4-1) x (4096 + 2 x 16 x 128)
      // = 24,576 floats + state 128 x 4096 = 524,288 floats -> 2,195,456 B x 36 = 79,036,416 B.
      {"qwen3-next hybrid f16",
       {{"model", "qwen3-next-80b-a3b"}, {"context", 32768}, {"hardware", "rtx-4090"}},
       805306368ull + 79036416ull},
      // q8_0 KV shrinks only the attention layers (a 512-wide row = 16 x 34 B = 544 B); the
      // recurrent state stays f32 and is held once per sequence: 4 x 8192 cells, 4 states.
      {"qwen3-next hybrid q8_0 x4 seqs",
       {{"model", "qwen3-next-80b-a3b"},
        {"context", 8192},
        {"parallel", 4},
        {"kv_type", "q8_0"},
        {"hardware", "rtx-4090"}},
       12ull * 32768 * 1088 + 4ull * 79036416},
  };
  for (const auto& c : cases) EXPECT_EQ(kv(estimate(c.request)), c.expected_kv_bytes) << c.what;
}

TEST(memory_test, reproduces_llama_cpp_printed_buffers_and_oom_boundaries) {
  RUNCHECK_NEEDS_SHARED();
  // Every memory and OOM row of shared/calibration/measurements.csv through the engine.
  const std::string csv = test::read_text(test::shared_dir() + "/calibration/measurements.csv");
  auto r = accuracy_json(json{{"csv", csv}});
  ASSERT_TRUE(r.ok());
  const json& s = r.value()["summary"];
  // Every row maps to the catalog (the two Radeon PRO V620 speed rows, unmapped until the card
  // got its entry, now map to radeon-pro-v620) but the 20 the data set marks as outliers
  // (XiongjieDai's F16 prefill on A100 SXM4, L40S and RTX 5000 Ada x4, "implausibly low as
  // published" in the calibration README), listed with that reason.
  ASSERT_EQ(r.value()["unmapped"].size(), 20u) << r.value()["unmapped"].dump();
  for (const auto& u : r.value()["unmapped"])
    EXPECT_EQ(u["why"], "the data set marks this run an outlier (implausible as published)");
  EXPECT_EQ(s["kv_buffer_mib"]["count"], 23);
  EXPECT_EQ(s["kv_buffer_mib"]["max_abs_error_pct"], 0.0);  // to the byte
  EXPECT_LE(s["compute_buffer_mib"]["max_abs_error_pct"].get<double>(), 10.0);
  EXPECT_LE(s["model_buffer_mib"]["median_abs_error_pct"].get<double>(), 1.0);
  // Two 8-GPU rows differ by 3.2 %: which layers get q6_K follows the file's tensor order.
  EXPECT_LE(s["model_buffer_mib"]["p90_abs_error_pct"].get<double>(), 1.0);
  EXPECT_EQ(s["oom"]["count"], 9);
  EXPECT_EQ(s["oom"]["agree"], 9);
}

TEST(memory_test, host_compute_buffer_follows_the_logged_build) {
  // Token embeddings (n_embd x n_ubatch f32) + the KQ mask (n_kv x n_ubatch, f32 before b9410),
  // the inputs 4 times over when the layers are split (pipeline copies); printed buffers in
  // shared/calibration and shared/fixtures/logs (the .01 MiB is the token and position ids).
  const Catalog& cat = builtin_catalog();
  auto host = [&](const char* model, uint32_t ctx, bool fa, uint32_t build, bool split) {
    KvOptions o;
    o.n_ctx = ctx;
    o.flash_attn = fa;
    o.llamacpp_build = build;
    return host_compute_buffer_bytes(cat.model(model)->arch, o, split);
  };
  // Llama-3-8B n_ctx 8192, FA off (2024): 24.01 MiB on one GPU, 72.02 MiB split over two.
  EXPECT_EQ(host("llama-3-8b", 8192, false, 3000, false), 24 * kMiB);
  EXPECT_EQ(host("llama-3-8b", 8192, false, 3000, true), (8 + 4 * 16) * kMiB);
  // Qwen3-235B-A22B n_ctx 32768, FA on, b5192: 72.01 MiB (f32 mask, cast on the GPU).
  EXPECT_EQ(host("qwen3-235b-a22b", 32768, true, 5192, false), (8 + 64) * kMiB);
  // Newest builds: the embeddings input joins, and the FA mask is f16.
  EXPECT_EQ(host("qwen3-235b-a22b", 32768, true, 0, false), (8 + 8 + 32) * kMiB);
  EXPECT_EQ(host("qwen3-235b-a22b", 32768, false, 0, false), (8 + 8 + 64) * kMiB);
  // Gemma 3 12B (iSWA) at 11520 with the full-size SWA cache, FA off, early 2026: two f32
  // masks + embeddings = 52.5 MiB; LM Studio's log prints 68.51 (16 MiB not explained yet).
  KvOptions g;
  g.n_ctx = 11520;
  g.flash_attn = false;
  g.swa_full = true;
  g.llamacpp_build = 7700;
  EXPECT_EQ(host_compute_buffer_bytes(cat.model("gemma-3-12b")->arch, g, false),
            7680 * 1024 + 2 * 11520ull * 512 * 4);
}

// Op offload (placement.cpp add_op_offload): a weight tensor left in system RAM is copied whole
// into the first GPU's compute buffer to multiply a micro-batch of 32+ tokens there, one tensor
// at a time; runcheck adds the largest to the graph's own peak.
TEST(memory_test, the_gpu_compute_buffer_holds_the_largest_weight_copied_from_ram) {
  auto dev = [](const json& r, size_t i) { return r["memory"]["devices"][i]; };
  // Qwen3-14B Q8_0, -ngl 0, 4096 tokens, FA off, on a 7900 XTX: the output matrix (5120 x 151936,
  // Q8_0 34 B per 32 weights = 826,552,320 B) is the largest tensor in RAM. GPU 0 holds the whole
  // graph - the non-FA scores 4096 x 512 x 40 heads x 4 B = 320 MiB plus six 10 MiB activation
  // rows (380 MiB) - and the copy: 1168.24 MiB (the ROCm log prints 1094.99). The host keeps the
  // pinned inputs only: embeddings 10 MiB + f32 mask 8 MiB + the embedding input 10 MiB.
  const json q = {{"model", "qwen3-14b"}, {"quant", "Q8_0"},           {"context", 4096},
                  {"flash_attn", false},  {"hardware", "rx-7900-xtx"}, {"gpu_layers", 0}};
  const json r = estimate(q);
  EXPECT_EQ(dev(r, 0)["op_offload_bytes"].get<uint64_t>(), 826552320u);
  EXPECT_EQ(dev(r, 0)["compute_bytes"].get<uint64_t>(), 380 * kMiB + 826552320u);
  EXPECT_EQ(dev(r, 0)["layers"].get<int>(), 0);
  EXPECT_EQ(dev(r, 1)["compute_bytes"].get<uint64_t>(), 28 * kMiB);
  // A micro-batch under 32 tokens is multiplied on the CPU: nothing is copied, the GPU holds
  // nothing and the CPU runs the graph.
  json small = q;
  small["ubatch"] = 16;
  const json rs = estimate(small);
  EXPECT_EQ(dev(rs, 0)["op_offload_bytes"].get<uint64_t>(), 0u);
  EXPECT_EQ(dev(rs, 0)["compute_bytes"].get<uint64_t>(), 0u);
  // Qwen3-235B-A22B Q8_0 with the experts of 81 layers in RAM (the A6000 log): each expert tensor
  // is 4096 x 1536 x 128 weights at 34 B per 32 = 855,638,016 B (816.00 MiB), on top of the 305
  // MiB graph (1120.75 MiB; the log prints 1024.00).
  const json moe = estimate({{"model", "qwen3-235b-a22b"},
                             {"quant", "Q8_0"},
                             {"context", 32768},
                             {"flash_attn", true},
                             {"hardware", "rtx-a6000"},
                             {"ram_gb", 256},
                             {"n_cpu_moe", 81}});
  EXPECT_EQ(dev(moe, 0)["op_offload_bytes"].get<uint64_t>(), 855638016u);
  EXPECT_NEAR(dev(moe, 0)["compute_bytes"].get<double>() / kMiB, 1120.75, 0.01);
}

TEST(memory_test, swa_full_keeps_the_whole_context_on_sliding_layers) {
  // LM Studio log (lmstudio_rocm-win_gemma3-iswa_c11520_kv-buffers.log): "using full-size SWA
  // cache", 720.00 MiB for the 8 global layers + 3600.00 MiB for the 40 sliding ones; each
  // layer 8 KV heads x 256 x (K+V) x f16 = 8 KiB per cell.
  json req = {{"model", "gemma-3-12b"},
              {"context", 11520},
              {"flash_attn", false},
              {"swa_full", true},
              {"hardware", "rx-7900-xtx"}};
  EXPECT_EQ(kv(estimate(req)), (720 + 3600) * kMiB);
  req["swa_full"] = false;  // sliding layers keep 1024 + 512 cells, padded to 32
  EXPECT_EQ(kv(estimate(req)), 720 * kMiB + 40ull * 1536 * 8192);
}

TEST(memory_test, context_past_the_trained_length_only_when_asked) {
  json req = {{"command", "estimate"},
              {"model", "command-r-v01"},
              {"context", 65536},
              {"hardware", "apple-m1-max-32c"}};
  json r = json::parse(handle_request(req.dump()));
  EXPECT_EQ(r["error"]["field"], "context");
  req["allow_long_context"] = true;
  r = estimate(req);
  // Command R v01: 40 layers, 64 KV heads x 128, f16: 40 x 65536 x 64 x 128 x 2 x 2 = 80 GiB.
  EXPECT_EQ(kv(r), 80 * kGiB);
}

TEST(memory_test, logged_oom_boundaries) {
  // RTX 4080 16 GB + Llama-3-8B F16, -ngl 99, flash attention off: fits at 4096, not at 8192.
  const json base = {{"model", "llama-3-8b"},
                     {"quant", "F16"},
                     {"hardware", "rtx-4080"},
                     {"flash_attn", false},
                     {"gpu_layers", 99}};
  json a = base, b = base;
  a["context"] = 4096;
  b["context"] = 8192;
  EXPECT_NE(estimate(a)["verdict"], "will_not_run");
  EXPECT_EQ(estimate(b)["verdict"], "will_not_run");
  // M1 8 GB + 8B Q4_K_M: fits to 4096, not at 8192 (GPU cap 2/3 of 8 GiB = 5726.6 MB).
  const json mac = {{"model", "llama-3-8b"}, {"quant", "Q4_K_M"},   {"hardware", "apple-m1-7c"},
                    {"ram_gb", 8},           {"flash_attn", false}, {"gpu_layers", 99}};
  json c = mac, d = mac;
  c["context"] = 4096;
  d["context"] = 8192;
  EXPECT_NE(estimate(c)["verdict"], "will_not_run");
  EXPECT_EQ(estimate(d)["verdict"], "will_not_run");
  EXPECT_EQ(estimate(c)["memory"]["devices"][0]["budget_bytes"], 5726623061u);
}

TEST(memory_test, verdict_tiers_and_placement) {
  // 8B Q4_K_M on a 24 GB card: everything on the GPU with > 1 GiB free.
  json r = estimate({{"model", "llama-3.1-8b"},
                     {"quant", "Q4_K_M"},
                     {"context", 8192},
                     {"hardware", "rtx-4090"}});
  EXPECT_EQ(r["verdict"], "comfortable");
  EXPECT_EQ(r["placement"]["gpu_layers"], 33);
  // 70B Q4_K_M on one 24 GB card: partial offload.
  r = estimate({{"model", "llama-3.1-70b"},
                {"quant", "Q4_K_M"},
                {"context", 8192},
                {"hardware", "rtx-3090"},
                {"ram_gb", 64}});
  EXPECT_EQ(r["verdict"], "tradeoffs");
  EXPECT_LT(r["placement"]["gpu_layers"].get<int>(), 81);
  EXPECT_GT(r["placement"]["gpu_layers"].get<int>(), 20);
  // ... two 3090s hold it: 24 GB each, never pooled into one 48 GB device.
  r = estimate({{"model", "llama-3.1-70b"},
                {"quant", "Q4_K_M"},
                {"context", 8192},
                {"hardware", "rtx-3090x2"}});
  EXPECT_EQ(r["placement"]["gpu_layers"], 81);
  EXPECT_EQ(r["memory"]["devices"].size(), 3u);  // two GPUs + host
  for (int d = 0; d < 2; ++d)
    EXPECT_LE(r["memory"]["devices"][d]["used_bytes"].get<uint64_t>(),
              r["memory"]["devices"][d]["budget_bytes"].get<uint64_t>());
  // MoE on one small card: experts move to the CPU first (--n-cpu-moe).
  r = estimate({{"model", "qwen3-30b-a3b"},
                {"quant", "Q4_K_M"},
                {"context", 8192},
                {"hardware", "rtx-4060-ti-8gb"},
                {"ram_gb", 64}});
  EXPECT_EQ(r["verdict"], "tradeoffs");
  EXPECT_GT(r["placement"]["n_cpu_moe"].get<int>(), 0);
  EXPECT_NE(r["commands"]["llama_server"].get<std::string>().find("--n-cpu-moe"),
            std::string::npos);
  // 405B at Q4_K_M on a 32 GB desktop: does not run at all.
  r = estimate({{"model", "llama-3.1-405b"},
                {"quant", "Q4_K_M"},
                {"hardware", "cpu-ddr5-6000-2ch"},
                {"ram_gb", 32}});
  EXPECT_EQ(r["verdict"], "will_not_run");
}

TEST(memory_test, vllm_refuses_when_max_model_len_does_not_fit) {
  // Llama 3.1 8B BF16 (16.06 GB of weights) on a 24 GB card at 0.9 utilization leaves ~4 GB:
  // 8192 tokens of KV (1 GiB) fit, the full 131072 (16 GiB) do not.
  json r = estimate({{"model", "llama-3.1-8b"},
                     {"quant", "BF16-safetensors"},
                     {"runtime", "vllm"},
                     {"context", 8192},
                     {"hardware", "rtx-4090"}});
  EXPECT_EQ(r["verdict"], "comfortable");
  EXPECT_NE(r["commands"]["vllm"].get<std::string>().find("--max-model-len 8192"),
            std::string::npos);
  r = estimate({{"model", "llama-3.1-8b"},
                {"quant", "BF16-safetensors"},
                {"runtime", "vllm"},
                {"context", 131072},
                {"hardware", "rtx-4090"}});
  EXPECT_EQ(r["verdict"], "will_not_run");
  EXPECT_NE(r["reasons"][0].get<std::string>().find("refuses to start"), std::string::npos);
  // The smallest card that would run it runs vLLM: Linux and CUDA/ROCm, never a Mac (a 36 GB
  // M3 Pro was offered before), here the 40 GB A100.
  EXPECT_EQ(r["smallest_hardware"]["id"], "a100-40gb-pcie");
}

// vLLM's profile run at max_num_batched_tokens T: T x (3 ff + 3 n_embd) x 2 bytes, or the
// sampler's 256 x vocabulary FP32 logits if larger. Llama 3.1 8B (ff 14336, n_embd 4096,
// vocabulary 128256): 8192 x 55296 x 2 = 905,969,664 B by default; 20000 tokens (vLLM V0 at
// max_model_len 20000): 2,211,840,000 B. The flag is in the vllm command when not the default.
TEST(memory_test, vllm_activations_follow_the_batched_tokens) {
  json r = estimate({{"model", "llama-3.1-8b"},
                     {"quant", "BF16-safetensors"},
                     {"runtime", "vllm"},
                     {"context", 8192},
                     {"hardware", "rtx-4090"}});
  EXPECT_EQ(r["memory"]["devices"][0]["compute_bytes"].get<uint64_t>(), 905969664u);
  EXPECT_EQ(r["commands"]["vllm"].get<std::string>().find("--max-num-batched-tokens"),
            std::string::npos);
  r = estimate({{"model", "llama-3.1-8b"},
                {"quant", "BF16-safetensors"},
                {"runtime", "vllm"},
                {"context", 8192},
                {"hardware", "rtx-4090"},
                {"vllm_max_num_batched_tokens", 20000}});
  EXPECT_EQ(r["memory"]["devices"][0]["compute_bytes"].get<uint64_t>(), 2211840000u);
  EXPECT_NE(r["commands"]["vllm"].get<std::string>().find("--max-num-batched-tokens 20000"),
            std::string::npos);
}

TEST(memory_test, bad_input_names_the_field) {
  const std::pair<json, const char*> cases[] = {
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"context", 0}}, "context"},
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"context", 9000}},
       "context"},  // max 8192
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"context", -5}}, "context"},
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"context", "abc"}}, "context"},
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-9999"}}, "hardware"},
      {{{"model", "llama-3-8b"}}, "hardware"},
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"runtime", "tgi"}}, "runtime"},
      {{{"model", "llama-3-8b"},
        {"hardware", "rtx-4090"},
        {"kv_type", "q8_0"},
        {"flash_attn", false}},
       "kv_type"},
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"ram_gb", -1}}, "ram_gb"},
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"parallel", 1e308}}, "parallel"},
      {{{"model", "llama-3-8b"}, {"hardware", "rtx-4090"}, {"vllm_max_num_batched_tokens", -3}},
       "vllm_max_num_batched_tokens"},
      {{{"model", "llama-3-8b"},
        {"hardware", "rtx-4090"},
        {"vllm_max_num_batched_tokens", "<script>"}},
       "vllm_max_num_batched_tokens"},
      {{{"model", "llama-3-8b"},
        {"hardware", "rtx-4090"},
        {"quant", "Q4_K_M"},
        {"runtime", "vllm"}},
       "quant"},
  };
  for (const auto& [req, field] : cases) {
    json q = req;
    q["command"] = "estimate";
    const json r = json::parse(handle_request(q.dump()));
    EXPECT_FALSE(r["ok"].get<bool>()) << q.dump();
    EXPECT_EQ(r["error"]["field"], field) << q.dump();
  }
}

TEST(memory_test, desktop_reserve_and_row_split) {
  // gpu_reserved_mb comes off each card's budget: 24 GiB - 900 MiB.
  json r = estimate({{"model", "llama-3.1-8b"},
                     {"context", 8192},
                     {"hardware", "rtx-4090"},
                     {"gpu_reserved_mb", 900}});
  EXPECT_EQ(r["memory"]["devices"][0]["budget_bytes"].get<uint64_t>(),
            24ull * 1024 * test::kMiB - 900 * test::kMiB);

  // --split-mode row on two identical cards: the GPU weights divide in half, the whole KV cache
  // (80 layers x 8192 cells x 2 x 1024 x 2 B = 2.5 GiB) sits on GPU 0, and the same GPU weight
  // total as the layer split.
  json base = {{"model", "llama-3.1-70b"}, {"context", 8192}, {"hardware", "rtx-3090x2"}};
  json layer = estimate(base);
  base["split_mode"] = "row";
  json row = estimate(base);
  const json& d = row["memory"]["devices"];
  const uint64_t w0 = d[0]["weights_bytes"], w1 = d[1]["weights_bytes"];
  const json& l = layer["memory"]["devices"];
  const uint64_t lw = l[0]["weights_bytes"].get<uint64_t>() + l[1]["weights_bytes"].get<uint64_t>();
  EXPECT_LE(w0 > w1 ? w0 - w1 : w1 - w0, 1u);
  EXPECT_LE(lw - (w0 + w1), 1u);
  EXPECT_EQ(d[0]["kv_bytes"].get<uint64_t>(), 80ull * 8192 * 4096);
  EXPECT_EQ(d[1]["kv_bytes"].get<uint64_t>(), 0u);
  EXPECT_NE(row["commands"]["llama_server"].get<std::string>().find("-sm row"), std::string::npos);
}

}  // namespace
}  // namespace runcheck
