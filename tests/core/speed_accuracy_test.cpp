// Speed accuracy on published measurements: the headline figures under whole-group holdout
// (README, Accuracy) must not regress, and the rules that moved them are checked on the rows.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "accuracy.h"
#include "engine_internal.h"
#include "runcheck/api.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

// Both calibration files, scored together (each row predicted with its own settings; the fit
// reads catalog/benchmarks.json, which `make benchmarks` maps from the same two files).
json all_calibration(const std::string& holdout) {
  const std::string dir = test::shared_dir() + "/calibration/";
  auto r = accuracy_json(json{{"csv", json::array({test::read_text(dir + "measurements.csv"),
                                                   test::read_text(dir + "set_c.csv")})},
                              {"holdout", holdout}});
  EXPECT_TRUE(r.ok()) << holdout;
  return r.ok() ? r.value()["summary"] : json::object();
}

// A GPU's own runs scale the prefill fit only when they are of the estimate's kind, dense or
// MoE: an MoE prefill splits each micro-batch over its experts and runs far below a dense
// matmul's rate. The RTX 3090's 2026 runs include gpt-oss-20b and Gemma 4 26B-A4B prefill at
// 0.4-0.7x the fit; taken as the card's factor they set Llama 3 8B's prefill 36-42 % under
// XiongjieDai's pp512 runs (4,030 tok/s Q4_K_M, 4,445 F16; measurements.csv lines 54 and 62),
// predicted with that publication held out. Now both are within 11 % (10.2 % for the Q4_K_M run
// since LocalScore's 3090 runs count as a 2024 build).
TEST(speed_test, moe_runs_do_not_scale_a_dense_models_prefill) {
  RUNCHECK_NEEDS_SHARED();
  std::istringstream in(test::read_text(test::shared_dir() + "/calibration/measurements.csv"));
  std::string line, csv;
  for (int n = 1; std::getline(in, line); ++n)
    if (n == 1 || n == 54 || n == 62) csv += line + "\n";
  const auto r = accuracy_json(json{{"csv", csv}, {"holdout", "source"}});
  ASSERT_TRUE(r.ok());
  const json& rows = r.value()["rows"];
  ASSERT_EQ(rows.size(), 2u);
  const double measured[] = {4030.40, 4444.65};
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(rows[i]["hardware"], "RTX 3090 24GB");
    EXPECT_EQ(rows[i]["measured_tps"].get<double>(), measured[i]);
    EXPECT_LT(std::fabs(rows[i]["error_pct"].get<double>()), 11.0) << rows[i].dump();
  }
}

// With the Vulkan scoreboard (discussion 10879) held out, the Vulkan decode runs left are one
// machine's (llmfit's RX 7900 XTX): too few to tell a card from the backend, so the estimate
// takes the next group with enough machines (CUDA's), labelled estimated. "vulkan/lo" sorts last
// among the fit groups, and the fallback used to take it as the last resort on its first try:
// the RTX 5090's Llama 2 7B Q4_0 came out at 94.7 tok/s (measured 263.6, 64 % under). Since
// session 25 the borrowed CUDA fit charges its extra cost per attention layer without flash
// attention (the scoreboard ran without it): 213.4 tok/s, 19 % under.
TEST(speed_test, a_group_measured_on_one_machine_does_not_answer_for_a_card) {
  RUNCHECK_NEEDS_SHARED();
  std::istringstream in(test::read_text(test::shared_dir() + "/calibration/measurements.csv"));
  std::string line, csv;
  for (int n = 1; std::getline(in, line); ++n)
    if (n == 1 || n == 783) csv += line + "\n";
  ASSERT_NE(csv.find("RTX 5090 32GB"), std::string::npos);
  const auto r = accuracy_json(json{{"csv", csv}, {"holdout", "source"}});
  ASSERT_TRUE(r.ok());
  const json& rows = r.value()["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["measured_tps"].get<double>(), 263.63);
  EXPECT_EQ(rows[0]["fit_group"], "cuda/lo");
  EXPECT_EQ(rows[0]["evidence"], "estimated");
  EXPECT_LT(std::fabs(rows[0]["error_pct"].get<double>()), 20.0) << rows[0].dump();
}

// A time to first token is the prompt at the prefill rate, then one decode step at the prompt's
// depth. LocalScore's M4 Max run of Llama 3.1 8B Q4_K_M, pp1024 + tg16 (set_c.csv lines
// 3299-3301): its TTFT row, 1.270 s as published, is scored against that sum of the run's own
// prefill and decode figures, with LocalScore held out: llamafile 0.9's 2024 llama.cpp build
// predicts its prefill at 724 tok/s where the run's own pp1024 measured 817, so 1.430 s, 12.6 %
// over the published time and inside the band. A 16-token prompt's TTFT (line 3325,
// 110 ms) is mostly per-request work runcheck does not model: listed with the reason.
TEST(speed_test, time_to_first_token_is_scored_as_prefill_then_one_decode_step) {
  RUNCHECK_NEEDS_SHARED();
  std::istringstream in(test::read_text(test::shared_dir() + "/calibration/set_c.csv"));
  std::string line, csv;
  for (int n = 1; std::getline(in, line); ++n)
    if (n == 1 || (n >= 3299 && n <= 3301) || n == 3325) csv += line + "\n";
  const auto r = accuracy_json(json{{"csv", csv}, {"holdout", "source"}});
  ASSERT_TRUE(r.ok());
  const json& rows = r.value()["rows"];
  ASSERT_EQ(rows.size(), 3u) << rows.dump();
  const json &pp = rows[0], &tg = rows[1], &ttft = rows[2];
  ASSERT_EQ(pp["metric"], "pp_tps");
  ASSERT_EQ(tg["metric"], "tg_tps");
  ASSERT_EQ(ttft["metric"], "ttft_s");
  EXPECT_EQ(ttft["measured_s"].get<double>(), 1.269984541);
  // tg16 @ d1024 is at a mean depth of 1031.5, the first token's step at 1024: 0.1 ms apart.
  const double sum =
      1024 / pp["predicted_tps"].get<double>() + 1 / tg["predicted_tps"].get<double>();
  EXPECT_NEAR(ttft["predicted_s"].get<double>(), sum, 1e-3) << ttft.dump();
  // (1.430 s, 12.6 % over, before prefill paid its per-layer cost per micro-batch: 2026-12-06.)
  EXPECT_NEAR(ttft["predicted_s"].get<double>(), 1.362, 0.01) << ttft.dump();
  EXPECT_NEAR(ttft["error_pct"].get<double>(), 7.2, 0.5) << ttft.dump();
  EXPECT_TRUE(ttft["in_band"].get<bool>());
  EXPECT_LT(ttft["low"].get<double>(), ttft["predicted_s"].get<double>());
  EXPECT_GT(ttft["high"].get<double>(), ttft["predicted_s"].get<double>());
  const json& skipped = r.value()["unmapped"];
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(
      skipped[0]["why"].get<std::string>().find("of a 16-token prompt is mostly per-request work"),
      std::string::npos)
      << skipped.dump();
}

// A speed row whose value is not a positive number or is past any run's, or whose length is past
// any context a runtime loads, is listed with the field it fails on, not scored (nor parsed into an
// overflowed int).
TEST(speed_test, accuracy_rows_with_impossible_values_are_listed_naming_the_field) {
  const std::string csv =
      "source_url,model,quant,context_tokens,hardware,n_devices,backend,metric,value,test_detail\n"
      "x,Llama 3.1 8B,Q4_K_M,999999999999,RTX 4090 24GB,1,llama.cpp CUDA,ttft_s,2.5,"
      "\"time to first token, prompt 999999999999 tokens\"\n"
      "x,Llama 3.1 8B,Q4_K_M,4096,RTX 4090 24GB,1,llama.cpp CUDA,ttft_s,-1,"
      "\"time to first token, prompt 4096 tokens\"\n"
      "x,Llama 3.1 8B,Q4_K_M,512,RTX 4090 24GB,1,llama.cpp CUDA,pp_tps,NaN,pp512\n"
      "y,Llama 3.1 8B,Q4_K_M,128,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,1e308,tg128\n"
      "z,Llama 3.1 8B,Q4_K_M,4096,RTX 4090 24GB,1,llama.cpp CUDA,ttft_s,1e6,"
      "\"time to first token, prompt 4096 tokens\"\n";
  const auto r = accuracy_json(json{{"csv", csv}, {"holdout", "source"}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value()["rows"].empty());
  const json& u = r.value()["unmapped"];
  ASSERT_EQ(u.size(), 5u) << u.dump();
  EXPECT_EQ(u[0]["why"], "context_tokens must be at most 4194304; got '999999999999'");
  EXPECT_EQ(u[1]["why"], "value must be a positive number; got '-1'");
  EXPECT_EQ(u[2]["why"], "value must be a positive number; got 'NaN'");
  // Past the catalog's range for a rate (1e6 tok/s) or a day for a first token: the value is
  // named as written, not printed as a 309-digit rate.
  EXPECT_EQ(u[3]["why"], "value must be at most 1000000 tok/s; got '1e308'");
  EXPECT_EQ(u[4]["why"], "value must be at most 86400 s; got '1e6'");
}

// The per-request work a short prompt's time to first token holds (unscored above) is said next
// to the figure: 13 ms at the median in-process, up to 600 ms behind a server.
TEST(speed_test, a_short_prompts_time_to_first_token_says_what_it_leaves_out) {
  const auto notes = [](int prompt) {
    const json r = json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", "llama-3.1-8b"},
        {"quant", "Q4_K_M"},
        {"hardware", "rtx-4090"},
        {"context", 8192},
        {"prompt", prompt}}.dump()));
    int n = 0;
    for (const auto& a : r["assumptions"])
      n += a.get<std::string>().find("leaves out per-request work") != std::string::npos;
    return n;
  };
  EXPECT_EQ(notes(64), 1);
  EXPECT_EQ(notes(511), 1);
  EXPECT_EQ(notes(512), 0);
}

TEST(speed_test, accuracy_on_published_measurements_does_not_regress) {
  RUNCHECK_NEEDS_SHARED();
  const json s = all_calibration("row");
  // Today's figures (2026-12-05) plus a small margin. Runs of llama.cpp's CPU backend on a
  // machine with a GPU (LocalScore's "llamafile CPU" on Macs) are not modelled: 20 rows unmapped;
  // nor is a server's time to first token for a prompt under 512 tokens (request overhead).
  EXPECT_GE(s["tg_tps"]["count"].get<int>(), 693);
  EXPECT_GE(s["pp_tps"]["count"].get<int>(), 523);
  // (3.9 -> 5.1 % on 2026-12-06 when decode stopped being scaled by the card's other runs: they
  // help a run's siblings on the same machine, and hurt another machine's, source holdout.)
  EXPECT_LE(s["tg_tps"]["median_abs_error_pct"].get<double>(), 5.2);
  // (9.2 -> 10.8 % on 2026-12-06 when prefill's intercept became a cost per layer per
  // micro-batch: with a row's neighbours in the fit it does worse, under every group holdout
  // better - this is not an accuracy figure.)
  EXPECT_LE(s["pp_tps"]["median_abs_error_pct"].get<double>(), 11.0);
  // (95.5 -> 95.0 % decode coverage on 2026-12-05 when llamafile's decode runs left llama.cpp's
  // fit: their own residuals no longer widen the llama.cpp bands they are scored with.)
  EXPECT_GE(s["tg_tps"]["band_coverage_pct"].get<double>(), 96.1);
  EXPECT_GE(s["pp_tps"]["band_coverage_pct"].get<double>(), 96.1);
}

// The headline (README): whole groups held out on all calibration data. Every mapped row must be
// predicted (a held-out group falls back to another group's fit), and no figure may get worse
// than today's. Today's figures (2026-12-05) meet issue 17's band targets (decode 88.5 %,
// prefill 85.1 %) but not its error targets (decode 10.9 / 57.7 %, prefill 26.1 %); these limits
// stop a regression.
TEST(speed_test, group_holdout_figures_do_not_regress) {
  RUNCHECK_NEEDS_SHARED();
  struct Limit {
    const char* holdout;
    double tg_median, tg_p90, tg_cover, pp_median, pp_cover;
    int pp_count;
    double ttft_median, ttft_cover;
    int ttft_count;
  };
  // holdout     decode median  p90   coverage   prefill median  coverage  rows (today + margin).
  // Under gpu-count holdout no Mac is predicted for prefill: every Metal run is single-device,
  // and Apple's compute figure (GPU cores) is read by a Metal fit only. (gpu-count decode p90
  // 67.5 -> 68.3 % on 2026-12-05 when GLM-4.5-Air and GLM-4.7-Flash entered the catalog and two
  // more published runs mapped: more data, not a change in the model.)
  // (Decode coverage rose 88.2 -> 88.8 % and prefill median fell 26.1 -> 25.1 % on 2026-12-05
  // with the stratified bands and the decode-step floor for short prompts. The 20 runs the data
  // set marks as outliers left the fit and the score the same day: prefill 25.1 -> 24.1 % median
  // and 135 -> 107 % p90 at the headline; under hardware holdout alone the median rose 22.0 ->
  // 23.6 % as the hardware factors refit.)
  // (F16 on CUDA at cuBLAS's FP16-accumulate rate, INT8 / 2, on 2026-12-05: prefill median
  // 23.6 / 23.7 / 24.1 -> 16.4 / 19.9 / 20.5 % under hardware / model / source holdout, coverage
  // 84.7 -> 92.5 / 94.3 / 90.2 %, multi-GPU prefill coverage 75.4 -> 96.6 %. Gemma 4 E2B
  // entered the catalog the same day and 23 of its runs mapped, its prefill 40-60 % under the
  // estimate on an RTX 3060: source-holdout prefill median 20.5 -> 21.4 %. Then Qwen3.5 0.8B /
  // 2B / 4B and 24 more runs, among them one submitter's GTX 1050 Ti runs 2.6-2.8 x under the
  // estimate ("GPU backend not recorded"): source-holdout decode median 10.9 -> 11.2 %, prefill
  // 21.4 -> 22.4 %, gpu-count decode p90 68.0 -> 69.9 %.)
  // (The scorer loads each run at the context it states, "n_ctx N", on 2026-12-05: 21 runs whose
  // stated context does not fit as runcheck places it - 27B models at 229k-262k tokens on a 24 GB
  // card, run anyway - are listed, not scored. Among them 11 MTP runs that sat 1.5-2.5x under the
  // speculative estimate: prefill p90 81.7 -> 78.2 %, AMD Vulkan prefill coverage 77.4 -> 82.6 %.)
  // (Legacy-quant prefill on Metal with its own fitted factor, the same day: Apple prefill
  // coverage 77.4 -> 85.0 %, headline prefill 21.6 -> 21.0 % median, 90.0 -> 91.9 % in band.
  // LFM2-700M entered the catalog and one more run mapped: gpu-count decode p90 70.2 -> 71.4 %.)
  // (The issue bound of decode, 2026-12-05: NVIDIA GPUs with much bandwidth per SM-cycle -
  // A100/H100, GTX 1050 Ti, P100 - stream weights at about 6 bytes per SM-cycle, not at their
  // bandwidth. Decode p90 52.6 / 46.8 / 58.5 -> 36.1 / 34.9 / 38.4 % and coverage 90.4 / 93.9 /
  // 88.8 -> 94.8 / 93.7 / 93.3 % under hardware / model / source holdout. The median under model
  // and source holdout rose 8.8 -> 9.9 and 11.3 -> 11.7 %: the bandwidth efficiency no longer
  // absorbs the HBM cards' shortfall, and with the 2024 runs (one publication, one model) held
  // out nothing else says how much slower 2024 builds were; gpu-count decode p90 71.4 -> 45.4 %.)
  // (llamafile's decode runs, LocalScore's, left llama.cpp's decode fit and its hardware factors
  // the same day: they slow with depth twice as fast and ran 0.6-0.9x llama.cpp on the same Macs.
  // Decode median 7.7 / 9.9 / 11.7 -> 7.7 / 8.5 / 9.4 % under hardware / model / source
  // holdout; model-holdout p90 34.9 -> 38.6 % and coverage 93.7 / 93.3 -> 92.7 / 92.1 % under
  // model / source holdout, as LocalScore's own residuals no longer widen llama.cpp's bands.)
  // (2026-12-05, session 17: an embedding table on a GPU is a lookup, not read whole per token -
  // vLLM's Nemotron 3 Nano ceiling 586 -> 762 tok/s; and the group's band edges take the
  // split-conformal finite-sample ranks, the extreme runs below 39 of them. Decode coverage 94.2
  // / 92.7 / 92.1 -> 95.3 / 93.5 / 93.5 %, prefill 93.2 / 93.2 / 91.9 -> 94.9 / 96.2 / 94.5 %, vLLM
  // decode 79.2 -> 87.5 %; source-holdout decode p90 38.4 -> 38.8 %.)
  // (The same day: a GPU's MoE runs no longer scale a dense model's prefill, nor its dense runs
  // an MoE model's. Prefill median 20.1 / 21.0 -> 17.8 / 18.7 % under model / source holdout,
  // issue 17's prefill target met; source-holdout prefill p90 78.2 -> 80.9 %.)
  // (The same day: without flash attention the KV rows are fetched once per query head, the
  // share from memory fitted per group - CUDA 0.5-0.75, Metal 1. Decode p90 36.6 / 37.3 / 38.8
  // -> 32.8 / 35.8 / 36.8 % under hardware / model / source holdout, the source-holdout median
  // 9.3 -> 9.7 %, gpu-count p90 43.7 -> 44.4 %. vLLM decode coverage fell back to 79.2 %: two
  // GPTQ runs at 20k tokens of depth, measured at 0.48x the estimate, left a band whose lower
  // edge the borrowed llama.cpp ratios set.)
  // (2026-12-06: a fit group measured on fewer than 3 machines no longer answers because its
  // name sorts last - Vulkan's, with the scoreboard held out, had predicted its Llama 2 7B runs
  // 40-64 % under. Decode p90 36.8 / 35.8 -> 32.4 / 32.0 % and coverage 93.5 / 94.6 -> 94.8 /
  // 95.9 % under source / model holdout.)
  // Time to first token (seconds, prompts of 512 tokens or more), scored from 2026-12-06: 138
  // runs (120 under gpu-count holdout, whose Macs have no prefill figure).
  // (2026-12-06: LocalScore's llamafile 0.9 runs are read as the 2024 llama.cpp build they
  // carry (b3599), not as a current one. Decode p90 32.8 / 32.0 / 32.4 -> 31.4 / 30.6 / 30.7 %
  // and prefill p90 (no target) 80.9 -> 75.8 % under hardware / model / source holdout; prefill
  // median 17.1 -> 18.0 % under hardware holdout and TTFT median 24.7 / 28.3 -> 28.0 / 30.9 %
  // under hardware / source holdout: llamafile's CUDA prefill runs faster than the calibration's
  // other 2024 builds, so its TTFT is now over-estimated where the wrong era had hidden it.)
  // (2026-12-06: CPU-only prefill is modelled - a named processor's cores x base clock x FP32
  // FLOPs per cycle - and 35 CPU prefill runs and 6 CPU TTFT runs (a Ryzen 7 7840HS, an EPYC
  // 7352) are scored. With two CPUs from two sources, holding one out predicts it from the other:
  // their prefill errs 28-66 % at the median, so the prefill median rose 18.0 / 17.5 / 19.0 ->
  // 18.6 / 18.0 / 21.1 % and TTFT 28.0 / 20.5 / 30.9 -> 31.1 / 21.4 / 32.0 % under hardware /
  // model / source holdout (GPU and Mac runs alone: unchanged). A band with fewer than 3
  // held-out runs now spans the physical range (decoding the prompt token by token up to the
  // compute ceiling) instead of a default 0.5-1.5x: prefill coverage 91.0 / 96.3 / 91.7 % with
  // the CPU runs -> 95.9 / 98.6 / 96.3 %. The same day a "b1-<commit>" build (a shallow clone's
  // commit count; commit 6217b49 is build 8893 of 2026) is read as an unknown, current build:
  // three RTX 3090 Ti decode runs left the 2024 era, source-holdout decode median 9.5 -> 9.8 %.)
  // (Then, the same day: prefill pays a fixed cost per layer per micro-batch - kernel launches
  // and synchronisation, layers x ceil(N / n_ubatch) / N per token - fitted as the prefill
  // intercept, which had been held at 0. Small models had run 32-48 % slower than the estimate
  // at the median. Prefill 18.5 / 18.0 / 21.0 -> 16.6 / 15.8 / 18.3 % median and 77.8 / 77.0 /
  // 86.2 -> 59.5 / 53.2 / 66.1 % p90 under hardware / model / source holdout; TTFT median 31.1 /
  // 21.1 / 32.0 -> 24.5 / 18.5 / 24.3 %. The tighter prefill band leaves MoE TTFT runs that the
  // estimate puts 50-75 % too short (gpt-oss-20b, Gemma 4 26B-A4B on an RTX 3090) outside it:
  // TTFT coverage 88.2 / 96.5 / 90.3 -> 83.3 / 94.4 / 84.7 %, CUDA TTFT 79.1 %; under gpu-count
  // holdout prefill coverage 95.0 -> 84.9 % and TTFT 86.7 -> 72.5 %.)
  // (2026-12-06, session 21: MoE prefill pays a per-expert cost - each expert's matmul runs on
  // the n_ubatch x used / experts tokens routed to it, and each expert a micro-batch touches
  // costs moe_t0 tokens' worth more on the weight FLOPs term, fitted as the median of the
  // group's MoE runs: 45 tokens on CUDA. TTFT 24.5 / 18.5 / 24.3 -> 24.2 / 21.1 / 22.8 % median
  // and 83.3 / 94.4 / 84.7 -> 84.7 / 97.9 / 86.1 % in band under hardware / model / source
  // holdout, CUDA TTFT 79.1 -> 80.9 %; prefill median 16.6 / 15.8 / 18.3 -> 17.3 / 15.0 / 18.6 %.
  // The model-holdout TTFT median rose with the dense runs' estimates, no longer pulled by MoE
  // runs taken as dense. The same day a runtime with kernels of its own and no run of the
  // model has its decode band reach the ceiling: decode coverage 96.8 / 96.0 / 95.2 -> 97.1 /
  // 96.3 / 95.5 %.)
  // (2026-12-06, session 22: Metal without flash attention pays its attention per score - 72 ns
  // of a GPU core per layer, query head and cached token, the median of 10 configurations
  // measured at several depths, llamafile's among them - where the cache read once per query
  // head had been the form. Decode 7.4 / 8.5 / 9.7 -> 7.1 / 7.8 / 8.9 % median and 31.4 / 30.4 /
  // 30.7 -> 30.0 / 25.0 / 26.7 % p90 under hardware / model / source holdout, Apple decode
  // 11.8 / 33.8 -> 8.4 / 26.0 %; under hardware holdout the tighter Metal band leaves 8 runs
  // outside it, coverage 97.1 -> 96.0 %. Then llamafile's Metal decode runs join metal/lo,
  // their depth now explained: 7.1 / 7.8 / 8.9 -> 7.1 / 8.0 / 8.8 % median and 30.0 / 25.0 /
  // 26.7 -> 29.2 / 25.0 / 26.0 % p90.)
  // (2026-12-06, session 23: decode's fixed cost per layer runs at the host CPU's clock - a
  // Mac's own P-cores, or the CPU a run names beside its GPU (llmfit's and LocalScore's records),
  // against a 4.0 GHz reference host: 7.1 / 8.0 / 8.8 -> 6.1 / 7.3 / 7.5 % median and 29.2 /
  // 25.0 / 26.0 -> 26.1 / 24.3 / 25.7 % p90 under hardware / model / source holdout; under
  // gpu-count holdout 44.1 -> 42.2 % p90. Hardware-holdout decode coverage 95.9 -> 95.7 %.)
  // (2026-12-06, session 24: Sandberg's llama-bench decode runs are read at the depth they ran
  // at, their prompt (calibration_rows.cpp, decode_depth_of), where they had been read from an
  // empty cache; then each configuration counts once in the decode fits (speed.h,
  // weigh_by_configuration). The misread had let their long-prompt runs, slow for depth 0,
  // offset the short ones, fast for the fit: read right, Sandberg's RTX 3060 runs sit 20-30 %
  // above every estimate, where another submitter's runs on the card fit, and the issue bound
  // that serves them misses the GTX 1050 Ti. Decode 6.1 / 7.3 / 7.5 -> 6.4 / 7.6 / 8.7 % median
  // and 26.1 / 24.3 / 25.7 -> 27.8 / 25.1 / 29.5 % p90 under hardware / model / source holdout
  // (read right but weighed per run: 6.9 / 8.4 / 10.0 and 28.3 / 25.5 / 30.5 %); gpu-count
  // holdout 8.0 / 42.2 -> 13.6 / 51.1 %; the speculative group's median under source holdout
  // 62 -> 66 %, Sandberg's MTP runs now read at their depth too.
  // Then the issue bound is chosen by absolute relative error, not squared, and decode is no
  // longer scaled by the card's own other runs (speed_model.cpp: out of sample they hurt):
  // 6.4 / 7.6 / 8.7 -> 6.0 / 6.4 / 6.9 % median and 27.8 / 25.1 / 29.5 -> 26.2 / 25.7 / 25.7 %
  // p90; the speculative median under source holdout 66 -> 69 %.)
  // (2026-12-06, session 25: decode runs that slow with depth past 22x what reading the added
  // cache costs hold their prompt's prefill and are listed, not fitted or scored
  // (calibration_scoring.h, kImplausibleDepthSlowdown): one submitter's vLLM runs after
  // 10,000-20,000-token prompts, 4 rows, 726 -> 722 decode runs. Decode p90 26.2 / 25.7 / 25.7
  // -> 26.0 / 24.5 / 25.0 % under hardware / model / source holdout; gpu-count 51.1 -> 49.9 %.
  // Then a setup's own published decode runs widen its band to take them in: decode coverage
  // under source holdout 94.6 -> 94.9 %, vLLM's 80.0 -> 90.0 %. Then decode pays an extra fixed
  // cost per attention layer without flash attention (speed.h, unfused_attention_layers): p90
  // 26.0 / 24.5 / 25.0 -> 25.5 / 23.6 / 24.4 %, gpu-count 49.9 -> 46.4 %.)
  // (2026-12-07, session 26: a run whose notes state its RAM as modules and speed ("32GB DDR4
  // ECC 2133 MT/s (8x4GB)") has its CPU-held layers read at that rate, 136.5 GB/s, where the
  // assumed dual-channel DDR4-3200 gave 51.2 (calibration_rows.cpp, stated_ram_gb_s): Sandberg's
  // RTX 3060 runs with -ngl 28 keep a block on the CPU. Decode p90 25.5 / 23.6 / 24.4 -> 23.8 /
  // 22.2 / 23.1 % under hardware / model / source holdout; hardware-holdout prefill median
  // 17.3 %, model-holdout 15.0 %.)
  const Limit limits[] = {{"hardware", 6.1, 23.9, 96.6, 17.4, 96.5, 565, 24.2, 84.6, 144},
                          {"model", 6.4, 22.3, 98.1, 15.1, 97.2, 565, 21.2, 97.8, 144},
                          {"source", 6.9, 23.2, 95.7, 18.7, 96.4, 565, 22.9, 86.0, 144},
                          {"gpu-count", 11.5, 46.5, 99.3, 18.9, 84.8, 397, 24.3, 73.2, 120}};
  // Every group of at least 20 rows keeps its band coverage at or above issue 17's 80 %. (AMD
  // Vulkan prefill, Apple prefill, multi-GPU prefill and the speculative group reached it on
  // 2026-12-05; CUDA TTFT, at 79.1 % from prefill's per-layer cost, on 2026-12-06 with the MoE
  // term; vLLM decode, at 79.2 %, the same day, once a runtime with its own kernels and no run
  // of the model has its decode band reach the bandwidth ceiling: 87.5 % under source holdout,
  // Nemotron 3 Nano's two runs at 3.9x the estimate now inside.)
  const std::map<std::string, double> below_target = {};
  for (const Limit& l : limits) {
    const json s = all_calibration(l.holdout);
    EXPECT_GE(s["tg_tps"]["count"].get<int>(), 722) << l.holdout;
    EXPECT_GE(s["pp_tps"]["count"].get<int>(), l.pp_count) << l.holdout;
    EXPECT_LE(s["tg_tps"]["median_abs_error_pct"].get<double>(), l.tg_median) << l.holdout;
    EXPECT_LE(s["tg_tps"]["p90_abs_error_pct"].get<double>(), l.tg_p90) << l.holdout;
    EXPECT_GE(s["tg_tps"]["band_coverage_pct"].get<double>(), l.tg_cover) << l.holdout;
    EXPECT_LE(s["pp_tps"]["median_abs_error_pct"].get<double>(), l.pp_median) << l.holdout;
    EXPECT_GE(s["pp_tps"]["band_coverage_pct"].get<double>(), l.pp_cover) << l.holdout;
    EXPECT_GE(s["ttft_s"]["count"].get<int>(), l.ttft_count) << l.holdout;
    EXPECT_LE(s["ttft_s"]["median_abs_error_pct"].get<double>(), l.ttft_median) << l.holdout;
    EXPECT_GE(s["ttft_s"]["band_coverage_pct"].get<double>(), l.ttft_cover) << l.holdout;
    if (std::string(l.holdout) != "gpu-count")
      for (const auto& [name, g] : s.items()) {
        if (name.rfind("tg_tps", 0) != 0 && name.rfind("pp_tps", 0) != 0 &&
            name.rfind("ttft_s", 0) != 0)
          continue;
        if (g["count"].get<int>() < 20) continue;
        const auto it = below_target.find(name);
        EXPECT_GE(g["band_coverage_pct"].get<double>(),
                  it == below_target.end() ? 80.0 : it->second)
            << l.holdout << ": " << name;
      }
    // Speculative runs with their method named (MTP) against the speculative estimate, their
    // own group: 18 rows, 69 % median at worst (62 % until session 24 read Sandberg's at their
    // depth and stopped scaling decode by a card's runs), 94 % in band (2026-12-05, once each run
    // is loaded at its stated context: the 11 MTP runs that sat 1.5-2.5x under the estimate had
    // asked for 262,144 tokens on a 24 GB card and are listed, not scored. Before: 29 rows, 79 %
    // and 76-79 %; 72 % and 86-90 % with the misread 0.618 acceptance; 56-64 % before "-MTP" file
    // names mapped to their base model). In session 25, without one submitter's prefill-timed
    // vLLM runs, the faster vLLM fit left another's two MTP runs of Qwen3.6-35B-A3B NVFP4 on an
    // RTX 5090 (183 and 204 tok/s) under the band under source holdout (83 %) until a setup's
    // own published runs widen its band (speed_measured.cpp, reconcile_setup_runs): 94 % again.
    if (std::string(l.holdout) != "gpu-count") {
      const json& x = s["tg_tps speculative"];
      EXPECT_GE(x["count"].get<int>(), 18) << l.holdout;
      EXPECT_LE(x["median_abs_error_pct"].get<double>(), 69.0) << l.holdout;
      EXPECT_GE(x["band_coverage_pct"].get<double>(), 88.0) << l.holdout;
    }
  }
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// Speculative runs (test_detail "speculative decoding on") are their own group: scored against the
// plain estimate and kept out of the single-token decode figures.
TEST(speed_test, speculative_runs_are_their_own_group) {
  const std::string head =
      "source_url,source_note,model,params_b,quant,context_tokens,hardware,n_devices,backend,"
      "metric,value,test_detail\n";
  const std::string row =
      "https://example.org/r,note,Qwen3.6-27B,27,Q4_K_M,128,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,";
  const std::string llama =
      "https://example.org/r,note,Meta-Llama-3.1-8B-Instruct,8,Q4_K_M,128,RTX 4090 24GB,1,"
      "llama.cpp CUDA,tg_tps,";
  const std::string csv = head + row + "40,\"tg 128; speculative decoding off\"\n" + row +
                          "80,\"tg 128; speculative decoding on (MTP)\"\n" + llama +
                          "260,\"tg 128; speculative decoding on (MTP)\"\n";
  auto r = accuracy_json(json{{"csv", csv}, {"holdout", "row"}});
  ASSERT_TRUE(r.ok());
  const json& s = r.value()["summary"];
  EXPECT_EQ(s["tg_tps"]["count"], 1);
  EXPECT_EQ(s["tg_tps speculative"]["count"], 1);
  const json& rows = r.value()["rows"];
  EXPECT_EQ(rows[1]["speculative"], true);
  // The MTP run is predicted with the model's own heads (acceptance unknown: the published
  // range), so faster than the plain decode of the same setup.
  EXPECT_GT(rows[1]["predicted_tps"].get<double>(), 1.2 * rows[0]["predicted_tps"].get<double>());
  // A model without MTP layers cannot have run MTP: listed with the engine's reason.
  const json& u = r.value()["unmapped"];
  ASSERT_EQ(u.size(), 1u);
  EXPECT_NE(u[0]["why"].get<std::string>().find("multi-token-prediction"), std::string::npos);
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// llamafile's CUDA decode runs (LocalScore) are their own fit group, which no estimate uses; its
// Metal decode runs and its prefill runs are llama.cpp's (speed_calibration.cpp says why).
TEST(speed_test, llamafile_decode_runs_are_not_llamacpp_decode) {
  const auto& rows = builtin_catalog().benchmarks;
  size_t tg = 0, pp = 0;
  for (const auto& b : rows)
    if (b.engine == "llamafile") ++(b.decode ? tg : pp);
  EXPECT_EQ(tg, 81u);  // LocalScore's decode tests of the calibration that map to the catalog
  EXPECT_EQ(pp, 90u);  // 81 on GPUs and Macs, 9 on the CPU-only EPYC 7352
  size_t own = 0, in_llamacpp_prefill = 0, metal = 0;
  for (const auto& s : engine::calibration().samples) {
    if (rows[s.row].engine != "llamafile") {
      EXPECT_EQ(s.group.rfind("llamafile/", 0), std::string::npos);
      continue;
    }
    if (s.decode && s.f.backend == "metal") {
      EXPECT_EQ(s.group, s.f.high_precision ? "metal/hi" : "metal/lo");
      ++metal;
    } else if (s.decode) {
      EXPECT_EQ(s.group.rfind("llamafile/", 0), 0u) << s.group;
      ++own;
    } else {
      EXPECT_EQ(s.group, s.f.backend + (s.f.high_precision ? "/hi" : "/lo"));
      ++in_llamacpp_prefill;
    }
  }
  EXPECT_EQ(metal,
            27u);  // 9 tests each: Llama 3.2 1B on an M1 Pro and an M4 Max, 3.1 8B on the M4 Max
  EXPECT_EQ(own + metal, tg);
  EXPECT_GT(in_llamacpp_prefill, 0u);
}

}  // namespace
}  // namespace runcheck
