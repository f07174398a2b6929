// Troubleshoot: the log reader on real runtime logs (shared/fixtures/logs, cited in its README)
// and on hand-written lines; the diagnosis (request rebuilt from the log, runcheck's buffers
// beside the log's, what overflowed, checked fixes). Expected values are read off the logs.

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "diagnose_internal.h"
#include "runcheck/api.h"
#include "runcheck/logread.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

LogFacts read_fixture(const std::string& name) {
  auto r = read_log(test::read_text(test::shared_dir() + "/fixtures/logs/" + name));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : LogFacts{};
}
json diagnose_fixture(const std::string& name, json extra = json::object()) {
  const json r = json::parse(handle_diagnose(
      test::read_text(test::shared_dir() + "/fixtures/logs/" + name), extra.dump()));
  EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
  return r;
}
double buffer(const LogFacts& f, const std::string& dev, const std::string& kind) {
  double mib = 0;
  for (const auto& b : f.buffers)
    if (b.device == dev && b.kind == kind) mib += b.mib;
  return mib;
}

TEST(LogRead, Llamacpp2024CudaLoadedLog) {
  RUNCHECK_NEEDS_SHARED();
  const LogFacts f =
      read_fixture("llamacpp_cuda_v100-16gb_pythia-2.8b-f16_c2048_loaded_ggml-ci.log");
  EXPECT_EQ(f.runtime, "llama.cpp");
  EXPECT_EQ(f.build, "3472 (b5e95468)");
  EXPECT_EQ(f.program, "llama-cli");
  EXPECT_EQ(f.flags.at("-ngl"), "999");
  ASSERT_EQ(f.devices.size(), 1u);
  EXPECT_EQ(f.devices[0].id, "CUDA0");
  EXPECT_EQ(f.devices[0].name, "Tesla V100-PCIE-16GB");
  EXPECT_EQ(f.arch, "gptneox");
  EXPECT_EQ(f.n_layer, 32u);
  EXPECT_EQ(f.n_embd, 2560u);
  EXPECT_EQ(f.n_head_kv, 32u);
  EXPECT_EQ(f.n_ctx_train, 2048u);
  EXPECT_DOUBLE_EQ(*f.params_b, 2.78);
  EXPECT_DOUBLE_EQ(*f.file_gib, 5.17);
  EXPECT_EQ(f.n_ctx, 2048u);
  EXPECT_EQ(f.n_ubatch, 512u);
  EXPECT_EQ(f.flash_attn, "off");
  EXPECT_EQ(f.type_k, "f16");
  EXPECT_EQ(f.layers_offloaded, 33u);
  EXPECT_EQ(f.layers_total, 33u);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "model"), 5049.71);
  EXPECT_DOUBLE_EQ(buffer(f, "CPU", "model"), 245.62);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "kv"), 640.00);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "compute"), 162.00);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA_Host", "compute"), 9.01);
  EXPECT_TRUE(f.failures.empty());
}

// A log without a build number is dated by a line only some builds print: "LLAMA_SET_ROWS=0,
// using old ggml_cpy() method" came with b5817 (PR #14285) and went with b6307 (PR #15505).
TEST(LogRead, TheSetRowsLineDatesABuildlessLog) {
  RUNCHECK_NEEDS_SHARED();
  const LogFacts f = read_fixture("llamacpp_rocm_gfx1100_c4096_weights-not-offloaded.log");
  EXPECT_TRUE(f.build.empty());
  EXPECT_EQ(f.build_at_least, 5817u);
  EXPECT_EQ(f.build_before, 6307u);
  const json d =
      diagnose_fixture("llamacpp_rocm_gfx1100_c4096_weights-not-offloaded.log",
                       {{"model", "qwen3-14b"}, {"quant", "Q8_0"}, {"hardware", "rx-7900-xtx"}});
  EXPECT_EQ(d["request"]["llamacpp_build"], 5817);
  // A log that prints its build keeps it.
  auto r = read_log(
      "build: 7000 (abc)\nllama_kv_cache_unified: LLAMA_SET_ROWS=0, using old ggml_cpy() method\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().build_at_least, 5817u);
  EXPECT_EQ(r.value().build.substr(0, 4), "7000");
}

// A log that prints no shape is matched by its model buffers when exactly one catalog model and
// type holds that many bytes: the ROCm log's CPU_Mapped 14965.61 MiB is Qwen3-14B Q8_0's
// 15,692,574,720 bytes (14965.605 MiB). A size no model has, or a shared one, matches nothing.
TEST(Diagnose, AModelIsMatchedByItsBuffersWhenTheLogPrintsNoShape) {
  RUNCHECK_NEEDS_SHARED();
  const json d = diagnose_fixture("llamacpp_rocm_gfx1100_c4096_weights-not-offloaded.log",
                                  {{"hardware", "rx-7900-xtx"}});
  EXPECT_EQ(d["request"]["model"], "qwen3-14b");
  EXPECT_EQ(d["request"]["quant"], "Q8_0");
  EXPECT_NE(d["mapping"]["model_how"].get<std::string>().find("14965.61 MiB"), std::string::npos)
      << d["mapping"].dump();
  const json none = json::parse(
      handle_diagnose("load_tensors:   CPU_Mapped model buffer size = 12345.67 MiB\n", "{}"));
  ASSERT_TRUE(none["ok"].get<bool>());
  EXPECT_FALSE(none["request"].contains("model"));
}

TEST(LogRead, AllocationFailuresNameTheBuffer) {
  RUNCHECK_NEEDS_SHARED();
  // KV cache: 204800.00 MiB on device 0, then "failed to allocate buffer for kv cache".
  LogFacts f = read_fixture("llamacpp-python_cuda_4xa100-80gb_deepseek-v3-q2kl_oom-kv.log");
  ASSERT_EQ(f.failures.size(), 1u);
  EXPECT_EQ(f.failures[0].device, "CUDA0");
  EXPECT_EQ(f.failures[0].kind, "kv");
  EXPECT_DOUBLE_EQ(f.failures[0].mib, 204800.00);
  // Compute buffer (Ollama 2024, 64k context): 4507.00 MiB, the bytes line is the same failure.
  f = read_fixture("ollama_cuda_win_llama3-8b-64k_c65536_oom-compute.log");
  ASSERT_EQ(f.failures.size(), 1u);
  EXPECT_EQ(f.failures[0].kind, "compute");
  EXPECT_DOUBLE_EQ(f.failures[0].mib, 4507.00);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA_Host", "kv"), 8192.00);
  EXPECT_EQ(f.n_ctx, 65536u);
  // Model weights (2026): 144817.04 MiB on a 3090 with 23863 MiB free.
  f = read_fixture("llamacpp_cuda_rtx3090_qwen35-397b-a17b-q4ks_c262144_oom-model-buffer.log");
  ASSERT_EQ(f.failures.size(), 1u);
  EXPECT_EQ(f.failures[0].kind, "model");
  EXPECT_DOUBLE_EQ(f.failures[0].mib, 144817.04);
  EXPECT_EQ(f.build, "8284 (00de61534)");
  ASSERT_EQ(f.devices.size(), 1u);
  EXPECT_DOUBLE_EQ(*f.devices[0].total_mib, 24126);
  EXPECT_DOUBLE_EQ(*f.devices[0].free_mib, 23863);
  // System RAM with mmap off: 437944320 bytes on the CPU.
  f = read_fixture("ollama_cpu-win_qwen2_nommap_cpu-buffer-alloc-failed.log");
  ASSERT_EQ(f.failures.size(), 1u);
  EXPECT_EQ(f.failures[0].device, "CPU");
  EXPECT_EQ(f.failures[0].kind, "host");
  EXPECT_DOUBLE_EQ(f.failures[0].mib, 437944320.0 / (1024 * 1024));
  // PyTorch (vLLM 0.8 workers): 1.74 GiB on GPU 1 with 605.88 MiB free of 23.57 GiB.
  f = read_fixture("vllm_cuda_2x24gb-tp2_qwq-32b-awq_v0.8.0_oom-1.74gib.log");
  ASSERT_FALSE(f.failures.empty());
  EXPECT_EQ(f.runtime, "vllm");
  EXPECT_NEAR(f.failures[0].mib, 1.74 * 1024, 1e-9);
  EXPECT_NEAR(*f.failures[0].free_mib, 605.88, 1e-9);
}

TEST(LogRead, NewFormatsOllamaVllmMlxAndTheBreakdownTable) {
  RUNCHECK_NEEDS_SHARED();
  // Ollama new engine: "model weights" / "kv cache" / "compute graph" per device; 0/25 offloaded.
  LogFacts f = read_fixture("ollama_cpu_gpt-oss-mxfp4_0of25-offloaded.log");
  EXPECT_EQ(f.runtime, "ollama");
  EXPECT_EQ(f.layers_offloaded, 0u);
  EXPECT_EQ(f.layers_total, 25u);
  EXPECT_DOUBLE_EQ(buffer(f, "CPU", "model"), 12.8 * 1024);
  EXPECT_DOUBLE_EQ(buffer(f, "CPU", "kv"), 300.0);
  // The July 2025 test build of that engine (ollama PR #11090) named the device buffer= for the
  // weights and backend= for the compute graph, and the file on a source=ggml.go line.
  f = read_fixture("ollama_cuda_2gpu_mistral3-q8_0_newengine_loaded.log");
  EXPECT_EQ(f.arch, "mistral3");
  EXPECT_EQ(f.file_type, "Q8_0");
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "model"), 11.0 * 1024);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA1", "model"), 11.0 * 1024);
  EXPECT_DOUBLE_EQ(buffer(f, "CPU", "model"), 2.1 * 1024);
  EXPECT_EQ(f.layers_offloaded, 40u);
  // vLLM V0: max seq len 4096 against a KV cache of 3664 tokens; 229 GPU blocks.
  f = read_fixture("vllm_cuda_1gpu_llama2-7b-fp16_c4096_kv-insufficient_v0.2.log");
  EXPECT_EQ(f.vllm_max_seq_len, 4096u);
  EXPECT_EQ(f.vllm_kv_tokens, 3664u);
  EXPECT_EQ(f.vllm_gpu_blocks, 229u);
  // vLLM V1: "GPU KV cache size: 175,856 tokens" (thousands separator).
  f = read_fixture("vllm_cuda_24gb_qwen3-1.7b_c1024_kv-cache-size.log");
  EXPECT_EQ(f.vllm_kv_tokens, 175856u);
  EXPECT_NEAR(*f.vllm_kv_gib, 18.78, 1e-9);
  // mlx-lm peak memory.
  f = read_fixture("mlx_m2ultra_mistral-7b-4bit_34k-prompt_peak-memory.log");
  EXPECT_EQ(f.runtime, "mlx");
  EXPECT_DOUBLE_EQ(*f.mlx_peak_gb, 9.111);  // the last run printed
  // The 2026 breakdown table, printed after each fit trial: the last one counts.
  f = read_fixture("ollama-llamaserver_cuda_5090+3090_fit-breakdown.log");
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA1", "kv"), 18432);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA1", "model"), 1346);
  EXPECT_DOUBLE_EQ(buffer(f, "CPU", "model"), 1333);
  ASSERT_EQ(f.devices.size(), 2u);
  EXPECT_EQ(f.devices[1].name, "RTX 3090");
  EXPECT_DOUBLE_EQ(*f.devices[1].total_mib, 24575);
  // Metal over its working set: 5738.22 allocated of 5461.34 MB.
  f = read_fixture("llamacpp_metal_mac8gb_kv400mib_exceeds-working-set-warning.log");
  EXPECT_GT(*f.metal_allocated_mib, *f.metal_working_set_mib);
}

TEST(LogRead, EveryErrorLineInTheFixturesIsRecognised) {
  RUNCHECK_NEEDS_SHARED();
  // One knowledge-base entry per failure shape, read off each log's error line.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"llamacpp-python_cuda_4xa100-80gb_deepseek-v3-q2kl_oom-kv.log", "kv-cache-buffer-failed"},
      {"ollama_cuda_win_llama3-8b-64k_c65536_oom-compute.log", "compute-buffers-failed"},
      {"llamacpp_vulkan_iris-xe_gemma3n-e4b-q8_0_c8192_device-lost.log", "vulkan-device-lost"},
      {"llamacpp_metal_m2pro_mtp-27b_c131072_insufficient-memory.log", "metal-insufficient-memory"},
      {"vllm_cuda_1gpu_llama2-7b-fp16_c4096_kv-insufficient_v0.2.log",
       "vllm-max-seq-len-exceeds-kv"},
      {"llamacpp_cuda_4x3090_glm51-q8_0_fit-failed.log", "fit-params-failed"}};
  for (const auto& [file, id] : cases) {
    const LogFacts f = read_fixture(file);
    bool found = false;
    for (const auto& e : f.errors) found |= e.id == id;
    EXPECT_TRUE(found) << file << " should match " << id;
  }
}

TEST(Diagnose, AnMmprojInTheLogIsReadAsVisionAndMatched) {
  // llama.cpp b6923 loading the Mistral Small 3.2 mmproj on ROCm0: the first ten lines are as a
  // user posted them in ggml-org/llama.cpp issue 16842 (a selection). The last is constructed in
  // clip.cpp's format for the encoder's own compute buffer (reserve_compute_meta), which must not
  // be read as the model's compute buffer; its value is arbitrary, only where it is filed is
  // checked.
  const std::string log =
      "clip_model_loader: model name:   Mistral Small 3.2 24B Instruct 2506\n"
      "clip_model_loader: n_tensors:    223\n"
      "clip_model_loader: has vision encoder\n"
      "clip_ctx: CLIP using ROCm0 backend\n"
      "load_hparams: projector:          pixtral\n"
      "load_hparams: n_embd:             1024\n"
      "load_hparams: n_head:             16\n"
      "load_hparams: n_ff:               4096\n"
      "load_hparams: n_layer:            24\n"
      "load_hparams: model size:         837.36 MiB\n"
      "reserve_compute_meta:      ROCm0 compute buffer size =    52.05 MiB\n";
  auto f = read_log(log);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f.value().clip_device, "ROCm0");
  EXPECT_DOUBLE_EQ(buffer(f.value(), "ROCm0", "mmproj"), 837.36);
  EXPECT_DOUBLE_EQ(buffer(f.value(), "ROCm0", "encoder"), 52.05);
  EXPECT_DOUBLE_EQ(buffer(f.value(), "ROCm0", "compute"), 0);
  const json r = json::parse(handle_diagnose(log, json{{"model", "mistral-small-3.1-24b"},
                                                       {"quant", "Q4_K_M"},
                                                       {"hardware", "rx-7900-xtx"},
                                                       {"context", 4096}}
                                                      .dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["request"]["vision"], true);
  bool weights = false;
  for (const auto& c : r["comparison"])
    if (c["kind"] == "mmproj") {
      weights = true;
      EXPECT_TRUE(c["match"].get<bool>()) << c.dump();
      EXPECT_NEAR(c["runcheck_mib"].get<double>(), 837.36, 0.005);  // 878,039,040 B
    }
  EXPECT_TRUE(weights) << r["comparison"].dump();
}

TEST(Diagnose, LmStudioDebugLogWithAFullSizeSwaCacheIsMatched) {
  RUNCHECK_NEEDS_SHARED();
  // LM Studio's developer log (lmstudio-bug-tracker #1395): llama.cpp's lines under
  // "2026-01-21 16:56:58 [DEBUG]" headers, the context only in the "n_ctx_seq (11520) <
  // n_ctx_train (131072)" warning, and "using full-size SWA cache": the 40 sliding layers hold
  // all 11,520 cells. Gemma 3 12B (8 KV heads x 256, f16): 8 full layers x 11,520 x 8,192 B =
  // 720.00 MiB and 40 sliding ones 3600.00 MiB, as logged.
  const std::string name = "lmstudio_rocm-win_gemma3-iswa_c11520_kv-buffers.log";
  const LogFacts f = read_fixture(name);
  EXPECT_EQ(f.runtime, "lmstudio");
  EXPECT_EQ(f.n_ctx_seq, 11520u);
  EXPECT_EQ(f.n_ctx_train, 131072u);
  EXPECT_TRUE(f.swa_full);
  const json d = diagnose_fixture(
      name, {{"model", "gemma-3-12b"}, {"quant", "Q4_K_M"}, {"hardware", "radeon-pro-w7900"}});
  EXPECT_EQ(d["request"]["context"], 11520);
  EXPECT_EQ(d["request"]["runtime"], "lmstudio");
  double kv = 0, logged = 0;
  for (const auto& c : d["comparison"])
    if (c["kind"] == "kv") {
      kv = c["runcheck_mib"].get<double>();
      logged = c["log_mib"].get<double>();
    }
  EXPECT_DOUBLE_EQ(logged, 720.0 + 3600.0);
  EXPECT_DOUBLE_EQ(kv, logged);
}

TEST(Diagnose, ExpertOffloadLogIsRebuiltAndItsBuffersMatch) {
  RUNCHECK_NEEDS_SHARED();
  // Qwen3-235B-A22B Q8_0 on an A6000 with -ot moving the FFN tensors of layers 13-93 (81 layers)
  // to the CPU: read as --n-cpu-moe 81; the KV cache and the weights split match the log.
  const json d =
      diagnose_fixture("llamacpp_cuda_a6000_qwen3-235b-a22b-q8_0_c32768_expert-offload_loaded.log",
                       {{"ram_gb", 256}});
  EXPECT_EQ(d["request"]["model"], "qwen3-235b-a22b");
  EXPECT_EQ(d["request"]["quant"], "Q8_0");
  EXPECT_EQ(d["request"]["hardware"], "rtx-a6000");
  EXPECT_EQ(d["request"]["context"], 32768);
  EXPECT_EQ(d["request"]["n_cpu_moe"], 81);
  std::map<std::string, json> rows;
  for (const auto& c : d["comparison"])
    rows[c["device"].get<std::string>() + " " + c["kind"].get<std::string>()] = c;
  EXPECT_DOUBLE_EQ(rows["CUDA0 kv"]["runcheck_mib"].get<double>(), 6016.0);  // byte-exact
  EXPECT_LT(std::fabs(rows["CUDA0 model"]["diff_pct"].get<double>()), 0.5);
  EXPECT_LT(std::fabs(rows["CUDA_Host+CPU model"]["diff_pct"].get<double>()), 0.5);
  EXPECT_NE(d["estimate"]["verdict"], "will_not_run");
}

TEST(Diagnose, ModelNotInTheCatalogIsBuiltFromTheLoggedHyperparameters) {
  RUNCHECK_NEEDS_SHARED();
  // Pythia 2.8B (GPT-NeoX: fused qkv, plain 4x MLP, biases on every linear layer and norm) from
  // the ggml CI log's GGUF kv dump. Hand-checked: token_embd 50304 x 2560 F16 = 245.63 MiB on the
  // CPU; 32 layers of 78,643,200 F16 weights + 33,280 F32 biases/norms, plus output and its
  // norm = 5,295,001,600 B = 5049.72 MiB on CUDA0 (the log prints 5049.71); KV f16
  // 32 x 2 x 2560 x 2048 x 2 B = 640 MiB.
  const json d =
      diagnose_fixture("llamacpp_cuda_v100-16gb_pythia-2.8b-f16_c2048_loaded_ggml-ci.log");
  EXPECT_EQ(d["request"]["quant"], "F16");  // "all F32 (guessed)" at 16.01 bits per weight
  EXPECT_EQ(d["request"]["hardware"], "v100-16gb-pcie");
  EXPECT_EQ(d["request"]["model"].get<std::string>().rfind("user:", 0), 0u);
  std::map<std::string, double> diff;
  for (const auto& c : d["comparison"])
    diff[c["device"].get<std::string>() + " " + c["kind"].get<std::string>()] =
        c["diff_pct"].get<double>();
  EXPECT_DOUBLE_EQ(diff["CUDA0 kv"], 0.0);
  EXPECT_LT(std::fabs(diff["CUDA0 model"]), 0.01);
  EXPECT_LT(std::fabs(diff["CPU model"]), 0.01);
}

TEST(Diagnose, EveryPrintedBufferMatchesOrSaysWhy) {
  RUNCHECK_NEEDS_SHARED();
  // The llama.cpp-engine logs whose setup is known (from the log, or from the fixture README
  // where the excerpt does not print it): every buffer they print is within the engine's
  // tolerance except the listed ones, and each of those names its cause.
  struct Case {
    const char* log;
    json given;
    std::set<std::string> unmatched;
  };
  const std::vector<Case> cases = {
      {"llamacpp_cuda_v100-16gb_pythia-2.8b-f16_c2048_loaded_ggml-ci.log", json::object(), {}},
      // -ot keeps the experts in RAM: the GPU compute buffer also holds one copied expert
      // tensor (op offload): 1024.00 MiB logged, 305 + 816 = 1120.75 MiB by runcheck's upper
      // bound (+9.4 %, inside the compute tolerance).
      {"llamacpp_cuda_a6000_qwen3-235b-a22b-q8_0_c32768_expert-offload_loaded.log",
       {{"ram_gb", 256}},
       {}},
      // -ngl 0 with a ROCm card: every weight in RAM, yet ROCm0 holds a 1094.99 MiB compute
      // buffer, the whole graph plus the copied output matrix. The model is not named; its
      // buffers are Qwen3-14B Q8_0's to the byte (CPU_Mapped 14965.61 MiB, 40 layers x 8 KV
      // heads x 128, vocabulary 151936 from the 0.58 MiB output buffer). The pinned host inputs
      // changed with the build; the log prints no build number, but its "LLAMA_SET_ROWS=0"
      // line dates it to b5817-b6306, before the embeddings input joined: 10 + 8 = 18.00 MiB.
      {"llamacpp_rocm_gfx1100_c4096_weights-not-offloaded.log",
       {{"model", "qwen3-14b"}, {"quant", "Q8_0"}, {"hardware", "rx-7900-xtx"}},
       {}},
      // 65536 tokens is past Command R v01's trained 8192: the log's own context is used.
      {"llamacpp_metal_m1max-64gb_command-r-v01-q2k_c65536_kv-too-large.log",
       {{"model", "command-r-v01"}, {"quant", "Q2_K"}},
       {}},
      // Full-size SWA cache: 720 + 3600 MiB to the byte; the host compute buffer's build is
      // not printed (LM Studio's runtime).
      {"lmstudio_rocm-win_gemma3-iswa_c11520_kv-buffers.log",
       // (no weights in the excerpt: the quant does not change the KV or compute rows)
       {{"model", "gemma-3-12b"},
        {"quant", "Q4_K_M"},
        {"hardware", "rx-7900-xtx"},
        {"context", 11520}},
       {"ROCm_Host compute"}},
  };
  for (const Case& c : cases) {
    const json d = diagnose_fixture(c.log, c.given);
    ASSERT_FALSE(d["comparison"].empty()) << c.log;
    std::set<std::string> off;
    for (const auto& row : d["comparison"]) {
      const std::string name =
          row["device"].get<std::string>() + " " + row["kind"].get<std::string>();
      if (!row["match"].get<bool>()) {
        off.insert(name);
        EXPECT_TRUE(row["why"].is_string()) << c.log << ": " << name;
      }
    }
    EXPECT_EQ(off, c.unmatched) << c.log;
  }
}

TEST(Diagnose, WeightsLeftOnTheCpuAreNamed) {
  RUNCHECK_NEEDS_SHARED();
  // gfx1100: CPU_Mapped weights, CPU KV and only a compute buffer on ROCm0, no "offloaded"
  // line: read as -ngl 0, said so, and the KV (40 layers x 4096 x 1024 x 2 x f16 = 640 MiB)
  // matches once the model is named (a 40-layer, 5120-wide, 8-KV-head model).
  const json d =
      diagnose_fixture("llamacpp_rocm_gfx1100_c4096_weights-not-offloaded.log",
                       {{"model", "mistral-small-24b-2501"}, {"hardware", "rx-7900-xtx"}});
  EXPECT_EQ(d["request"]["gpu_layers"], 0);
  bool named = false;
  for (const auto& x : d["findings"]) named = named || x["kind"] == "cpu-only";
  EXPECT_TRUE(named);
  for (const auto& row : d["comparison"])
    if (row["kind"] == "kv") {
      EXPECT_DOUBLE_EQ(row["runcheck_mib"].get<double>(), 640.0);
    }
}

TEST(Diagnose, OverflowIsNamedWithSizeAndFreeMemory) {
  RUNCHECK_NEEDS_SHARED();
  const json d =
      diagnose_fixture("llamacpp_cuda_rtx3090_qwen35-397b-a17b-q4ks_c262144_oom-model-buffer.log");
  bool named = false;
  for (const auto& x : d["findings"])
    if (x["kind"] == "overflow")
      named =
          x["text"] == "the model weights needed 141.42 GiB on CUDA0; 23.30 GiB was free at load";
  EXPECT_TRUE(named) << d["findings"].dump();
}

TEST(Diagnose, VllmRefusalSaysTheContextThatFits) {
  RUNCHECK_NEEDS_SHARED();
  const json d = diagnose_fixture("vllm_cuda_rtx3090_llama31-8b_c29000_kv-insufficient.log");
  bool said = false;
  for (const auto& x : d["findings"])
    said |= x["kind"] == "vllm-kv" &&
            x["text"].get<std::string>().find("--max-model-len 23648") != std::string::npos;
  EXPECT_TRUE(said) << d["findings"].dump();
}

// vLLM V0 on an RTX 3090 (Llama 3.1 8B BF16), the same setup at max_model_len 20000 (loaded)
// and 29000 (refused). The profiling line gives the weights (14.9888 GiB), the profile run's
// peak (17.06 / 17.98 GiB: activations 2.07 / 2.99 GiB), the CUDA-visible total (23.58 GiB) and
// the KV pool (3.81 / 2.89 GiB). runcheck rebuilds the request from the log (V0 batches
// max_model_len tokens; 24 - 23.58 GiB is not the process's), matches the weights and the
// activations within 1 % and the pool within 5 %, and reaches the same two outcomes; its top
// fix for the refusal is re-run and starts.
TEST(Diagnose, VllmProfileRunIsMatchedAndItsOutcomeReproduced) {
  RUNCHECK_NEEDS_SHARED();
  const json given = {{"model", "llama-3.1-8b"}, {"quant", "BF16"}, {"hardware", "rtx-3090"}};
  struct Case {
    const char* log;
    int context;
    const char* verdict;
  };
  for (const Case& c :
       {Case{"vllm_cuda_rtx3090_llama31-8b_c20000_loaded.log", 20000, "comfortable"},
        Case{"vllm_cuda_rtx3090_llama31-8b_c29000_kv-insufficient.log", 29000, "will_not_run"}}) {
    const json d = diagnose_fixture(c.log, given);
    EXPECT_EQ(d["request"]["context"], c.context) << c.log;
    EXPECT_EQ(d["request"]["vllm_max_num_batched_tokens"], c.context) << c.log;
    EXPECT_EQ(d["request"]["gpu_reserved_mb"], 430) << c.log;  // (24 - 23.58) x 1024
    EXPECT_EQ(d["estimate"]["verdict"], c.verdict) << c.log;
    std::set<std::string> kinds;
    for (const auto& row : d["comparison"]) {
      const std::string kind = row["kind"];
      kinds.insert(kind);
      const double tol = kind == "kv pool" ? 5.0 : 1.0;
      EXPECT_LE(std::fabs(row["diff_pct"].get<double>()), tol) << c.log << " " << kind;
    }
    EXPECT_EQ(kinds, (std::set<std::string>{"model", "compute", "kv pool"})) << c.log;
    if (std::string(c.verdict) == "will_not_run") {
      ASSERT_FALSE(d["fixes"].empty());
      EXPECT_NE(d["fixes"][0]["verdict"], "will_not_run");
      EXPECT_NE(d["fixes"][0]["commands"]["vllm"].get<std::string>().find("vllm serve"),
                std::string::npos);
    }
  }
}

// vLLM 0.7-0.8's worker lines (4 x 24 GB, a MoE WNA16 model): the memory the process sees, the
// weights, the activation peak and the KV pool, read as printed; the weights and activations
// become the GPU's buffers.
TEST(LogRead, VllmWorkerMemoryLinesAreRead) {
  RUNCHECK_NEEDS_SHARED();
  const LogFacts f = read_fixture("vllm_cuda_4x24gb_moe-wna16_memory-profile_loaded.log");
  EXPECT_EQ(f.runtime, "vllm");
  EXPECT_TRUE(f.vllm_v0);
  EXPECT_DOUBLE_EQ(*f.vllm_total_gib, 23.58);
  EXPECT_DOUBLE_EQ(*f.vllm_gpu_utilization, 0.99);
  EXPECT_DOUBLE_EQ(*f.vllm_weights_gib, 21.21);
  EXPECT_DOUBLE_EQ(*f.vllm_non_torch_gib, 0.20);
  EXPECT_DOUBLE_EQ(*f.vllm_activation_gib, 0.37);
  EXPECT_DOUBLE_EQ(*f.vllm_kv_gib, 1.57);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "model"), 21.21 * 1024);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "compute"), 0.37 * 1024);
}

// vLLM V0 above a 32K max_model_len turned chunked prefill on by itself and profiled 2048
// batched tokens (vllm/engine/arg_utils.py use_long_context, config.py SchedulerConfig): the R1
// distill at 131072 on two RTX 4090s (TP 2) is rebuilt that way, and refused as vLLM refused it.
// runcheck's own largest context there (99,584) is above vLLM's 81,536: the memory NCCL and the
// CUDA graphs take beside the model under tensor parallelism is not modelled (README says so).
TEST(Diagnose, VllmV0LongContextBatchesTwoThousandTokens) {
  RUNCHECK_NEEDS_SHARED();
  const json d = diagnose_fixture(
      "vllm_cuda_2x4090-tp2_r1-distill-qwen-14b_c131072_kv-insufficient.log",
      {{"model", "deepseek-r1-distill-qwen-14b"}, {"quant", "BF16"}, {"hardware", "rtx-4090x2"}});
  EXPECT_EQ(d["request"]["context"], 131072);
  EXPECT_EQ(d["request"]["vllm_max_num_batched_tokens"], 2048);
  EXPECT_EQ(d["request"]["gpu_memory_utilization"], 0.98);
  EXPECT_EQ(d["estimate"]["verdict"], "will_not_run");
}

// Hand-written lines: no fixture needed.
TEST(LogRead, HandWrittenLinesAndCaps) {
  const std::string log =
      "main: build = 4000 (abcdef12)\n"
      "llama_model_load_from_file_impl: using device CUDA0 (NVIDIA GeForce RTX 4090) - 20000 MiB "
      "free\r\n"
      "print_info: n_layer          = 32\n"
      "print_info: file type   = Q4_K - Medium\n"
      "llama_context: n_ctx         = 8192\n"
      "llama_context: flash_attn    = enabled\n"
      "llama_kv_cache:      CUDA0 KV buffer size =  1024.00 MiB\n"
      "load_tensors:        CUDA0 model buffer size =  4403.49 MiB\n";
  auto r = read_log(log);
  ASSERT_TRUE(r.ok());
  const LogFacts& f = r.value();
  EXPECT_EQ(f.build, "4000 (abcdef12)");
  ASSERT_EQ(f.devices.size(), 1u);
  EXPECT_EQ(f.devices[0].name, "NVIDIA GeForce RTX 4090");
  EXPECT_DOUBLE_EQ(*f.devices[0].free_mib, 20000);
  EXPECT_EQ(f.n_layer, 32u);
  EXPECT_EQ(f.file_type, "Q4_K - Medium");
  EXPECT_EQ(f.flash_attn, "on");
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "kv"), 1024);
  EXPECT_DOUBLE_EQ(buffer(f, "CUDA0", "model"), 4403.49);
  EXPECT_EQ(f.lines, 8u);
}

TEST(LogRead, OllamaPsSaysWhatRunsOnTheCpu) {
  const std::string ps =
      "NAME               ID              SIZE     PROCESSOR          CONTEXT    UNTIL\n"
      "qwen3:32b          030ee887880f    25 GB    38%/62% CPU/GPU    8192       4 minutes from "
      "now\n"
      "llama3.1:8b        46e0c10c039e    6.9 GB   100% GPU           4096       Forever\n";
  auto r = read_log(ps);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().ollama_ps.size(), 2u);
  const OllamaPsRow& a = r.value().ollama_ps[0];
  EXPECT_EQ(a.name, "qwen3:32b");
  EXPECT_DOUBLE_EQ(*a.size_gb, 25);
  EXPECT_DOUBLE_EQ(a.cpu_pct, 38);
  EXPECT_DOUBLE_EQ(a.gpu_pct, 62);
  EXPECT_EQ(a.context, 8192u);
  EXPECT_DOUBLE_EQ(r.value().ollama_ps[1].gpu_pct, 100);
  EXPECT_DOUBLE_EQ(r.value().ollama_ps[1].cpu_pct, 0);
  const json dj = json::parse(handle_diagnose(ps, ""));
  ASSERT_TRUE(dj["ok"].get<bool>());
  ASSERT_EQ(dj["findings"].size(), 1u);
  EXPECT_EQ(dj["findings"][0]["text"],
            "qwen3:32b: 38 % of its 25.0 GB is in system RAM (ollama ps: 38%/62% CPU/GPU): those "
            "layers run on the CPU and set the speed, at a context of 8192 tokens");
}

TEST(LogRead, BadInputGetsAClearErrorNamingTheField) {
  // A GGUF file, a binary blob, another program's output: refused with field "log".
  for (const std::string& bad :
       {std::string("GGUF\x03\x00\x00\x00", 8),
        std::string("\x7f"
                    "ELF\x00\x01\x02",
                    7),
        std::string("total 12\ndrwxr-xr-x 2 root root 4096 .\n"), std::string()}) {
    auto r = read_log(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "log");
  }
  // A megabyte-long line and a name with markup: read, capped, kept as text.
  std::string longline = "llama_context: n_ctx = 4096 " + std::string(1 << 20, 'x') + "\n" +
                         "  Device 0: <script>alert(1)</script>, compute capability 8.6\n";
  auto r = read_log(longline);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().n_ctx, 4096u);
  EXPECT_EQ(r.value().devices.at(0).name, "<script>alert(1)</script>");
  EXPECT_FALSE(r.value().notes.empty());
  // Through the request path: the JSON edge keeps it a string (never markup).
  const json resp =
      json::parse(handle_request(json({{"command", "diagnose"}, {"log", longline}}).dump()));
  EXPECT_TRUE(resp["ok"].get<bool>());
  const json bad = json::parse(handle_request(R"({"command":"diagnose","log":42})"));
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["error"]["field"], "log");
}

// A KB fix names the error line's own number: vLLM prints the KV capacity it got (23,648 tokens
// here), so the fix is --max-model-len 23648, not a generic example value. On the entry's page the
// same fix reads its example's capacity (81,536).
TEST(Diagnose, AFixUsesTheNumbersOfTheErrorLine) {
  if (!test::have_shared()) GTEST_SKIP() << "needs ../shared/fixtures";
  const json r = diagnose_fixture("vllm_cuda_rtx3090_llama31-8b_c29000_kv-insufficient.log");
  ASSERT_EQ(r["errors"].size(), 1u) << r["errors"].dump();
  EXPECT_EQ(r["errors"][0]["fixes"][0]["syntax"], "--max-model-len 23648");
  const json cat = json::parse(handle_request(R"({"command":"catalog","list":"errors"})"));
  bool seen = false;
  for (const auto& e : cat["errors"])
    if (e["id"] == "vllm-max-seq-len-exceeds-kv") {
      EXPECT_EQ(e["fixes"][0]["syntax"], "--max-model-len 81536");
      seen = true;
    }
  EXPECT_TRUE(seen);
  // A number the line does not have stays a visible placeholder.
  EXPECT_EQ(fill_fix_syntax("-c {1} -np {3}", "n_ctx 4096, n_seq 2"),
            "-c 4096 -np <number 3 of the error line>");
}

}  // namespace
}  // namespace runcheck
