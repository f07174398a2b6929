// A sweep of one configuration counts once in the speed fits (speed.h, weigh_by_configuration).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runcheck/speed.h"

namespace runcheck {
namespace {

// A decode run of `config` taking `seconds` a token: 10 layers and 1 ms of bytes at bandwidth,
// so every run has the same regressor and the fit is its per-layer intercept alone.
SpeedSample run(const std::string& config, double seconds, bool decode = true) {
  SpeedSample s;
  s.f.layers = 10;
  s.f.decode_fixed_s = 1e-3;
  s.decode = decode;
  s.tokens = 128;
  s.value_tps = 1 / seconds;
  s.config = config;
  s.source = config;
  s.hardware = config;
  s.group = "cuda/lo";
  return s;
}

TEST(speed_weight_test, each_configuration_weighs_one_in_decode) {
  std::vector<SpeedSample> s = {run("a", 0.01), run("a", 0.01), run("a", 0.01),
                                run("a", 0.01), run("b", 0.02), run("a", 0.01, false)};
  weigh_by_configuration(s);
  EXPECT_DOUBLE_EQ(s[0].weight, 0.25);
  EXPECT_DOUBLE_EQ(s[3].weight, 0.25);
  EXPECT_DOUBLE_EQ(s[4].weight, 1.0);
  EXPECT_DOUBLE_EQ(s[5].weight, 1.0);  // prefill keeps weight 1
}

// Configuration a, measured four times at 10 ms a token, and b, once at 20 ms. The fit minimises
// the weighted squared relative error: with the time t it predicts for both, sum w (y - t)^2 / y^2
// is least at t = (sum w / y) / (sum w / y^2). Each configuration weighing one: (100 + 50) /
// (10000 + 2500) = 12 ms, midway in relative terms. Each row weighing one, a's four rows pull it
// to (400 + 50) / (40000 + 2500) = 10.59 ms.
TEST(speed_weight_test, a_sweep_counts_as_one_run_in_the_fit) {
  std::vector<SpeedSample> s = {run("a", 0.01), run("a", 0.01), run("a", 0.01), run("a", 0.01),
                                run("b", 0.02)};
  for (size_t i = 0; i < s.size(); ++i) s[i].row = i;
  const SpeedFit unweighted = fit_speed(s, "cuda/lo", true);
  ASSERT_TRUE(unweighted.ok);
  EXPECT_NEAR(speed_time(unweighted, s[4]), 450.0 / 42500, 1e-9);
  weigh_by_configuration(s);
  clear_fit_memo();  // the same samples, now weighed
  const SpeedFit fit = fit_speed(s, "cuda/lo", true);
  ASSERT_TRUE(fit.ok);
  EXPECT_NEAR(speed_time(fit, s[4]), 0.012, 1e-9);
  EXPECT_NEAR(fit.a, (0.012 - 1e-3) / 10, 1e-12);
}

}  // namespace
}  // namespace runcheck
