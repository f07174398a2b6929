// A calibration row's own settings, read from the wording shared/calibration/set_c.csv uses.
#include "calibration_rows.h"

#include <gtest/gtest.h>

#include "calibration_csv.h"
#include "runcheck/api.h"

namespace runcheck {
namespace {

// A llama-bench row of set_c (localmaxxing, RTX 3060): every setting is in the command line.
TEST(calibration_rows_test, llama_bench_row_keeps_its_command_line_settings) {
  const RowSettings s = parse_row_settings(
      "llama.cpp CUDA",
      "llama-bench pp32768; engine llama.cpp (version not stated); concurrency=1 (single "
      "request); flash-attn not stated; gpuLayers 24; speculative decoding off; n_ctx 32768; "
      "cmd: llama-bench -m x.gguf -p 32768 -n 128 -ngl 24 -sm layer -fa on -ctk q8_0 -ctv q8_0 "
      "-ub 1024 -r 5; notes: dual Xeon");
  EXPECT_EQ(s.runtime, "llama.cpp");
  ASSERT_TRUE(s.flash_attn.has_value());
  EXPECT_TRUE(*s.flash_attn);  // "not stated" in the summary, but -fa on in the command
  EXPECT_EQ(s.kv_type, "q8_0");
  EXPECT_EQ(s.gpu_layers, 24);
  EXPECT_EQ(s.ubatch, 1024);
  EXPECT_EQ(s.n_ctx, 32768);  // the context it loaded: the scorer places the run at it
  EXPECT_FALSE(s.n_cpu_moe.has_value());
  EXPECT_EQ(s.concurrency, 1);
  EXPECT_FALSE(s.speculative);
  EXPECT_EQ(s.kind, RowSettings::Kind::kBench);
  EXPECT_EQ(s.build, 0);  // "version not stated"
}

// The build a row names, in the three ways the files write it.
TEST(calibration_rows_test, llama_cpp_build_numbers) {
  EXPECT_EQ(
      parse_row_settings("llama.cpp CUDA", "llama-bench tg512, -ngl 99; build d11afd66 (2837)")
          .build,
      2837);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "x; engine llama.cpp b8931; flash-attn on").build,
            8931);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "x; engine llama.cpp 10156; KV q4_0").build,
            10156);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "x; engine llama.cpp b9020-12-g5d5f1b46e").build,
            9020);
  // llamafile 0.9.x carries llama.cpp 8b3befc (b3599, 2024-08-16); other llamafile versions
  // name no llama.cpp build.
  EXPECT_EQ(parse_row_settings("llamafile CUDA", "llamafile 0.9.1 (a30b324); build x (12)").build,
            3599);
  EXPECT_EQ(parse_row_settings("llamafile Metal", "x; llamafile 0.9.0 (a30b324)").build, 3599);
  EXPECT_EQ(parse_row_settings("llamafile CUDA", "x; llamafile 0.10.0 (abc)").build, 0);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "x; llamafile 0.9.1 mentioned").build, 0);
}

// A vLLM server row: runtime from the backend column, aggregate over 8 requests, MTP on, the
// base model named after "base model", a KV type llama.cpp does not have (fp8) left unset.
TEST(calibration_rows_test, server_row_names_runtime_concurrency_and_base_model) {
  const RowSettings s = parse_row_settings(
      "vLLM CUDA",
      "decode of 128 tokens after a 128-token prompt (tg 128 @ d 128); engine vLLM 0.19.2; "
      "concurrency=8, value is aggregate over all requests; flash-attn not stated; KV fp8; "
      "speculative decoding on (MTP); base model Qwen/Qwen3.6-27B (28B); cmd: vllm serve x");
  EXPECT_EQ(s.runtime, "vllm");
  EXPECT_EQ(s.engine, "vllm");
  EXPECT_FALSE(s.flash_attn.has_value());
  EXPECT_TRUE(s.flash_attn_stated_unknown);
  EXPECT_EQ(s.kv_type, "");
  EXPECT_EQ(s.concurrency, 8);
  EXPECT_TRUE(s.aggregate);
  EXPECT_TRUE(s.speculative);
  EXPECT_EQ(s.base_model, "Qwen/Qwen3.6-27B");
  EXPECT_EQ(s.spec_method, "mtp");
  EXPECT_EQ(s.kind, RowSettings::Kind::kServer);
}

// Engines runcheck does not model leave the runtime empty (the scorer lists the row with why);
// llamafile is a llama.cpp build; the original file's rows (no engine word) are llama.cpp.
TEST(calibration_rows_test, engines_map_to_runtimes_or_to_none) {
  EXPECT_EQ(parse_row_settings("hipfire ROCm", "").runtime, "");
  EXPECT_EQ(parse_row_settings("hipfire ROCm", "").engine, "hipfire");
  EXPECT_EQ(parse_row_settings("llamafile Metal", "pp 16").runtime, "llama.cpp");
  EXPECT_EQ(parse_row_settings("Ollama MLX", "").runtime, "ollama");
  EXPECT_EQ(parse_row_settings("MLX Metal", "").runtime, "mlx");
  EXPECT_EQ(parse_row_settings("", "llama-bench tg128, -ngl 99").runtime, "llama.cpp");
  // An old bare -fa switched flash attention on; "-fa 0" and "-fa off" leave it off.
  EXPECT_TRUE(*parse_row_settings("llama.cpp CUDA", "x; cmd: llama-server -fa -c 4096").flash_attn);
  EXPECT_FALSE(*parse_row_settings("llama.cpp CUDA", "x; cmd: llama-bench -fa 0 ").flash_attn);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "x; cmd: llama-server --n-cpu-moe 30 ").n_cpu_moe,
            30);
  EXPECT_EQ(
      parse_row_settings("llama.cpp CUDA",
                         "speculative decoding on (MTP); cmd: llama-server --spec-draft-n-max 2")
          .draft_max,
      2);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "speculative decoding on; cmd: x").spec_method,
            "");
}

// What the value measures decides how it is predicted.
TEST(calibration_rows_test, kinds_of_measurement) {
  using K = RowSettings::Kind;
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA",
                               "decode of ~300 tokens after a short prompt; llmfit bench v1.1.3, "
                               "provider llamacpp: tg = completion_tokens / request wall time")
                .kind,
            K::kWallTime);
  EXPECT_EQ(parse_row_settings("Ollama CUDA",
                               "decode (prompt/output lengths not recorded); engine Ollama")
                .kind,
            K::kLengthsUnknown);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "prefill of a 0-token prompt; x").kind,
            K::kLengthsUnknown);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "prefill of a 512-token prompt; x").kind,
            K::kServer);
  EXPECT_EQ(parse_row_settings("llamafile CUDA", "tg 1152 @ d 384; LocalScore test").kind,
            K::kBench);
}

TEST(calibration_rows_test, published_quant_names_take_the_catalog_spelling) {
  EXPECT_EQ(scoring_quant("Q4_K - Medium", "llama.cpp"), "Q4_K_M");
  EXPECT_EQ(scoring_quant("GPTQ", "vllm"), "GPTQ-4bit");
  EXPECT_EQ(scoring_quant("AWQ", "vllm"), "AWQ-4bit");
  EXPECT_EQ(scoring_quant("4bit", "mlx"), "MLX-4bit");
  EXPECT_EQ(scoring_quant("GPTQ", "llama.cpp"), "GPTQ");  // not a GGUF type: left as published
  EXPECT_EQ(scoring_quant("UD-Q4_K_XL", "llama.cpp"), "UD-Q4_K_XL");
}

}  // namespace
}  // namespace runcheck

#include <nlohmann/json.hpp>

#include "accuracy.h"

namespace runcheck {
namespace {

// Several files are scored together, each with its own header; a row is named by its line in
// its own file and the file's index. Bad entries name the field.
TEST(calibration_rows_test, several_csv_files_keep_their_own_headers_and_lines) {
  using nlohmann::json;
  const std::string a =
      "model,quant,context_tokens,hardware,n_devices,backend,metric,value\n"
      "Not-A-Model,Q4_K_M,128,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,100\n";
  // Columns in another order, and one more row.
  const std::string b =
      "metric,value,model,quant,context_tokens,hardware,n_devices,backend\n"
      "tg_tps,50,Meta-Llama-3-8B,Q4_K_M,128,No Such GPU,1,llama.cpp CUDA\n"
      "tg_tps,60,Meta-Llama-3-8B,Q4_K_M,128,Also Not A GPU,1,llama.cpp CUDA\n";
  auto r = accuracy_json(json{{"csv", json::array({a, b})}});
  ASSERT_TRUE(r.ok());
  const json& u = r.value()["unmapped"];
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[0]["file"], 0);
  EXPECT_EQ(u[0]["row"], 2);
  EXPECT_EQ(u[0]["why"], "model not in catalog");
  EXPECT_EQ(u[2]["file"], 1);
  EXPECT_EQ(u[2]["row"], 3);
  EXPECT_EQ(u[2]["why"], "hardware not in catalog");
  auto bad = accuracy_json(json{{"csv", json::array({a, 7})}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "csv[1]");
  auto lacking = accuracy_json(json{{"csv", json::array({a, "model,value\nx,1\n"})}});
  ASSERT_FALSE(lacking.ok());
  EXPECT_EQ(lacking.error().field, "csv[1]");
  EXPECT_NE(lacking.error().message.find("lacks the column"), std::string::npos);
  EXPECT_FALSE(accuracy_json(json{{"csv", json::array()}}).ok());
}

// A decode run under 10 % of its bandwidth ceiling (Llama 3 8B Q4_K_M on an RTX 4090: 218.3
// tok/s at depth 0, speed_test) is listed as not a decode rate; one above 1.2 x the ceiling as
// mislabelled (Q8_0: 8.5 GB read per token, about 120 tok/s at 1008 GB/s; a mislabelled row
// takes its whole family, so it has its own quant here); one between is scored.
TEST(calibration_rows_test, decode_runs_outside_physics_are_listed_not_scored) {
  using nlohmann::json;
  const std::string csv =
      "model,quant,context_tokens,hardware,n_devices,backend,metric,value\n"
      "Meta-Llama-3-8B,Q4_K_M,1,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,20\n"
      "Meta-Llama-3-8B,Q8_0,1,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,300\n"
      "Meta-Llama-3-8B,Q4_K_M,1,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,120\n";
  auto r = accuracy_json(json{{"csv", csv}});
  ASSERT_TRUE(r.ok());
  const json& u = r.value()["unmapped"];
  ASSERT_EQ(u.size(), 2u);
  EXPECT_NE(u[0]["why"].get<std::string>().find("under 10 % of this model's bandwidth ceiling"),
            std::string::npos)
      << u[0]["why"];
  EXPECT_NE(u[1]["why"].get<std::string>().find("mislabelled"), std::string::npos) << u[1]["why"];
  EXPECT_EQ(r.value()["summary"]["tg_tps"]["count"], 1);
}

// A decode run that slows with depth more than kImplausibleDepthSlowdown (22) times what reading
// the added cache costs holds its prompt's prefill. Llama 3.1 8B Q4_K_M on an RTX 4090 (1008
// GB/s) keeps 32 x 8 x 128 x 2 x 2 = 131,072 bytes of f16 cache per token: from mean depth 79 to
// 16,447 that is 2.1454 GB, 2.128 ms per token. Against 100 tok/s (10 ms) at the shallowest
// depth, 16 tok/s (62.5 ms: 24.7x) is listed, 18 tok/s (55.6 ms: 21.4x) and 60 tok/s at 8,255
// (6.7 ms for 1.063 ms: 6.3x) are scored. Both slow runs are above 10 % of their ceiling (148.8
// tok/s), so only the depth screen can list them.
TEST(calibration_rows_test, decode_that_slows_past_the_cache_read_holds_its_prefill) {
  using nlohmann::json;
  auto row = [](int depth, int value) {
    return "Llama 3.1 8B,Q4_K_M," + std::to_string(depth + 128) +
           ",RTX 4090 24GB,1,llama.cpp CUDA,tg_tps," + std::to_string(value) +
           ",\"decode of 128 tokens after a " + std::to_string(depth) +
           "-token prompt (tg 128 @ d " + std::to_string(depth) +
           "); flash-attn on; n_ctx 32768\"\n";
  };
  const std::string csv =
      "model,quant,context_tokens,hardware,n_devices,backend,metric,value,test_detail\n" +
      row(16, 100) + row(16384, 16) + row(8192, 60) + row(16384, 18);
  auto r = accuracy_json(json{{"csv", csv}});
  ASSERT_TRUE(r.ok());
  const json& u = r.value()["unmapped"];
  ASSERT_EQ(u.size(), 1u) << u.dump();
  EXPECT_EQ(u[0]["row"], 3);
  EXPECT_NE(u[0]["why"].get<std::string>().find(
                "decode at depth 16448 is 52.5 ms per token slower than the same setup's run at "
                "depth 80, 25x what reading the added cache costs (2.13 ms)"),
            std::string::npos)
      << u[0]["why"];
  EXPECT_EQ(r.value()["summary"]["tg_tps"]["count"], 3);
}

// The RAM a row states, as modules x MT/s x 8 B: Sandberg's "32GB DDR4 ECC 2133 MT/s (8x4GB)"
// is 8 x 2133 x 8 = 136.512 GB/s; modules written before the type count too. A size, a type or
// a speed alone says nothing of the channels (0: the estimate keeps its assumption), and a count
// or speed no machine has is not taken.
TEST(calibration_rows_test, a_run_states_its_ram_modules_and_speed) {
  auto bw = [](const char* notes) { return parse_row_settings("llama.cpp CUDA", notes).ram_gb_s; };
  EXPECT_DOUBLE_EQ(bw("notes: Dual Intel Xeon E5-2650 v4 (2x12c/24t, 2.20GHz), 32GB DDR4 ECC "
                      "2133 MT/s (8x4GB), PCIe Gen 3 x16"),
                   136.512);
  EXPECT_DOUBLE_EQ(bw("Ryzen 7 7700, 2x16GB DDR5-6000 CL30"), 96.0);
  EXPECT_EQ(bw("AMD Ryzen 9 7900X (12c/24t, 3.7GHz), 64GB DDR5, RTX 3090"), 0);
  EXPECT_EQ(bw("Ryzen 9 9950X + 96 GB DDR5-6000 CL28"), 0);
  EXPECT_EQ(bw("32GB DDR4 ECC 2133 MT/s"), 0);
  EXPECT_EQ(bw("32GB DDR4 ECC 99999 MT/s (8x4GB)"), 0);
  EXPECT_EQ(bw("DDR4-2133 (400x1GB)"), 0);
  EXPECT_EQ(bw("<script>alert(1)</script> DDR4-"), 0);
  EXPECT_EQ(bw("8x4GB DDR"), 0);
}

// A layer on the CPU reads the RAM at the rate the row states. Qwen3 1.7B with -ngl 28 keeps its
// first block in system RAM, so a token's time is t_gpu + k x B / bw: against the assumed 51.2
// GB/s, 8 modules of DDR4-2133 (136.512 GB/s) save (1/51.2 - 1/136.512) / (1/51.2 - 1/68.256)
// = 2.501 times what 4 modules (68.256 GB/s) do.
TEST(calibration_rows_test, a_cpu_layer_reads_the_ram_the_run_states) {
  using nlohmann::json;
  auto row = [](const std::string& ram) {
    return "Qwen3-1.7B,Q4_K_M,128,RTX 3060 12GB,1,llama.cpp CUDA,tg_tps,150,\"llama-bench tg128; "
           "flash-attn on; gpuLayers 28; n_ctx 512; notes: dual Xeon" +
           ram + "\"\n";
  };
  const std::string csv =
      "model,quant,context_tokens,hardware,n_devices,backend,metric,value,test_detail\n" + row("") +
      row(", 32GB DDR4 ECC 2133 MT/s (8x4GB)") + row(", 32GB DDR4 ECC 2133 MT/s (4x8GB)");
  auto r = accuracy_json(json{{"csv", csv}});
  ASSERT_TRUE(r.ok());
  const json& rows = r.value()["rows"];
  ASSERT_EQ(rows.size(), 3u) << r.value()["unmapped"].dump();
  const double t0 = 1 / rows[0]["predicted_tps"].get<double>(),
               t8 = 1 / rows[1]["predicted_tps"].get<double>(),
               t4 = 1 / rows[2]["predicted_tps"].get<double>();
  ASSERT_LT(t8, t4);
  ASSERT_LT(t4, t0);
  EXPECT_NEAR((t0 - t8) / (t0 - t4), (1 / 51.2 - 1 / 136.512) / (1 / 51.2 - 1 / 68.256), 0.01);
}

// A run loaded at a context it states: placed at it. Llama 3 8B (8 KV heads of 128, 32 layers)
// at 262,144 tokens keeps a 32 GiB f16 cache, beyond an RTX 3060's 12 GB: listed with the reason,
// not scored; the same run at 8,192 tokens is scored.
TEST(calibration_rows_test, a_run_is_placed_at_the_context_it_states) {
  using nlohmann::json;
  const std::string head =
      "model,quant,context_tokens,hardware,n_devices,backend,metric,value,"
      "test_detail\n";
  const std::string row =
      "Meta-Llama-3-8B,Q4_K_M,128,RTX 3060 12GB,1,llama.cpp CUDA,tg_tps,60,"
      "\"decode of 128 tokens after a 16-token prompt (tg 128 @ d 16); flash-attn on; n_ctx ";
  auto r = accuracy_json(json{{"csv", head + row + "262144\"\n" + row + "8192\"\n"}});
  ASSERT_TRUE(r.ok());
  const json& u = r.value()["unmapped"];
  ASSERT_EQ(u.size(), 1u);
  EXPECT_NE(u[0]["why"].get<std::string>().find("at its context of 262144 tokens this setup does "
                                                "not fit"),
            std::string::npos)
      << u[0]["why"];
  EXPECT_EQ(r.value()["summary"]["tg_tps"]["count"], 1);
}

// Sandberg's llama-bench decode rows ran after their prompt: "tg128" with "prompt 8192" is
// decode at depth 8192. Another submitter's tg128 starts from an empty cache, as llama-bench's
// own does; so does a Sandberg row that is not llama-bench's, or one whose prompt could be no
// run's (past the 4,194,304-token limit of a request's context).
TEST(calibration_rows_test, a_harness_that_decodes_after_its_prompt_is_read_at_that_depth) {
  const std::string sandberg = "localmaxxing scrape; row id x, submitter Sandberg; model repo y";
  const std::string bench =
      "llama-bench tg128; engine llama.cpp (version not stated); concurrency=1 (single request); "
      "flash-attn on; KV f16; n_ctx 8192; prompt 8192 / output 128 tokens; prefillTokens 8192";
  EXPECT_EQ(decode_depth_of(sandberg, bench), 8192);
  EXPECT_EQ(decode_depth_of("localmaxxing scrape; submitter darioooooo0o; model repo y", bench), 0);
  EXPECT_EQ(decode_depth_of(sandberg,
                            "decode of 128 tokens after a 512-token prompt (tg 128 @ "
                            "d 512); prompt 512 / output 128 tokens"),
            0);
  EXPECT_EQ(decode_depth_of(sandberg, "llama-bench tg128; prompt 99999999 / output 128 tokens"), 0);
  EXPECT_EQ(decode_depth_of(sandberg, "llama-bench tg128; prompt <script> / output 1"), 0);
}

// Scored as such: Qwen3-0.6B Q4_K_M on an RTX 3060, 128 tokens after 8,192 (mean depth 8,255),
// is the estimate at that depth, and slower than the same row of another submitter.
TEST(calibration_rows_test, a_run_after_its_prompt_is_scored_at_its_mean_depth) {
  using nlohmann::json;
  const std::string head =
      "source_url,source_note,model,quant,context_tokens,hardware,n_devices,backend,metric,value,"
      "test_detail\n";
  auto row = [](const std::string& who) {
    return "https://example.org/x,\"localmaxxing scrape; submitter " + who +
           "; model repo Qwen/Qwen3-0.6B-GGUF\",Qwen3-0.6B,Q4_K_M,128,RTX 3060 12GB,1,llama.cpp "
           "CUDA,tg_tps,174,\"llama-bench tg128; engine llama.cpp (version not stated); "
           "flash-attn on; KV f16; gpuLayers 28; n_ctx 8192; prompt 8192 / output 128 tokens\"\n";
  };
  auto r = accuracy_json(json{{"csv", head + row("Sandberg") + row("someone")}});
  ASSERT_TRUE(r.ok());
  const json& rows = r.value()["rows"];
  ASSERT_EQ(rows.size(), 2u) << r.value()["unmapped"].dump();
  const json e = json::parse(handle_request(json{
      {"command", "estimate"},
      {"model", "qwen3-0.6b"},
      {"quant", "Q4_K_M"},
      {"context", 8320},
      {"hardware", "rtx-3060-12gb"},
      {"gpu_layers", 28},
      {"flash_attn", true},
      {"kv_type", "f16"},
      {"backend", "cuda"},
      {"depth", 8192 + 127 / 2}}.dump()));
  ASSERT_TRUE(e["ok"].get<bool>()) << e.dump();
  EXPECT_NEAR(rows[0]["predicted_tps"].get<double>(), e["speed"]["decode_tps"].get<double>(), 0.01);
  EXPECT_LT(rows[0]["predicted_tps"].get<double>(), 0.8 * rows[1]["predicted_tps"].get<double>());
}

// A Mac named without its GPU core count maps to its variants when they share one bandwidth
// (M1 Max 24- and 32-core: 400 GB/s, both sold with 64 GB): decode is scored, prefill is not.
TEST(calibration_rows_test, a_mac_without_its_core_count_is_scored_for_decode_only) {
  const calib::HwMatch m = calib::map_hardware("Apple M1 Max 64GB");
  EXPECT_EQ(m.id, "apple-m1-max-24c");
  EXPECT_DOUBLE_EQ(m.ram_gib, 64);
  EXPECT_TRUE(m.cores_unknown);
  EXPECT_FALSE(calib::map_hardware("Apple M1 Max 32-core GPU 64GB").cores_unknown);
  using nlohmann::json;
  const std::string csv =
      "model,quant,context_tokens,hardware,n_devices,backend,metric,value\n"
      "Meta-Llama-3-8B,Q4_K_M,128,Apple M1 Max 64GB,1,llama.cpp Metal,tg_tps,50\n"
      "Meta-Llama-3-8B,Q4_K_M,512,Apple M1 Max 64GB,1,llama.cpp Metal,pp_tps,400\n";
  auto r = accuracy_json(json{{"csv", csv}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value()["unmapped"].size(), 1u);
  EXPECT_NE(r.value()["unmapped"][0]["why"].get<std::string>().find("GPU core count"),
            std::string::npos);
  EXPECT_EQ(r.value()["summary"]["tg_tps"]["count"], 1);
}

// Published names of re-packaged weights map to the catalog model whose architecture they keep
// (names the calibration CSVs carry); a fine-tune with its own name does not.
TEST(calibration_rows_test, repackaged_weights_map_to_their_base_model) {
  EXPECT_EQ(calib::map_model("Qwen3.6-35B-A3B-abliterated-v4-GGUF"), "qwen3.6-35b-a3b");
  EXPECT_EQ(calib::map_model("Qwen3.6-27B-i1-GGUF"), "qwen3.6-27b");
  EXPECT_EQ(calib::map_model("Qwen3.6-27B-MTP-GGUF"), "qwen3.6-27b");
  EXPECT_EQ(calib::map_model("gemma-4-26B-A4B-it-qat-GGUF"), "gemma-4-26b-a4b");
  EXPECT_EQ(calib::map_model("Qwopus3.6-27B-v2-MTP-GGUF"), "");
  EXPECT_EQ(calib::map_model("DeepSeek-V2-Lite-Chat"), "deepseek-v2-lite");
}

}  // namespace
}  // namespace runcheck

#include "arch_traits.h"

namespace runcheck {
namespace {

// One row per architecture: the traits the memory engine, the weight layout and speculative
// decoding read (each is also exercised through their own tests); an unknown name has none.
TEST(arch_traits_test, table_rows_and_the_default) {
  EXPECT_TRUE(arch_traits("gemma3").swa_cache);
  EXPECT_FALSE(arch_traits("gemma3").loads_mtp);
  EXPECT_TRUE(arch_traits("glm-dsa").router_bias);
  EXPECT_TRUE(arch_traits("glm-dsa").loads_mtp);
  EXPECT_FALSE(arch_traits("glm4moe").loads_mtp);  // its loader skips the nextn block
  EXPECT_TRUE(arch_traits("exaone4").post_norms_only);
  const ArchTraits& none = arch_traits("no-such-arch");
  EXPECT_FALSE(none.swa_cache || none.router_bias || none.loads_mtp || none.post_norms_only);
}

}  // namespace
}  // namespace runcheck
