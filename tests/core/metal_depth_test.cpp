// Metal without flash attention: decode's attention is bound by its score count (one per layer,
// query head and cached token), not by the cache's bytes (speed.h, decode_per_depth_score_s).
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "runcheck/api.h"
#include "runcheck/constants.h"
#include "runcheck/speed.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

// A run of one token at `depth` taking `seconds` (a tg1 mean depth is the depth itself).
SpeedSample run(const std::string& config, const std::string& source, double depth,
                double seconds) {
  SpeedSample s;
  s.f.decode_per_depth_s = 1e-7;        // one read of the cache: 0.1 us per cached token
  s.f.decode_per_depth_score_s = 1e-8;  // 10 ns per cached token at 1 ns per score
  s.decode = true;
  s.tokens = 1;
  s.depth = static_cast<uint32_t>(depth);
  s.value_tps = 1 / seconds;
  s.config = config;
  s.source = source;
  s.group = "metal/lo";
  s.row = 0;
  return s;
}

// Three configurations slow down by 0.7, 0.8 and 0.9 us per cached token: less the 0.1 us of
// one read, 0.6 / 0.7 / 0.8 us at 10 ns per ns of score cost, so 60, 70 and 80 ns per score,
// median 70. A fourth, measured only 500 tokens apart, is too short a span to count.
TEST(metal_depth_test, the_score_cost_is_the_median_of_configurations_measured_apart) {
  std::vector<SpeedSample> s;
  const double slopes[] = {7e-7, 8e-7, 9e-7};
  for (int i = 0; i < 3; ++i) {
    const std::string c = "c" + std::to_string(i), src = "src" + std::to_string(i);
    s.push_back(run(c, src, 0, 0.02));
    s.push_back(run(c, src, 2000, 0.02 + 2000 * slopes[i]));
  }
  s.push_back(run("short", "src9", 0, 0.02));
  s.push_back(run("short", "src9", 500, 0.02 + 500 * 5e-6));
  for (size_t i = 0; i < s.size(); ++i) s[i].row = i;
  size_t configs = 0;
  EXPECT_NEAR(metal_score_ns(s, SIZE_MAX, {}, configs), 70.0, 1e-6);
  EXPECT_EQ(configs, 3u);
  // With one publication held out two remain, fewer than kMinScoreConfigs: no figure.
  EXPECT_EQ(metal_score_ns(s, SIZE_MAX, {"source", "src1"}, configs), 0.0);
  EXPECT_EQ(configs, 2u);
  static_assert(kMinScoreConfigs == 3);
  // By hand on the features: one read plus the score cost; where no cost is known, the
  // repeated-read form stands in.
  SpeedFeatures f;
  f.decode_per_depth_s = 1e-9;
  f.decode_per_depth_refetch_s = 3e-9;
  f.decode_per_depth_score_s = 2e-9;
  EXPECT_DOUBLE_EQ(f.depth_x(0.5, 10), 21e-9);
  EXPECT_DOUBLE_EQ(f.depth_x(0.5, 0), 2.5e-9);
}

// The calibration: XiongjieDai's 2024 Llama-3-8B Q4_K_M runs (tg512 to tg8192, mean depths
// 255.5 to 4095.5) slow down by 2.355 us per cached token on an M1 Max (32 GPU cores, 400 GB/s),
// 1.505 on an M2 Ultra (76, 800) and 2.007 on an M3 Max (40, 400). Less one read of the F16
// cache (131,072 B a token over the bandwidth) and over 32 layers x 32 query heads / cores ns,
// that is 63.4, 99.6 and 65.6 ns of a GPU core per score, where a byte-bound read of the cache
// once per query head would give 1.31, 0.66 and 1.31 us. With LocalScore's llamafile runs on an
// M1 Pro and an M4 Max the median over 10 configurations is 71.6 ns.
TEST(metal_depth_test, the_calibration_prices_a_score_and_the_estimate_charges_it_per_depth) {
  const json meth = json::parse(handle_request(R"({"command":"methodology"})"));
  double ns = 0;
  for (const auto& f : meth["speed_fits"])
    if (f["group"] == "metal/lo") {
      ns = f["decode"]["fa_off_score_ns"].get<double>();
      EXPECT_EQ(f["decode"]["fa_off_score_configs"].get<int>(), 10);
      EXPECT_TRUE(f["decode"]["fa_off_kv_refetch_share"].is_null());
    }
  EXPECT_NEAR(ns, 71.6, 0.05);
  double eff = 0;
  for (const auto& f : meth["speed_fits"])
    if (f["group"] == "metal/lo") eff = f["decode"]["efficiency"].get<double>();
  char per_1000[64];
  std::snprintf(per_1000, sizeof per_1000, "%.2f ms more a token per 1,000 tokens",
                ns * 1024 / 32 / eff * 1e-3);
  // Llama 3.1 8B on an M2 Ultra: the slowdown from depth 0 to 16,384 without flash attention
  // over the one with it is (one read + the scores) / one read, the fit's efficiency and the
  // Mac's own factor scaling both alike: 1 + ns x 1024 / 76 ns / (131,072 B / 800 GB/s).
  auto slope = [](bool fa) {
    const json r = test::estimate_response({{"model", "llama-3.1-8b"},
                                            {"quant", "Q4_K_M"},
                                            {"context", 32768},
                                            {"hardware", "apple-m2-ultra-76c"},
                                            {"flash_attn", fa}});
    const json& by = r["speed"]["decode_by_context"];
    EXPECT_EQ(by[3]["depth"], 16384);
    return 1 / by[3]["tps"].get<double>() - 1 / by[0]["tps"].get<double>();
  };
  EXPECT_NEAR(slope(false) / slope(true), 1 + ns * 1024e-9 / 76 / (131072 / 800e9), 1e-6);
  // The estimate says what it charges: 72 ns, and ns x 1024 / 32 / efficiency a token per
  // 1,000 tokens of context on an M1 Max's 32 cores (2.41 ms at metal/lo's efficiency 0.951).
  const json m1 = test::estimate_response({{"model", "llama-3.1-8b"},
                                           {"quant", "Q4_K_M"},
                                           {"context", 32768},
                                           {"hardware", "apple-m1-max-32c"},
                                           {"flash_attn", false}});
  bool said = false;
  for (const auto& a : m1["assumptions"]) {
    const std::string t = a.get<std::string>();
    said = said || (t.find("about 72 ns of one GPU core per score") != std::string::npos &&
                    t.find(per_1000) != std::string::npos);
  }
  EXPECT_TRUE(said) << m1["assumptions"].dump();
}

// Methodology's per-layer figures are the ones an estimate pays. Llama 3 8B Q4_K_M (32 dense
// layers, 4,617,396,224 B a token) on an M5 (153 GB/s; no run of its own, so no hardware factor;
// its P-cores at 4.61 GHz build and encode each token, speed_host_test) at depth 0:
// 32 x t0 x 4.0 / 4.61 + the ceiling's time / efficiency.
TEST(metal_depth_test, methodology_reports_the_per_layer_costs_the_estimate_pays) {
  const json meth = json::parse(handle_request(R"({"command":"methodology"})"));
  json d;
  for (const auto& f : meth["speed_fits"])
    if (f["group"] == "metal/lo") d = f["decode"];
  ASSERT_TRUE(d.is_object());
  EXPECT_GT(d["recurrent_layer_ms"].get<double>(), 0);  // Qwen3.5 / LFM2 runs on Macs
  EXPECT_GE(d["moe_layer_ms"].get<double>(), 0);
  const json r = test::estimate_response({{"model", "llama-3-8b"},
                                          {"quant", "Q4_K_M"},
                                          {"context", 8192},
                                          {"hardware", "apple-m5-10c"}});
  const json& sp = r["speed"];
  EXPECT_EQ(sp["scaled_by_hardware_measurements"], false);
  EXPECT_NEAR(sp["decode_ceiling_tps"].get<double>(), 153e9 / 4617396224.0, 1e-9);
  const double t = 32 * d["t0_ms"].get<double>() * 1e-3 * kReferenceHostMhz / 4610 +
                   4617396224.0 / 153e9 / d["efficiency"].get<double>();
  EXPECT_NEAR(sp["decode_tps"].get<double>(), 1 / t, 1e-6);
}

}  // namespace
}  // namespace runcheck
