// The replicate summary: runs of one configuration against the median of the others, with the
// engine's error on the same runs beside it (hand-computed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "accuracy.h"

namespace runcheck {
namespace {

// Config A: 100, 100, 150. The first two each lie 25 % from the others' median (125); the third
// 33.3 % from 100. p90 over [25, 25, 33.3] interpolates at 1.8: 25 x 0.2 + 33.3 x 0.8 = 31.67.
// Only 33.3 is beyond 25 %. A single run (config B) is no replicate. Prefill config C: 200 and
// 300 lie 50 % and 33.3 % from each other.
TEST(accuracy_replicates_test, each_run_against_the_median_of_the_others) {
  const std::vector<ReplicateRun> runs = {
      {"tg_tps", "A", "setup A", 100, 10}, {"tg_tps", "A", "setup A", 100, 20},
      {"tg_tps", "A", "setup A", 150, 30}, {"tg_tps", "B", "setup B", 80, 90},
      {"pp_tps", "C", "setup C", 200, 5},  {"pp_tps", "C", "setup C", 300, 40}};
  const nlohmann::json s = replicate_summary(runs);
  const auto& tg = s["tg_tps"];
  EXPECT_EQ(tg["configurations"], 1);
  EXPECT_EQ(tg["runs"], 3);
  EXPECT_DOUBLE_EQ(tg["median_apart_pct"].get<double>(), 25.0);
  EXPECT_NEAR(tg["p90_apart_pct"].get<double>(), 31.667, 1e-3);
  EXPECT_EQ(tg["runs_apart_over_25_pct"], 1);
  EXPECT_DOUBLE_EQ(tg["engine_median_abs_error_pct"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(tg["engine_p90_abs_error_pct"].get<double>(), 28.0);
  EXPECT_EQ(tg["engine_runs_over_25_pct"], 1);
  // The configuration with a run beyond 25 % is named, with its measured values.
  ASSERT_EQ(tg["apart"].size(), 1u);
  EXPECT_EQ(tg["apart"][0]["configuration"], "setup A");
  EXPECT_EQ(tg["apart"][0]["measured"], nlohmann::json({100, 100, 150}));
  const auto& pp = s["pp_tps"];
  EXPECT_EQ(pp["runs"], 2);
  EXPECT_NEAR(pp["median_apart_pct"].get<double>(), 41.667, 1e-3);
  EXPECT_NEAR(pp["p90_apart_pct"].get<double>(), 48.333, 1e-3);
  EXPECT_EQ(pp["runs_apart_over_25_pct"], 2);
  EXPECT_FALSE(replicate_summary({{"tg_tps", "A", "setup A", 100, 1}}).contains("tg_tps"));
}

// Through the report: two runs of one setup (Llama 3 8B Q4_K_M, RTX 4090) at 120 and 150 tok/s
// lie 25 % and 20 % from each other; the Q8_0 run is another configuration.
TEST(accuracy_replicates_test, the_report_pairs_runs_the_engine_cannot_tell_apart) {
  using nlohmann::json;
  const std::string csv =
      "model,quant,context_tokens,hardware,n_devices,backend,metric,value\n"
      "Meta-Llama-3-8B,Q4_K_M,1,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,120\n"
      "Meta-Llama-3-8B,Q4_K_M,1,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,150\n"
      "Meta-Llama-3-8B,Q8_0,1,RTX 4090 24GB,1,llama.cpp CUDA,tg_tps,110\n";
  auto r = accuracy_json(json{{"csv", csv}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["summary"]["tg_tps"]["count"], 3);
  const json& tg = r.value()["summary"]["replicates"]["tg_tps"];
  EXPECT_EQ(tg["configurations"], 1);
  EXPECT_EQ(tg["runs"], 2);
  EXPECT_DOUBLE_EQ(tg["median_apart_pct"].get<double>(), 22.5);
  EXPECT_EQ(tg["runs_apart_over_25_pct"], 0);
  EXPECT_TRUE(tg["apart"].empty());
}

}  // namespace
}  // namespace runcheck
