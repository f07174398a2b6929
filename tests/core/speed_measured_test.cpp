// A setup's own published decode runs against its estimate (speed_measured.cpp,
// reconcile_setup_runs): the band takes them in, and a figure they disagree with is not
// labelled "measured".
#include <gtest/gtest.h>

#include <string>

#include "engine_internal.h"

namespace runcheck::engine {
namespace {

MeasuredRun decode_run(double measured, double estimate_at_its_depth) {
  MeasuredRun r;
  r.decode = true;
  r.tokens = 128;
  r.value_tps = measured;
  r.estimate_at_run_length_tps = estimate_at_its_depth;
  return r;
}

SpeedEstimate figure(double tps, double low, double high) {
  SpeedEstimate s;
  s.evidence = "measured";
  s.decode_tps = tps;
  s.decode_tps_low = low;
  s.decode_tps_high = high;
  s.decode_by_context = {{0, tps, low, high}, {4096, tps / 2, low / 2, high / 2}};
  s.measured_note = "published runs: ...";
  return s;
}

const auto no_ceiling = [](double) { return 0.0; };

// Runs at 0.45, 0.40 and 0.55 of the estimate at their depths (median 0.45: 55 % under): the
// label falls back to the fitted one, and the band's low edge, 200 x 0.40 = 80, takes in the
// slowest (the depth-4096 row's: 100 x 0.40 = 40).
TEST(speed_measured_test, runs_far_from_the_figure_widen_its_band_and_drop_the_label) {
  SpeedEstimate s = figure(200, 120, 300);
  s.measured = {decode_run(90, 200), decode_run(76, 190), decode_run(110, 200)};
  s.measured.push_back(MeasuredRun{false, 512, 5000, "", 0, "", 0, {}});  // prefill: not counted
  reconcile_setup_runs(s, "extrapolated", no_ceiling);
  EXPECT_EQ(s.evidence, "extrapolated");
  EXPECT_NEAR(*s.measured_decode_ratio, 0.45, 1e-12);
  EXPECT_NEAR(*s.measured_decode_ratio_low, 0.40, 1e-12);
  EXPECT_NEAR(*s.measured_decode_ratio_high, 0.55, 1e-12);
  EXPECT_NEAR(*s.decode_tps_low, 80, 1e-9);
  EXPECT_NEAR(*s.decode_tps_high, 300, 1e-9);
  EXPECT_NEAR(s.decode_by_context[1].low, 40, 1e-9);
  EXPECT_EQ(s.measured_note.rfind("This setup's 3 published decode runs sit a median 55 % under "
                                  "the estimate at their depths, so the figure is not labelled "
                                  "measured",
                                  0),
            0u)
      << s.measured_note;
  EXPECT_NE(s.measured_note.find("take them in. Published runs: ..."), std::string::npos);
}

// Runs within 25 % of it (median 1.10): still "measured"; the one at 1.6x raises the band's
// high edge to 200 x 1.6 = 320, but not past the ceiling at that depth (250).
TEST(speed_measured_test, runs_near_the_figure_keep_the_label_and_the_ceiling_caps_the_band) {
  SpeedEstimate s = figure(200, 120, 240);
  s.measured = {decode_run(220, 200), decode_run(200, 200), decode_run(320, 200)};
  reconcile_setup_runs(s, "extrapolated", no_ceiling);
  EXPECT_EQ(s.evidence, "measured");
  EXPECT_NEAR(*s.measured_decode_ratio, 1.10, 1e-12);
  EXPECT_NEAR(*s.decode_tps_high, 320, 1e-9);
  EXPECT_EQ(s.measured_note, "published runs: ...");
  SpeedEstimate c = figure(200, 120, 240);
  c.measured = {decode_run(220, 200), decode_run(200, 200), decode_run(320, 200)};
  reconcile_setup_runs(c, "extrapolated", [](double) { return 250.0; });
  EXPECT_NEAR(*c.decode_tps_high, 250, 1e-9);
  EXPECT_NEAR(*c.decode_tps_low, 120, 1e-9);  // no run below the band: its low edge stays
}

// No decode run of the setup (prefill only): nothing changes.
TEST(speed_measured_test, a_setup_without_decode_runs_is_left_alone) {
  SpeedEstimate s = figure(200, 120, 300);
  s.measured = {MeasuredRun{false, 512, 5000, "", 0, "", 0, {}}};
  reconcile_setup_runs(s, "extrapolated", no_ceiling);
  EXPECT_EQ(s.evidence, "measured");
  EXPECT_FALSE(s.measured_decode_ratio.has_value());
  EXPECT_NEAR(*s.decode_tps_low, 120, 1e-9);
}

}  // namespace
}  // namespace runcheck::engine
