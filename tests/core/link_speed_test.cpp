// A GPU on a slower link than its own (pcie_gen / pcie_lanes: an eGPU, a riser): what crosses
// the link each token, over what the calibration's runs on their cards' own links paid.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

json llama70b_on_two_3090s(json extra) {
  json q = {{"model", "llama-3.1-70b"},
            {"quant", "Q4_K_M"},
            {"context", 4096},
            {"hardware", "rtx-3090x2"}};
  q.update(extra);
  return test::estimate_response(std::move(q));
}

bool says(const json& r, const std::string& text) {
  for (const auto& a : r["assumptions"])
    if (a.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

// Llama 3.1 70B split over two RTX 3090s (PCIe 4.0 x16, 31.51 GB/s of payload) on PCIe 3.0 x1
// risers (0.9846 GB/s): each decoded token copies 128,256 F32 logits (513,024 B) to the host and
// hands its 8,192-wide F32 hidden state from one card to the other, out and in (65,536 B):
// 578,560 B x (1 / 0.9846 - 1 / 31.51) ns = 0.5692 ms more a token; a prompt token pays the
// hidden state only, 65,536 B x the same = 0.0645 ms.
TEST(link_speed_test, a_riser_adds_the_logits_and_hidden_state_it_carries_per_token) {
  const json own = llama70b_on_two_3090s(json::object());
  const json riser = llama70b_on_two_3090s({{"pcie_gen", 3}, {"pcie_lanes", 1}});
  ASSERT_TRUE(own["ok"].get<bool>() && riser["ok"].get<bool>()) << riser.dump();
  const double d0 = 1 / own["speed"]["decode_tps"].get<double>();
  const double d1 = 1 / riser["speed"]["decode_tps"].get<double>();
  EXPECT_NEAR(d1 - d0, 5.692375e-4, 1e-8);
  const double p0 = 1 / own["speed"]["prefill_tps"].get<double>();
  const double p1 = 1 / riser["speed"]["prefill_tps"].get<double>();
  EXPECT_NEAR(p1 - p0, 6.448e-5, 1e-8);
  EXPECT_TRUE(says(riser, "GPU link: 1.0 GB/s where the card's own takes 31.5")) << riser.dump();
  EXPECT_FALSE(says(own, "GPU link"));
  // A faster link than the card's own changes nothing: the card's interface sets it.
  const json gen6 = llama70b_on_two_3090s({{"pcie_gen", 6}});
  EXPECT_DOUBLE_EQ(gen6["speed"]["decode_tps"].get<double>(),
                   own["speed"]["decode_tps"].get<double>());
}

// Weights in system RAM cross the link once per micro-batch: a Thunderbolt-class PCIe 3.0 x4
// link (3.94 GB/s) instead of an RTX 4060 Ti's own PCIe 4.0 x8 (15.75 GB/s) carries them 4x
// slower, and the note names the link's rate.
TEST(link_speed_test, offloaded_weights_cross_the_slower_link) {
  const json base = {{"model", "qwen3-30b-a3b"},
                     {"quant", "Q4_K_M"},
                     {"context", 32768},
                     {"hardware", "rtx-4060-ti-8gb"}};
  json egpu_q = base;
  egpu_q["pcie_gen"] = 3;
  egpu_q["pcie_lanes"] = 4;
  const json own = test::estimate_response(base), egpu = test::estimate_response(egpu_q);
  const double o0 = own["speed"]["prefill_offload_seconds"].get<double>();
  const double o1 = egpu["speed"]["prefill_offload_seconds"].get<double>();
  EXPECT_NEAR(o1 / o0, (16 * 128.0 / 130 / 8 * 8) / (8 * 128.0 / 130 / 8 * 4), 1e-9);
  EXPECT_TRUE(says(egpu, "cross PCIe (3.9 GB/s)")) << egpu["assumptions"].dump();
}

TEST(link_speed_test, bad_link_values_are_refused_by_name) {
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"pcie_gen", 7}, {"pcie_gen", -1}, {"pcie_lanes", 17}, {"pcie_lanes", "x4"}}) {
    const json r = llama70b_on_two_3090s({{field, value}});
    EXPECT_FALSE(r["ok"].get<bool>()) << field << "=" << value.dump();
    EXPECT_EQ(r["error"]["field"], field) << r.dump();
  }
}

}  // namespace
}  // namespace runcheck
