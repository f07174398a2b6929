// CPU-only machines: a named processor's prefill peak (cores x base clock x FP32 FLOPs per
// cycle), llama.cpp's --threads, the physical band when too few CPU runs size one, and the
// memory a laptop chip cannot name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "calibration_rows.h"
#include "runcheck/catalog.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

json run(json req) { return test::estimate_response(std::move(req)); }

bool has_note(const json& r, const std::string& text) {
  for (const auto& a : r["assumptions"])
    if (a.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

json qwen8b_on(const std::string& cpu, int threads = 0) {
  json q = {{"model", "qwen3-8b"}, {"quant", "Q4_K_M"}, {"context", 2048}, {"hardware", cpu}};
  if (threads > 0) q["threads"] = threads;
  return run(q);
}

TEST(cpu_speed_test, a_named_cpu_prefill_peak_is_cores_times_base_clock_times_flops_per_cycle) {
  // Ryzen 7 7840HS: 8 Zen 4 cores x 3.8 GHz x 32 FP32 FLOPs/cycle = 972.8 GFLOPS.
  const json a = qwen8b_on("amd-ryzen-7-7840hs");
  ASSERT_TRUE(a["ok"].get<bool>()) << a.dump();
  ASSERT_TRUE(a["speed"]["prefill_tps"].is_number()) << a["speed"].dump();
  EXPECT_EQ(a["speed"]["prefill_fit_group"], "cpu/lo");
  EXPECT_TRUE(has_note(
      a,
      "CPU peak 8 of 8 physical cores (llama.cpp's default threads: one per "
      "physical core) x 3.80 GHz base x 32 FP32 FLOPs/cycle = 0.97 TFLOPS FP32, 3.89 TOPS int8"))
      << a["assumptions"].dump();
  // EPYC 7352: 24 Zen 2 cores x 2.3 GHz x 32 = 1766.4 GFLOPS.
  const json e = qwen8b_on("amd-epyc-7352");
  EXPECT_TRUE(has_note(e, "24 of 24 physical cores")) << e["assumptions"].dump();
  EXPECT_TRUE(has_note(e, "= 1.77 TFLOPS FP32, 7.07 TOPS int8")) << e["assumptions"].dump();
}

TEST(cpu_speed_test, threads_past_the_physical_cores_add_nothing_and_fewer_cores_cost_prefill) {
  const json all = qwen8b_on("amd-ryzen-7-7840hs");
  const json smt = qwen8b_on("amd-ryzen-7-7840hs", 16);
  const json half = qwen8b_on("amd-ryzen-7-7840hs", 4);
  EXPECT_DOUBLE_EQ(smt["speed"]["prefill_tps"].get<double>(),
                   all["speed"]["prefill_tps"].get<double>());
  EXPECT_TRUE(has_note(smt, "threads beyond the physical cores share them"));
  EXPECT_TRUE(has_note(half, "CPU peak 4 of 8 physical cores (4 threads)"));
  EXPECT_LT(half["speed"]["prefill_tps"].get<double>(), all["speed"]["prefill_tps"].get<double>());
  // The band's upper edge is the compute ceiling, proportional to the peak: half the cores,
  // half the ceiling.
  EXPECT_NEAR(half["speed"]["prefill_tps_high"].get<double>() /
                  all["speed"]["prefill_tps_high"].get<double>(),
              0.5, 1e-9);
  // Decode does not use the thread count (it reads RAM).
  EXPECT_DOUBLE_EQ(half["speed"]["decode_tps"].get<double>(),
                   all["speed"]["decode_tps"].get<double>());
}

TEST(cpu_speed_test, a_band_too_thin_to_size_spans_decode_one_by_one_to_the_compute_ceiling) {
  const json a = qwen8b_on("amd-ryzen-7-7840hs");
  const json& s = a["speed"];
  const double p = s["prefill_tps"], lo = s["prefill_tps_low"], hi = s["prefill_tps_high"];
  EXPECT_LE(lo, p);
  EXPECT_GE(hi, p);
  // The low edge is no faster than decode (one token per weight pass).
  EXPECT_LE(lo, s["decode_tps"].get<double>());
  EXPECT_TRUE(has_note(a, "too few to size it, so it spans the physical range")) << a.dump();
}

TEST(cpu_speed_test, a_memory_configuration_or_a_laptop_chip_says_what_is_missing) {
  const json g = qwen8b_on("cpu-ddr5-5600-2ch");
  EXPECT_TRUE(g["speed"]["prefill_tps"].is_null());
  EXPECT_EQ(g["speed"]["why_prefill_null"],
            "CPU-only: dual-channel DDR5-5600 desktop is a memory configuration, not a "
            "processor: choose your CPU (cores, clock and FLOPs per cycle set its prefill)");
  // The 7840HS takes DDR5 or LPDDR5x: its bandwidth is the user's to give.
  const json l = qwen8b_on("amd-ryzen-7-7840hs");
  EXPECT_TRUE(has_note(l, "the catalog gives no memory speed for AMD Ryzen 7 7840HS (CPU only)"))
      << l["assumptions"].dump();
  // The EPYC 7352's 8 channels of DDR4-3200: 204.8 GB/s, from the catalog.
  const HardwareEntry* epyc = builtin_catalog().hw("amd-epyc-7352");
  ASSERT_NE(epyc, nullptr);
  EXPECT_DOUBLE_EQ(epyc->bandwidth_gb_s.value_or(0), 204.8);
  EXPECT_EQ(epyc->cpu_cores.value_or(0), 24);
}

TEST(cpu_speed_test, each_figure_is_labelled_by_the_runs_of_that_figure) {
  // The 7840HS has a published Qwen3-8B pp512 run and no decode run runcheck scores (its memory
  // is not recorded): prefill "measured", decode "estimated" (a borrowed fit).
  const json a = qwen8b_on("amd-ryzen-7-7840hs");
  EXPECT_EQ(a["speed"]["prefill_evidence"], "measured");
  EXPECT_EQ(a["speed"]["evidence"], "estimated");
  // No run of Qwen3-8B on an EPYC 9654, and a band with no held-out runs: estimated.
  EXPECT_EQ(qwen8b_on("amd-epyc-9654")["speed"]["prefill_evidence"], "estimated");
  // Llama 3 8B Q4_K_M on an RTX 4090: XiongjieDai's pp512 and tg128 runs.
  const json g = run(
      {{"model", "llama-3-8b"}, {"quant", "Q4_K_M"}, {"context", 8192}, {"hardware", "rtx-4090"}});
  EXPECT_EQ(g["speed"]["evidence"], "measured");
  EXPECT_EQ(g["speed"]["prefill_evidence"], "measured");
}

TEST(cpu_speed_test, bad_thread_counts_are_refused_by_name) {
  for (const json& v : {json(-1), json(5000), json("eight"), json(1.5)}) {
    const json r = run({{"model", "qwen3-8b"}, {"hardware", "amd-ryzen-7-7840hs"}, {"threads", v}});
    EXPECT_FALSE(r["ok"].get<bool>()) << v.dump();
    EXPECT_EQ(r["error"]["field"], "threads") << r.dump();
  }
}

TEST(cpu_speed_test, a_shallow_clone_build_is_not_build_one) {
  // llama.cpp numbers builds by commit count: a depth-1 clone reports b1 whatever its date.
  EXPECT_EQ(
      parse_row_settings("llama.cpp CPU", "llama-bench pp512; engine llama.cpp b1-6b4dc21").build,
      0);
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "llama-bench pp512; engine llama.cpp b8931").build,
            8931);
}

TEST(cpu_speed_test, a_calibration_row_keeps_its_thread_count) {
  const RowSettings s = parse_row_settings(
      "llama.cpp CPU",
      "llama-bench pp512; cmd: llama-bench -m Qwen3-8B-Q4_K_M.gguf -t 8 -p 512 -n 128 -r 2");
  EXPECT_EQ(s.threads.value_or(0), 8);
  const RowSettings l =
      parse_row_settings("llama.cpp CPU", "llama-server; cmd: llama-server -m x.gguf --threads 6");
  EXPECT_EQ(l.threads.value_or(0), 6);
  // A count the request would refuse is not kept: the run is predicted at the default.
  EXPECT_FALSE(parse_row_settings("llama.cpp CPU", "cmd: llama-bench -m x.gguf -t 0").threads);
  EXPECT_FALSE(parse_row_settings("llama.cpp CPU", "cmd: llama-bench -m x.gguf -t 99999").threads);
}

}  // namespace
}  // namespace runcheck
