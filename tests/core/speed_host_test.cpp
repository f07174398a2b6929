// The host CPU beside a discrete GPU: read from a run's own record, found in the catalog, and
// scaling decode's per-layer cost (speed.h, SpeedFeatures::host_scale).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "calibration_csv.h"
#include "calibration_rows.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "test_util.h"

namespace runcheck {
namespace {
using calib::host_cpu_beside;

// llmfit and LocalScore print the machine's CPU as lscpu names it, its core count and its RAM.
TEST(speed_host_test, a_run_names_its_host_cpu_and_ram) {
  const RowSettings a = parse_row_settings(
      "llama.cpp CUDA",
      "decode of ~185 tokens after a short prompt; llmfit bench v1.1.3, provider llamacpp; "
      "host Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz (28 cores), RAM 31.19GB, linux");
  EXPECT_EQ(a.host, "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz");
  EXPECT_DOUBLE_EQ(a.host_ram_gib, 31.19);
  EXPECT_EQ(host_cpu_beside(a.host, "gtx-1050-ti"), "intel-xeon-e5-2680-v4");
  const RowSettings b =
      parse_row_settings("llama.cpp CUDA",
                         "pp 1024; LocalScore test; host AMD EPYC 7352 24-Core Processor "
                         "(znver2), RAM 125.64 GB, Linux 6.8.0-52-generic");
  EXPECT_EQ(host_cpu_beside(b.host, "rtx-3090"), "amd-epyc-7352");
  EXPECT_DOUBLE_EQ(b.host_ram_gib, 125.64);
  const RowSettings c = parse_row_settings(
      "llama.cpp CUDA", "host 13th Gen Intel(R) Core(TM) i9-13900HK (20 cores), RAM 31.11GB");
  EXPECT_EQ(host_cpu_beside(c.host, "rtx-5070"), "intel-core-i9-13900hk");
  // A RAM size no machine has is not taken; a server's command line is not a host; a Mac is
  // its own host (no CPU beside it).
  EXPECT_EQ(
      parse_row_settings("x", "host AMD EPYC 7352 24-Core Processor, RAM 1e400GB").host_ram_gib, 0);
  EXPECT_EQ(parse_row_settings("x", "host <script>alert(1)</script>, RAM -5GB").host_ram_gib, 0);
  EXPECT_EQ(host_cpu_beside("<script>alert(1)</script>", "rtx-3090"), "");
  EXPECT_EQ(parse_row_settings("llama.cpp CUDA", "llama-server --host 127.0.0.1 --port 8080").host,
            "");
  EXPECT_EQ(host_cpu_beside("AMD EPYC 7352 24-Core Processor", "apple-m4-max-40c"), "");
}

// The reference host (kReferenceHostMhz) is the median of the distinct CPUs the calibration's
// runs name as the host of a discrete GPU: today an EPYC 7352 (3.2 GHz), a Xeon E5-2680 v4
// (3.3), a Core i9-10900X (4.7) and a Core i9-13900HK (5.4): 4.0 GHz.
TEST(speed_host_test, the_reference_host_is_the_median_of_the_hosts_runs_name) {
  std::set<std::string> hosts;
  for (const auto& b : builtin_catalog().benchmarks)
    if (!b.host.empty()) hosts.insert(b.host);
  std::vector<double> mhz;
  for (const auto& id : hosts) mhz.push_back(*builtin_catalog().hw(id)->cpu_boost_clock_mhz);
  std::sort(mhz.begin(), mhz.end());
  ASSERT_EQ(mhz.size(), 4u);
  EXPECT_DOUBLE_EQ((mhz[1] + mhz[2]) / 2, kReferenceHostMhz);
}

// Naming the host changes only decode's fixed cost: Llama 3 8B (32 layers) on an RTX 4080 SUPER
// (no run of its own, so no hardware factor) beside an EPYC 7352 (3.2 GHz) pays
// 32 x t0 x (4.0 / 3.2 - 1) more a token than with no host named (the fit's own 4.0 GHz host),
// and says so; prefill does not move.
TEST(speed_host_test, a_slower_host_adds_to_decode_by_its_clock) {
  const nlohmann::json meth = nlohmann::json::parse(handle_request(R"({"command":"methodology"})"));
  double t0 = 0;
  for (const auto& f : meth["speed_fits"])
    if (f["group"] == "cuda/lo") t0 = f["decode"]["t0_ms"].get<double>() * 1e-3;
  ASSERT_GT(t0, 0);
  auto estimate = [](const char* hardware) {
    return test::estimate_response({{"model", "llama-3-8b"},
                                    {"quant", "Q4_K_M"},
                                    {"context", 8192},
                                    {"ram_gb", 64},
                                    {"hardware", hardware}});
  };
  const nlohmann::json plain = estimate("rtx-4080-super"),
                       epyc = estimate("rtx-4080-super,amd-epyc-7352");
  EXPECT_EQ(epyc["speed"]["scaled_by_hardware_measurements"], false);
  const double dt = 1 / epyc["speed"]["decode_tps"].get<double>() -
                    1 / plain["speed"]["decode_tps"].get<double>();
  EXPECT_NEAR(dt, 32 * t0 * (kReferenceHostMhz / 3200 - 1), 1e-9);
  EXPECT_NEAR(epyc["speed"]["prefill_tps"].get<double>(),
              plain["speed"]["prefill_tps"].get<double>(), 1e-9);
  bool said = false;
  for (const auto& a : epyc["assumptions"])
    said = said || a.get<std::string>().find("at 3.20 GHz: x1.25 the fit's per-layer cost") !=
                       std::string::npos;
  EXPECT_TRUE(said) << epyc["assumptions"].dump();
}

// Layers on the CPU read system RAM at the user's figure when there is one, else at the named
// CPU's rated figure (a Xeon E5-2680 v4: 4 channels of DDR4-2400, 76.8 GB/s), else at the
// assumed 51.2 GB/s; the assumption says which. Llama 3.1 8B Q4_K_M overflows a 4 GB GTX 1050 Ti,
// so some of its layers run on the CPU and a token's time is t_gpu + k x B / bw: 20 GB/s adds
// (1/20 - 1/76.8) / (1/40 - 1/76.8) = 3.087 times what 40 GB/s adds to the rated figure's time.
TEST(speed_host_test, the_users_ram_bandwidth_beats_a_named_cpus_rated_one) {
  auto estimate = [](std::optional<double> bw) {
    nlohmann::json q = {{"model", "llama-3.1-8b"},
                        {"quant", "Q4_K_M"},
                        {"context", 4096},
                        {"hardware", "gtx-1050-ti,intel-xeon-e5-2680-v4"}};
    if (bw) q["ram_bandwidth_gb_s"] = *bw;
    return test::estimate_response(q);
  };
  auto said = [](const nlohmann::json& e, const std::string& text) {
    for (const auto& a : e["assumptions"])
      if (a.get<std::string>().find(text) != std::string::npos) return true;
    return false;
  };
  const nlohmann::json rated = estimate(std::nullopt), same = estimate(76.8), slow = estimate(20),
                       mid = estimate(40);
  auto t = [](const nlohmann::json& e) { return 1 / e["speed"]["decode_tps"].get<double>(); };
  EXPECT_NEAR(t(same), t(rated), 1e-12);
  ASSERT_GT(t(mid), t(rated));
  EXPECT_NEAR((t(slow) - t(rated)) / (t(mid) - t(rated)),
              (1 / 20.0 - 1 / 76.8) / (1 / 40.0 - 1 / 76.8), 1e-6);
  EXPECT_TRUE(said(
      rated,
      "layers on the CPU read system RAM at 76.8 GB/s, the rated figure of Intel Xeon E5-2680 v4"))
      << rated["assumptions"].dump();
  EXPECT_TRUE(
      said(slow, "layers on the CPU read system RAM at your 20.0 GB/s (ram_bandwidth_gb_s)"))
      << slow["assumptions"].dump();
  EXPECT_EQ(slow["speed"]["system_ram_bandwidth_gb_s"], 20.0);
  // A CPU-only machine says the figure its decode reads at: an EPYC 7352's 8 channels of
  // DDR4-3200, 8 x 3200 x 8 B = 204.8 GB/s, unless the user gives theirs.
  const nlohmann::json epyc = test::estimate_response({{"model", "llama-3.1-8b"},
                                                       {"quant", "Q4_K_M"},
                                                       {"context", 4096},
                                                       {"hardware", "amd-epyc-7352"}});
  EXPECT_TRUE(
      said(epyc,
           "weights and KV cache read system RAM at 204.8 GB/s, the rated figure of AMD EPYC 7352"))
      << epyc["assumptions"].dump();
  const nlohmann::json epyc_mine = test::estimate_response({{"model", "llama-3.1-8b"},
                                                            {"quant", "Q4_K_M"},
                                                            {"context", 4096},
                                                            {"hardware", "amd-epyc-7352"},
                                                            {"ram_bandwidth_gb_s", 100}});
  EXPECT_FALSE(said(epyc_mine, "rated")) << epyc_mine["assumptions"].dump();
  EXPECT_LT(epyc_mine["speed"]["decode_tps"].get<double>(),
            epyc["speed"]["decode_tps"].get<double>() * 0.6);
}

}  // namespace
}  // namespace runcheck
