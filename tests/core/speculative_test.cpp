// Speculative decoding: the draft's memory next to the target (hand-computed), the speed formula
// by hand arithmetic, and the refusals llama.cpp makes (vocabulary, no MTP layers).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/memory.h"
#include "runcheck/weights.h"
#include "test_util.h"
#include "user_models.h"

namespace runcheck {
namespace {

using nlohmann::json;

json estimate(json req) {
  req["command"] = "estimate";
  return json::parse(handle_request(req.dump()));
}

const json kBase = {{"model", "llama-3.1-8b"},
                    {"quant", "Q8_0"},
                    {"context", 8192},
                    {"hardware", "rtx-3060-12gb"},
                    {"inverse", false}};

// MTP: the nextn block's weights and its own KV cache, counted only when MTP is on.
TEST(Speculative, MtpBlockCostsMemoryOnlyWhenOn) {
  const auto gpu_overhead = [](uint32_t ctx, const char* spec) {
    const json r = estimate({{"model", "qwen3.6-27b"},
                             {"quant", "Q4_K_M"},
                             {"context", ctx},
                             {"hardware", "rtx-5090"},
                             {"speculative", spec},
                             {"inverse", false}});
    EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
    return r["memory"]["devices"][0]["overhead_bytes"].get<uint64_t>();
  };
  const uint64_t off8 = gpu_overhead(8192, "none"), off16 = gpu_overhead(16384, "none");
  EXPECT_EQ(off8, off16);  // without MTP nothing depends on it
  const uint64_t mtp8 = gpu_overhead(8192, "mtp") - off8;
  const uint64_t mtp16 = gpu_overhead(16384, "mtp") - off16;
  // The nextn block's own cache grows with the context: Qwen3.6-27B's full-attention block keeps
  // 4 KV heads x 256 dims x 2 (K, V) x 2 B (f16) = 4,096 B per token; 8,192 more tokens add
  // 33,554,432 B.
  EXPECT_EQ(mtp16 - mtp8, 33554432u);
  // The rest is the block's weights: more than its cache at 8k, far less than the whole model.
  EXPECT_GT(mtp8 - 33554432u, 100u * 1024 * 1024);
  EXPECT_LT(mtp8, 1024u * 1024 * 1024);
}

// MTP: each drafted token runs one nextn block and the shared output head, so it costs the
// target's time per token times (one block's weights + the output head) / (all blocks + the
// output head), by hand from the Q4_K_M tensor sizes.
TEST(Speculative, MtpDraftCostsOneBlockAndTheOutputHead) {
  const json r = estimate({{"model", "qwen3.6-27b"},
                           {"quant", "Q4_K_M"},
                           {"hardware", "rtx-4090"},
                           {"context", 8192},
                           {"speculative", "mtp"},
                           {"acceptance", 0.7},
                           {"draft_max", 3}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const ModelEntry* m = builtin_catalog().model("qwen3.6-27b");
  ASSERT_NE(m, nullptr);
  const WeightPlan w = quantized_weights(m->arch, FileType::Q4_K_M);
  double layers = 0;
  for (uint64_t b : w.layer_bytes) layers += static_cast<double>(b);  // dense: every byte is read
  const double block = layers / w.layer_bytes.size(), out = static_cast<double>(w.output_bytes);
  const double target = r["speed"]["decode_tps"], pp = r["speed"]["prefill_tps"];
  const double t_draft = (1 / target) * (block + out) / (layers + out);
  const json& x = r["speed"]["speculative"];
  EXPECT_NEAR(x["step_seconds"].get<double>(), 3 * t_draft + std::max(1 / target, 4 / pp), 1e-12);
  // The head is a large share of a draft token here (a 248k vocabulary): the draft costs several
  // blocks' time, not one.
  EXPECT_GT((block + out) / block, 3.0);
}

constexpr uint64_t kMiB = 1024 * 1024;

// A draft pair against a published llama-server log (llama.cpp issue #12968, build 5142, ROCm
// W7900): `-c 512 -cd 512 -m qwen2.5-72b-iq4xs.gguf -md qwen2.5-0.5b-iq4xs.gguf -ngld 999 -fa
// -ctk q8_0 -ctv q8_0`. The draft's context prints "type_k = 'f16'" (the draft cache keeps its
// own f16 default), "ROCm0 KV buffer size = 6.00 MiB" and "ROCm0 compute buffer size = 298.50
// MiB": 24 layers x 512 cells x 2 KV heads x 64 x (K+V) x 2 B = 6 MiB; 151,936 x 512 x 4 B of
// logits plus one 896-wide activation row = 298.50 MiB. The log omits the draft's load_tensors
// line, so its weights are taken from a plain estimate of the same file.
TEST(Speculative, DraftPairMatchesAPublishedLoadLog) {
  const json spec = estimate({{"model", "qwen2.5-72b"},
                              {"quant", "IQ4_XS"},
                              {"context", 512},
                              {"hardware", "radeon-pro-w7900"},
                              {"kv_type", "q8_0"},
                              {"flash_attn", true},
                              {"speculative", "draft"},
                              {"draft_model", "qwen2.5-0.5b"},
                              {"draft_quant", "IQ4_XS"},
                              {"inverse", false}});
  ASSERT_TRUE(spec["ok"].get<bool>()) << spec.dump();
  const json draft = estimate({{"model", "qwen2.5-0.5b"},
                               {"quant", "IQ4_XS"},
                               {"context", 512},
                               {"hardware", "radeon-pro-w7900"},
                               {"flash_attn", true},
                               {"inverse", false}});
  ASSERT_TRUE(draft["ok"].get<bool>()) << draft.dump();
  const uint64_t draft_gpu_weights = draft["memory"]["devices"][0]["weights_bytes"];
  const uint64_t total = spec["speed"]["speculative"]["draft_bytes"];
  EXPECT_EQ(total - draft_gpu_weights, 6 * kMiB + 298 * kMiB + kMiB / 2);
}

// The MTP context against published logs. Its KV: issue #23472 (Qwen3.6-27B-MTP Q4_K_M,
// --spec-type draft-mtp, q8_0 cache): "KV buffer size = 544.00 MiB (262144 cells, 1 layers)" -
// 262,144 x 4 KV heads x 256 x 34/32 B x (K+V). Its compute buffer: PR #22673 (Qwen3.5-4B Q8_0,
// n_ubatch 512, n_embd 2560, 8192 cells): "KV buffer size = 32.00 MiB" and "compute buffer size =
// 490.00 MiB", the logits of a ubatch over the Qwen3.5 vocabulary (248,320 x 512 x 4 B) plus one
// activation row (2,560 x 512 x 4 B).
TEST(Speculative, MtpContextMatchesPublishedLoadLogs) {
  ModelArch q4;  // Qwen3.5-4B's MTP block as that log prints it
  q4.arch = "qwen35";
  q4.block_count = 1;
  q4.embedding_length = 2560;
  q4.head_count = 16;
  q4.head_count_kv = 4;
  q4.key_length = q4.value_length = 256;
  q4.vocab_size = 248320;
  q4.feed_forward_length = 9216;
  q4.layers = {LayerKind::kFullAttention};
  KvOptions o;
  o.n_ctx = 8192;
  o.n_ubatch = 512;
  o.flash_attn = true;
  EXPECT_EQ(kv_layer_bytes(q4, 0, o), 32 * kMiB);
  EXPECT_EQ(compute_buffer_bytes(q4, o, ComputeShape{true, false}), 490 * kMiB);
  // Through the estimate: the MTP context's extra memory grows with the context by its KV only.
  const auto mtp_extra = [](uint32_t ctx) {
    json q = {{"model", "qwen3.6-27b"}, {"quant", "Q4_K_M"}, {"context", ctx},
              {"hardware", "rtx-5090"}, {"kv_type", "q8_0"}, {"flash_attn", true},
              {"ubatch", 1024},         {"inverse", false}};
    const json plain = estimate(q);
    q["speculative"] = "mtp";
    const json mtp = estimate(q);
    EXPECT_TRUE(mtp["ok"].get<bool>()) << mtp.dump();
    return mtp["memory"]["devices"][0]["overhead_bytes"].get<uint64_t>() -
           plain["memory"]["devices"][0]["overhead_bytes"].get<uint64_t>();
  };
  // 544 MiB at 262,144 cells less 17 MiB at 8,192.
  EXPECT_EQ(mtp_extra(262144) - mtp_extra(8192), 544 * kMiB - 17 * kMiB);
}

// vLLM's draft_model: the draft's weights in its repository's format and its layers' KV for
// max_model_len join the model's memory, split over the tensor-parallel GPUs. Qwen3-0.6B in BF16:
// 2 B per matrix parameter (its tied embedding once), its 65,536 norm weights (28 x (1024 + 1024
// + 128 + 128) + 1024) counted at 4 B as runcheck counts 1-D tensors; KV 28 layers x 8 KV heads x
// 128 x (K+V) x 2 B = 114,688 B per token: at 8,192 tokens 939,524,096 B.
TEST(Speculative, VllmDraftModelJoinsTheKvPoolOnEveryTensorParallelGpu) {
  const auto run = [](const char* hw, bool spec) {
    json q = {{"model", "qwen3-8b"}, {"quant", "BF16"},   {"context", 8192},
              {"hardware", hw},      {"runtime", "vllm"}, {"inverse", false}};
    if (spec) {
      q["speculative"] = "draft";
      q["draft_model"] = "qwen3-0.6b";
      q["draft_max"] = 5;
    }
    return estimate(q);
  };
  const json one = run("rtx-4090", true);
  ASSERT_TRUE(one["ok"].get<bool>()) << one.dump();
  const ModelEntry* d = builtin_catalog().model("qwen3-0.6b");
  ASSERT_NE(d, nullptr);
  const uint64_t draft = one["speed"]["speculative"]["draft_bytes"];
  const uint64_t norms = 28 * (1024 + 1024 + 128 + 128) + 1024;
  EXPECT_EQ(draft, 2 * (d->parameters - norms) + 4 * norms + 8192ull * 28 * 8 * 128 * 2 * 2);
  EXPECT_EQ(one["speed"]["speculative"]["draft_quant"], "BF16-safetensors");
  const json plain1 = run("rtx-4090", false);
  EXPECT_EQ(one["memory"]["devices"][0]["overhead_bytes"].get<uint64_t>(),
            plain1["memory"]["devices"][0]["overhead_bytes"].get<uint64_t>() + draft);
  // Two GPUs: half of it on each.
  const json two = run("rtx-4090x2", true), plain2 = run("rtx-4090x2", false);
  ASSERT_TRUE(two["ok"].get<bool>()) << two.dump();
  for (int g = 0; g < 2; ++g)
    EXPECT_EQ(two["memory"]["devices"][g]["overhead_bytes"].get<uint64_t>(),
              plain2["memory"]["devices"][g]["overhead_bytes"].get<uint64_t>() + draft / 2);
}

TEST(Speculative, DraftMemorySitsOnTheGpuNextToTheTarget) {
  json plain = estimate(kBase);
  json req = kBase;
  req["speculative"] = "draft";
  req["draft_model"] = "llama-3.2-1b";
  const json spec = estimate(req);
  ASSERT_TRUE(spec["ok"].get<bool>()) << spec.dump();
  const uint64_t draft = spec["speed"]["speculative"]["draft_bytes"];
  // Llama 3.2 1B's own cache at the same 8192 tokens: 16 layers x 8 KV heads x 64 x (K+V) x f16
  // = 2 KiB per token per layer -> 16 x 8192 x 2048 B = 256 MiB, plus its Q8_0 weights (same
  // bytes as a plain estimate of the 1B) and its compute buffer.
  json one_b = kBase;
  one_b["model"] = "llama-3.2-1b";
  const json d = estimate(one_b);
  const uint64_t draft_weights = d["memory"]["weights_bytes"];
  const uint64_t draft_compute = d["memory"]["devices"][0]["compute_bytes"];
  EXPECT_EQ(draft, draft_weights + 256ull * 1024 * 1024 + draft_compute);
  // All of it on the GPU: its used bytes grow by exactly the draft.
  EXPECT_EQ(spec["memory"]["devices"][0]["used_bytes"].get<uint64_t>(),
            plain["memory"]["devices"][0]["used_bytes"].get<uint64_t>() + draft);
  EXPECT_NE(
      spec["commands"]["llama_server"].get<std::string>().find("--spec-type draft-simple -hfd "),
      std::string::npos);
}

TEST(Speculative, SpeedFollowsTheFormula) {
  json req = kBase;
  req["speculative"] = "draft";
  req["draft_model"] = "llama-3.2-1b";
  req["acceptance"] = 0.72;
  req["draft_max"] = 3;
  const json r = estimate(req);
  const json& s = r["speed"]["speculative"];
  // E = (1 - 0.72^4) / (1 - 0.72) = 2.6118; step = 3 / draft_tps + max(1 / target_tps, 4 / pp).
  const double e = (1 - std::pow(0.72, 4)) / (1 - 0.72);
  EXPECT_NEAR(s["tokens_per_step"].get<double>(), e, 1e-12);
  const double target = r["speed"]["decode_tps"], draft = s["draft_decode_tps"],
               pp = r["speed"]["prefill_tps"];
  const double step = 3 / draft + std::max(1 / target, 4 / pp);
  EXPECT_NEAR(s["step_seconds"].get<double>(), step, 1e-12);
  EXPECT_NEAR(s["decode_tps"].get<double>(), e / step, 1e-9);
  EXPECT_NEAR(s["speedup"].get<double>(), e / step / target, 1e-9);
  // The plain ceiling is still reported beside the speculative one, which is above it.
  EXPECT_EQ(s["plain_ceiling_tps"], r["speed"]["decode_ceiling_tps"]);
  EXPECT_GT(s["ceiling_tps"].get<double>(), s["plain_ceiling_tps"].get<double>());
  // Without an acceptance: the published band, the figure at its middle.
  req.erase("acceptance");
  const json u = estimate(req)["speed"]["speculative"];
  EXPECT_TRUE(u["acceptance"].is_null());
  // α from the two published draft-pair runs (accepted per step at their draft length).
  EXPECT_EQ(u["acceptance_band"], json({0.854, 0.890}));
  EXPECT_LT(u["decode_tps_low"].get<double>(), u["decode_tps"].get<double>());
  EXPECT_GT(u["decode_tps_high"].get<double>(), u["decode_tps"].get<double>());
}

TEST(Speculative, RefusesWhatLlamaCppRefuses) {
  json req = kBase;
  req["speculative"] = "draft";
  req["draft_model"] = "qwen3-0.6b";  // 151,936 tokens vs Llama 3's 128,256
  json r = estimate(req);
  EXPECT_EQ(r["error"]["field"], "draft_model");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("differs"), std::string::npos);
  req["speculative"] = "mtp";  // Llama 3.1 ships no MTP layers
  req.erase("draft_model");
  EXPECT_EQ(estimate(req)["error"]["field"], "speculative");
  // DeepSeek-V3 ships one (num_nextn_predict_layers = 1).
  r = estimate({{"model", "deepseek-v3"},
                {"quant", "Q2_K"},
                {"hardware", "h200-sxmx8"},
                {"speculative", "mtp"},
                {"inverse", false}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["speed"]["speculative"]["acceptance_band"], json({0.671, 0.944}));
  // GLM-4.5 ships a nextn block, but llama.cpp's glm4moe loader always skips it.
  const json glm = estimate({{"model", "glm-4.5"},
                             {"quant", "Q2_K"},
                             {"hardware", "h200-sxmx8"},
                             {"speculative", "mtp"},
                             {"inverse", false}});
  EXPECT_EQ(glm["error"]["field"], "speculative");
  EXPECT_NE(glm["error"]["message"].get<std::string>().find("skips them"), std::string::npos);
  req["speculative"] = "ngram";  // no published acceptance: the user says
  EXPECT_EQ(estimate(req)["error"]["field"], "acceptance");
  // vLLM: n-gram, MTP and draft models through --speculative-config.
  req["runtime"] = "vllm";
  req["quant"] = "FP8";
  req["hardware"] = "rtx-4090";
  req["acceptance"] = 0.5;
  const json ng = estimate(req);
  ASSERT_TRUE(ng["ok"].get<bool>()) << ng.dump();
  EXPECT_NE(ng["commands"]["vllm"].get<std::string>().find(
                R"(--speculative-config '{"method":"ngram","num_speculative_tokens":3}')"),
            std::string::npos)
      << ng["commands"]["vllm"];
  EXPECT_EQ(ng["speed"]["speculative"]["method"], "ngram");
  req["speculative"] = "draft";
  req["draft_model"] = "llama-3.2-1b";
  const json dr = estimate(req);
  ASSERT_TRUE(dr["ok"].get<bool>()) << dr.dump();
  EXPECT_NE(
      dr["commands"]["vllm"].get<std::string>().find(
          R"('{"method":"draft_model","model":"meta-llama/Llama-3.2-1B-Instruct","num_speculative_tokens":3}')"),
      std::string::npos)
      << dr["commands"]["vllm"];
  // vLLM insists on the same vocabulary size (llama.cpp allows 128 tokens of difference), and a
  // GGUF file type is not a vLLM draft format.
  req["draft_model"] = "qwen3-0.6b";
  EXPECT_EQ(estimate(req)["error"]["field"], "draft_model");
  req["draft_model"] = "llama-3.2-1b";
  req["draft_quant"] = "Q4_K_M";
  EXPECT_EQ(estimate(req)["error"]["field"], "draft_quant");
  req.erase("draft_quant");
  // vLLM's "mtp" method reads GLM-4.5's nextn block, which llama.cpp skips.
  const json glm_vllm = estimate({{"model", "glm-4.5"},
                                  {"quant", "FP8"},
                                  {"hardware", "h200-sxmx8"},
                                  {"runtime", "vllm"},
                                  {"speculative", "mtp"},
                                  {"inverse", false}});
  ASSERT_TRUE(glm_vllm["ok"].get<bool>()) << glm_vllm.dump();
  EXPECT_EQ(glm_vllm["commands"]["vllm"].get<std::string>().rfind("vllm serve zai-org/GLM-4.5 ", 0),
            0u)
      << glm_vllm["commands"]["vllm"];
  EXPECT_NE(glm_vllm["commands"]["vllm"].get<std::string>().find(R"("method":"mtp")"),
            std::string::npos);
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// EAGLE-3 (vLLM method eagle3), by hand. The head for Llama 3.1 8B (SafeAILab's config): fc
// 3 x 4096 -> 4096 = 50,331,648; Q/K/V from 2 x 4096 = 8192 inputs: 8192 x (4096 + 1024 + 1024)
// = 50,331,648; O 16,777,216; gate/up/down 3 x 4096 x 14336 = 176,160,768; output head
// 4096 x 32,000 = 131,072,000; four norms of 4096: 424,689,664 parameters, 849.4 MB at 16 bits,
// which the repository's 850 MB pytorch_model.bin holds (with its d2t/t2d maps).
TEST(Speculative, Eagle3HeadWeightsAndKvByHand) {
  const ModelEntry* h = builtin_catalog().model("eagle3-llama-3.1-8b");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->kind, "draft-head");
  EXPECT_EQ(h->parameters, 424689664u);
  const json q = {{"model", "llama-3.1-8b"},
                  {"quant", "BF16"},
                  {"context", 8192},
                  {"hardware", "rtx-4090"},
                  {"runtime", "vllm"},
                  {"speculative", "eagle3"},
                  {"draft_model", "eagle3-llama-3.1-8b"},
                  {"draft_max", 4},
                  {"acceptance", 0.755},
                  {"inverse", false}};
  const json r = estimate(q);
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& s = r["speed"]["speculative"];
  // Weights: the 424,673,280 matrix weights at 2 B; the flat format keeps 1-D tensors at 4 B
  // (16,384 norm weights) and d2t's 32,000 int64 entries are 8 B each. KV: one layer of 8 KV
  // heads x 128 x (K + V) x 2 B = 4 KiB per token, for 8192 tokens = 32 MiB.
  const uint64_t weights = 424673280ull * 2 + 16384 * 4 + 32000 * 8;
  EXPECT_EQ(s["draft_bytes"].get<uint64_t>(), weights + 8192ull * 4096);
  json plain = q;
  plain.erase("speculative");
  plain.erase("draft_model");
  const json p = estimate(plain);
  EXPECT_EQ(r["memory"]["devices"][0]["overhead_bytes"].get<uint64_t>(),
            p["memory"]["devices"][0]["overhead_bytes"].get<uint64_t>() + weights + 8192ull * 4096);
  // Speed: a drafted token reads the head (849,668,096 B) where a model token reads every layer
  // and the output head (all BF16 weights but the token embeddings and the 64 f32 rope_freqs).
  const uint64_t model_reads =
      r["memory"]["weights_bytes"].get<uint64_t>() - 128256ull * 4096 * 2 - 64 * 4;
  const double t = 1 / r["speed"]["decode_tps"].get<double>();
  const double t_draft = t * static_cast<double>(weights) / static_cast<double>(model_reads);
  const double e = (1 - std::pow(0.755, 5)) / (1 - 0.755);
  const double step = 4 * t_draft + std::max(t, 5 / r["speed"]["prefill_tps"].get<double>());
  EXPECT_NEAR(s["tokens_per_step"].get<double>(), e, 1e-12);
  EXPECT_NEAR(s["step_seconds"].get<double>(), step, 1e-12);
  EXPECT_NEAR(s["decode_tps"].get<double>(), e / step, 1e-9);
  EXPECT_NE(
      r["commands"]["vllm"].get<std::string>().find(
          R"("method":"eagle3","model":"yuhuili/EAGLE3-LLaMA3.1-Instruct-8B","num_speculative_tokens":4)"),
      std::string::npos);
  // Without an acceptance: the published EAGLE-3 range.
  json u = q;
  u.erase("acceptance");
  EXPECT_EQ(estimate(u)["speed"]["speculative"]["acceptance_band"], json({0.604, 0.769}));
}

// The constant-acceptance formula against vLLM's published EAGLE-3 acceptance lengths for
// Llama-3.1-8B at 2-7 drafted tokens (vllm issue #20780: 2.36, 2.79, 3.08, 3.32, 3.46, 3.54):
// one acceptance, 0.75, gives each within 2.5 % (2.31, 2.73, 3.05, 3.29, 3.47, 3.60).
TEST(Speculative, OneAcceptanceReproducesPublishedEagle3AcceptanceLengths) {
  const double published[] = {2.36, 2.79, 3.08, 3.32, 3.46, 3.54};
  for (int k = 2; k <= 7; ++k) {
    const double e = (1 - std::pow(0.75, k + 1)) / (1 - 0.75);
    EXPECT_NEAR(e / published[k - 2], 1.0, 0.025) << "k = " << k;
  }
}

TEST(Speculative, Eagle3RefusalsNameTheField) {
  const auto err = [](json q) {
    q["command"] = "estimate";
    const json r = json::parse(handle_request(q.dump()));
    EXPECT_FALSE(r["ok"].get<bool>()) << r.dump();
    return r["error"];
  };
  const json vllm = {{"model", "llama-3.1-8b"},
                     {"quant", "BF16"},
                     {"context", 8192},
                     {"hardware", "rtx-4090"},
                     {"runtime", "vllm"},
                     {"speculative", "eagle3"},
                     {"draft_model", "eagle3-llama-3.1-8b"}};
  // LM Studio offers draft models only.
  json q = vllm;
  q["runtime"] = "lm-studio";
  q["quant"] = "Q8_0";
  EXPECT_EQ(err(q)["field"], "speculative");
  // A head for another model: Qwen3-8B has the same width but a 151,936-token vocabulary.
  q = vllm;
  q["model"] = "qwen3-8b";
  json e = err(q);
  EXPECT_EQ(e["field"], "draft_model");
  EXPECT_NE(e["message"].get<std::string>().find("151936"), std::string::npos);
  // A head is not a draft model, a draft model is not a head, and a head is not a model.
  q = vllm;
  q["speculative"] = "draft";
  EXPECT_EQ(err(q)["field"], "draft_model");
  q = vllm;
  q["draft_model"] = "llama-3.2-1b";
  EXPECT_EQ(err(q)["field"], "draft_model");
  q = vllm;
  q.erase("speculative");
  q.erase("draft_model");
  q["model"] = "eagle3-llama-3.1-8b";
  EXPECT_EQ(err(q)["field"], "model");
  // The module keeps working after the errors.
  EXPECT_TRUE(estimate(vllm)["ok"].get<bool>());
}

// A draft the user brought. Its GGUF's own tensors stand for its weights (llama-2-tiny-random:
// 1,026,144 tensor bytes, one layer, 8-wide, 2 KV heads of 4, a 32,000-token vocabulary, F16),
// with an f16 cache (-ctkd default) of 1 x 4,096 x (8 + 8) x 2 B = 131,072 B and its compute
// buffer: a ubatch of logits, 32,000 x 512 x 4 B = 65,536,000 B, and one activation row,
// 512 x 8 x 4 B = 16,384 B. Its config.json twin drafts exactly like the catalog entry it
// describes (Qwen3-0.6B's published config against the catalog's qwen3-0.6b).
TEST(Speculative, DraftFromTheUsersOwnFile) {
  RUNCHECK_NEEDS_SHARED();
  const std::string f =
      test::read_text(test::shared_dir() + "/fixtures/gguf/llama-2-tiny-random.gguf");
  const json g = import_gguf(reinterpret_cast<const uint8_t*>(f.data()), f.size(), f.size(),
                             "llama-2-tiny-random.gguf");
  ASSERT_TRUE(g["ok"].get<bool>()) << g.dump();
  ASSERT_EQ(g["summary"]["weights_bytes"].get<uint64_t>(), 1026144u);
  json req = {{"model", "llama-2-7b"},  {"quant", "Q4_K_M"},      {"context", 4096},
              {"hardware", "rtx-3090"}, {"speculative", "draft"}, {"draft_model", g["model"]},
              {"inverse", false}};
  const json r = estimate(req);
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& sp = r["speed"]["speculative"];
  EXPECT_EQ(sp["draft_bytes"].get<uint64_t>(), 1026144u + 131072u + 65536000u + 16384u);
  EXPECT_EQ(sp["draft_quant"], "F16");  // the file's own type
  EXPECT_NE(r["commands"]["llama_server"].get<std::string>().find("-md llama-2-tiny-random.gguf "),
            std::string::npos)
      << r["commands"]["llama_server"];
  // A GGUF is used as it is: another draft_quant is refused, naming the field.
  req["draft_quant"] = "Q8_0";
  const json bad = estimate(req);
  EXPECT_EQ(bad["error"]["field"], "draft_quant") << bad.dump();

  const json c = json::parse(handle_request(json{
      {"command", "import"},
      {"config", test::read_json(test::shared_dir() + "/fixtures/hf/Qwen3-0.6B/config.json")},
      {"name", "qwen3-0.6b-own"}}.dump()));
  ASSERT_TRUE(c["ok"].get<bool>()) << c.dump();
  json own = {{"model", "qwen3-8b"}, {"context", 8192},        {"hardware", "rtx-3090"},
              {"inverse", false},    {"speculative", "draft"}, {"draft_model", c["model"]}};
  json cat = own;
  cat["draft_model"] = "qwen3-0.6b";
  const json a = estimate(own), b = estimate(cat);
  ASSERT_TRUE(a["ok"].get<bool>()) << a.dump();
  EXPECT_EQ(a["speed"]["speculative"]["draft_bytes"], b["speed"]["speculative"]["draft_bytes"]);
  EXPECT_EQ(a["speed"]["speculative"]["decode_tps"], b["speed"]["speculative"]["decode_tps"]);
  // An id that is neither a catalog model nor a file brought says so.
  own["draft_model"] = "user:never-imported";
  const json none = estimate(own);
  EXPECT_EQ(none["error"]["field"], "draft_model");
  EXPECT_NE(none["error"]["message"].get<std::string>().find("nor a model file you brought"),
            std::string::npos);
}

// The α constants reproduce what was published: llama.cpp's accepted / drafted at a fixed draft
// length k is (α - α^(k+1)) / (k (1 - α)), a step emits its accepted tokens plus one, and an
// acceptance length (the bonus token included) is (1 - α^(k+1)) / (1 - α).
TEST(Speculative, AcceptanceConstantsReproduceThePublishedRuns) {
  const auto rate = [](double a, int k) { return (a - std::pow(a, k + 1)) / (k * (1 - a)); };
  const auto length = [](double a, int k) { return (1 - std::pow(a, k + 1)) / (1 - a); };
  // Draft pairs: 313 accepted over 371 - 313 = 58 steps of 16 (PR #10455); 526 over 673 - 526 =
  // 147 steps of 5 (issue #5877).
  EXPECT_NEAR(length(kDraftAcceptanceLow, 16) - 1, 313.0 / 58, 0.02);
  EXPECT_NEAR(length(kDraftAcceptanceHigh, 5) - 1, 526.0 / 147, 0.01);
  // MTP on llama.cpp's mtp-bench: translation 0.406 at 4 (PR #22673); code, lowest 0.646 at 3
  // (PR #24340) and highest 0.811 at 4; chat 0.470 and 0.719 at 4; math 0.745 at 4 and 0.798 at
  // 3; summarization 0.778 at 3 and 0.750 at 4.
  EXPECT_NEAR(rate(kMtpAcceptanceLow, 4), 0.406, 0.001);
  EXPECT_NEAR(rate(kMtpCodeLow, 3), 0.646, 0.001);
  EXPECT_NEAR(rate(kMtpCodeHigh, 4), 0.811, 0.001);
  EXPECT_NEAR(rate(kMtpChatLow, 4), 0.470, 0.001);
  EXPECT_NEAR(rate(kMtpChatHigh, 4), 0.719, 0.001);
  EXPECT_NEAR(rate(kMtpMathLow, 4), 0.745, 0.001);
  EXPECT_NEAR(rate(kMtpMathHigh, 3), 0.798, 0.001);
  EXPECT_NEAR(rate(kMtpSummarizeLow, 3), 0.778, 0.001);
  EXPECT_NEAR(rate(kMtpSummarizeHigh, 4), 0.750, 0.001);
  // EAGLE-3: MT-Bench 2.26 and 2.811 at 3 (vLLM); HumanEval 3.62 at 7 and 1.83 at 1, GSM8K 4.02
  // and 1.86, CNN/DailyMail 2.63 and 1.69 (RedHatAI's Maverick head).
  EXPECT_NEAR(length(kEagle3ChatLow, 3), 2.26, 0.005);
  EXPECT_NEAR(length(kEagle3ChatHigh, 3), 2.811, 0.005);
  EXPECT_NEAR(length(kEagle3CodeLow, 7), 3.62, 0.005);
  EXPECT_NEAR(length(kEagle3CodeHigh, 1), 1.83, 0.005);
  EXPECT_NEAR(length(kEagle3MathLow, 7), 4.02, 0.005);
  EXPECT_NEAR(length(kEagle3MathHigh, 1), 1.86, 0.005);
  EXPECT_NEAR(length(kEagle3SummarizeLow, 7), 2.63, 0.005);
  EXPECT_NEAR(length(kEagle3SummarizeHigh, 1), 1.69, 0.005);
}

// A task narrows the band to that task's published runs; without any, the method's range,
// said so; an unknown task is refused naming the field.
TEST(Speculative, TaskPicksThePublishedBandForThatText) {
  json mtp = {{"model", "deepseek-v3"}, {"quant", "Q2_K"}, {"hardware", "h200-sxmx8"},
              {"speculative", "mtp"},   {"task", "code"},  {"inverse", false}};
  json r = estimate(mtp);
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& s = r["speed"]["speculative"];
  EXPECT_EQ(s["acceptance_band"], json({kMtpCodeLow, kMtpCodeHigh}));
  EXPECT_EQ(s["acceptance_task"], "code");
  // The figure at the band's middle: E = (1 - a^4) / (1 - a) at a = (0.797 + 0.918) / 2.
  const double a = (kMtpCodeLow + kMtpCodeHigh) / 2;
  EXPECT_NEAR(s["tokens_per_step"].get<double>(), (1 - std::pow(a, 4)) / (1 - a), 1e-12);
  mtp["task"] = "summarization";
  EXPECT_EQ(estimate(mtp)["speed"]["speculative"]["acceptance_band"],
            json({kMtpSummarizeLow, kMtpSummarizeHigh}));
  // Draft models have no per-task runs: the whole range, and the estimate says why.
  json draft = kBase;
  draft["speculative"] = "draft";
  draft["draft_model"] = "llama-3.2-1b";
  draft["task"] = "math";
  r = estimate(draft);
  EXPECT_EQ(r["speed"]["speculative"]["acceptance_band"], json({0.854, 0.890}));
  EXPECT_TRUE(r["speed"]["speculative"]["acceptance_task"].is_null());
  bool said = false;
  for (const auto& x : r["assumptions"])
    said = said || x.get<std::string>().find("no published per-task acceptance for draft") !=
                       std::string::npos;
  EXPECT_TRUE(said) << r["assumptions"].dump();
  draft["task"] = "poetry";
  EXPECT_EQ(estimate(draft)["error"]["field"], "task");
}

// EAGLE-3 on llama-server (--spec-type draft-eagle3; src/models/eagle3.cpp at 3f545be loads the
// same tensors from the head's own GGUF): yuhuili's Llama-3.1-8B head as F16 holds fc 3 x 4096
// x 4096 = 50,331,648; q 8192 x 4096 = 33,554,432; k and v 8192 x 1024 = 8,388,608 each; o
// 4096 x 4096 = 16,777,216; gate, up and down 4096 x 14,336 = 58,720,256 each; the output head
// 4096 x 32,000 = 131,072,000: 424,673,280 x 2 B = 849,346,560 B, plus four 4096-wide F32 norms
// (65,536 B) and d2t, 32,000 int64 (256,000 B): 849,668,096 B. Its own f16 cache: 1 layer x
// 8,192 x (1024 + 1024) x 2 B = 33,554,432 B. Its compute buffer (flash attention) is the FFN
// phase: the gate and up outputs, 2 x 14,336 x 512 x 4 B = 58,720,256, and 4 activation rows of
// 4096 x 512 x 4 B = 33,554,432: 92,274,688 B, above its logits over the 32,000-token draft
// vocabulary (32,000 x 512 x 4 B = 65,536,000 B and one activation row), not the target's
// 128,256.
TEST(Speculative, Eagle3HeadOnLlamaServerByHand) {
  const json r = estimate({{"model", "llama-3.1-8b"},
                           {"quant", "Q4_K_M"},
                           {"context", 8192},
                           {"hardware", "rtx-4090"},
                           {"speculative", "eagle3"},
                           {"draft_model", "eagle3-llama-3.1-8b"},
                           {"inverse", false}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& s = r["speed"]["speculative"];
  EXPECT_EQ(s["draft_quant"], "F16");
  EXPECT_EQ(s["draft_bytes"].get<uint64_t>(), 849668096u + 33554432u + 92274688u);
  // On the first GPU, its own segment of the bar.
  EXPECT_EQ(r["memory"]["devices"][0]["speculative_bytes"], s["draft_bytes"]);
  EXPECT_NE(r["commands"]["llama_server"].get<std::string>().find(
                "--spec-type draft-eagle3 -md <eagle3-llama-3.1-8b-F16.gguf> "
                "--spec-draft-n-max 3"),
            std::string::npos)
      << r["commands"]["llama_server"];
}

}  // namespace
}  // namespace runcheck
