// Decode without flash attention pays an extra fixed cost per attention layer (speed.h,
// SpeedFeatures::unfused_attention_layers): llama.cpp then runs the KQ product, the soft_max and
// the KQV product as separate kernels in each attention layer, where flash attention runs one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

double unfused_ms(const char* group) {
  const json meth = json::parse(handle_request(R"({"command":"methodology"})"));
  for (const auto& f : meth["speed_fits"])
    if (f["group"] == group) return f["decode"]["unfused_attention_layer_ms"].get<double>();
  ADD_FAILURE() << "no fit group " << group;
  return 0;
}

// Seconds a token at depth 0 with flash attention off minus on: at depth 0 the cache costs
// nothing either way, so only the unfused layers' cost differs.
double off_minus_on(const char* model) {
  auto t = [&](bool fa) {
    const json r = test::estimate_response({{"model", model},
                                            {"quant", "Q4_K_M"},
                                            {"context", 8192},
                                            {"hardware", "rtx-4090"},
                                            {"flash_attn", fa}});
    EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
    return 1 / r["speed"]["decode_tps"].get<double>();
  };
  return t(false) - t(true);
}

// Llama 3 8B: 32 attention layers. Qwen3.6-27B: 64 layers, of which 16 full attention and 48
// Gated DeltaNet (recurrent, no attention kernels): 16. The fit's figure is above zero (the
// calibration's 2024 runs without flash attention and 2026 runs with it).
TEST(speed_unfused_test, flash_attention_off_pays_per_attention_layer) {
  const double u = unfused_ms("cuda/lo") * 1e-3;
  ASSERT_GT(u, 0);
  EXPECT_NEAR(off_minus_on("llama-3-8b"), 32 * u, 1e-9);
  EXPECT_NEAR(off_minus_on("qwen3.6-27b"), 16 * u, 1e-9);
}

}  // namespace
}  // namespace runcheck
