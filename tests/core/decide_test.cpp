// Compare, choose and cost: every cost formula against hand arithmetic, the ranking rules, and
// bad input naming its field.
#include "decide.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "runcheck/api.h"

namespace runcheck {
namespace {

using nlohmann::json;

json call(json req) { return json::parse(handle_request(req.dump())); }

TEST(decide_test, cost_formulas_by_hand) {
  // Owning: $1200, 25 % resale, 3 years -> 1200 x 0.75 / 36 = $25.00 a month of capital.
  // Electricity: (350 W x 4 h + 30 W x 20 h) / 1000 = 2.0 kWh a day; x 30.4375 days x $0.20
  // = $12.175. Total $37.175.
  EXPECT_NEAR(own_monthly_usd(1200, 0.25, 3, 350, 4, 30, 20, 0.20), 37.175, 1e-9);
  EXPECT_NEAR(own_monthly_usd(0, 0, 3, 350, 4, 30, 20, 0.20), 12.175, 1e-9);
  // Renting 5.2 h a day at $0.50/h: hourly billing rounds up to 6 h -> 6 x 0.5 x 30.4375 =
  // $91.3125; per-second billing 5.2 x 0.5 x 30.4375 = $79.1375.
  EXPECT_NEAR(rent_monthly_usd(5.2, 0.50, true), 91.3125, 1e-9);
  EXPECT_NEAR(rent_monthly_usd(5.2, 0.50, false), 79.1375, 1e-9);
  // API blend: 6 M input at $0.10/M + 2 M output at $0.40/M = $0.60 + $0.80 = $1.40 a day
  // -> x 30.4375 = $42.6125 a month.
  EXPECT_NEAR(api_monthly_usd(6e6, 2e6, 0.10, 0.40), 42.6125, 1e-9);
  // Break-even: $1200 up front, $10/month to run, vs $50/month -> 1200 / (50 - 10) = 30 months.
  EXPECT_NEAR(break_even_months(1200, 10, 50), 30.0, 1e-12);
  EXPECT_EQ(break_even_months(1200, 50, 40), -1);  // never
}

TEST(decide_test, retired_api_prices_are_history_not_options) {
  // DeepSeek withdrew its V3-era price on 2025-09-05 (catalog/apis.json: retired). Cost never
  // offers it for DeepSeek-V3; asked for by id it is priced, and says it is retired.
  const json base = {{"command", "cost"},
                     {"model", "deepseek-v3"},
                     {"quant", "Q4_K_M"},
                     {"context", 8192},
                     {"hardware", "h100-sxmx8"},
                     {"usd_per_kwh", 0.20},
                     {"output_tokens_per_day", 1000000},
                     {"price_usd", 250000}};
  const json r = call(base);
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  for (const auto& a : r["api"]) EXPECT_TRUE(a["retired"].is_null()) << a["id"];
  json q = base;
  q["api"] = "deepseek-chat-v3-legacy";
  const json old = call(q);
  ASSERT_TRUE(old["ok"].get<bool>()) << old.dump();
  ASSERT_EQ(old["api"].size(), 1u);
  EXPECT_EQ(old["api"][0]["retired"], "2025-09-05");
}

TEST(decide_test, cost_end_to_end_uses_the_engine_speed) {
  const json r = call({{"command", "cost"},
                       {"model", "llama-3.1-8b"},
                       {"quant", "Q4_K_M"},
                       {"context", 8192},
                       {"hardware", "rtx-3090"},
                       {"price_usd", 1200},
                       {"usd_per_kwh", 0.20},
                       {"output_tokens_per_day", 1000000},
                       {"input_output_ratio", 2},
                       {"life_years", 2}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& own = r["own"];
  // Busy hours = output / decode + input / prefill, from the engine's own figures.
  const double busy =
      (1e6 / own["decode_tps"].get<double>() + 2e6 / own["prefill_tps"].get<double>()) / 3600;
  EXPECT_NEAR(own["busy_hours_per_day"].get<double>(), busy, 1e-9);
  // Capital 1200 / 24 = $50; electricity 350 W x busy h x 30.4375 x $0.20.
  EXPECT_NEAR(own["capital_usd_per_month"].get<double>(), 50.0, 1e-9);
  EXPECT_NEAR(own["electricity_usd_per_month"].get<double>(), 0.350 * busy * 30.4375 * 0.20, 1e-9);
  // 3 M tokens a day -> 91.3125 M a month; cost per million = monthly / 91.3125.
  EXPECT_NEAR(r["tokens_per_month"].get<double>(), 3e6 * 30.4375, 1e-3);
  EXPECT_NEAR(own["usd_per_million_tokens"].get<double>(),
              own["usd_per_month"].get<double>() / 91.3125, 1e-9);
  // The series starts at the price and adds the running cost each month.
  EXPECT_EQ(r["series"].size(), 25u);
  EXPECT_NEAR(r["series"][0]["own"].get<double>(), 1200, 1e-9);
  EXPECT_NEAR(r["series"][24]["own"].get<double>(),
              1200 + 24 * own["electricity_usd_per_month"].get<double>(), 1e-6);
  // Rentals are credited only with what their hardware computes: each offer's busy hours come
  // from its own decode speed, and no offer that would need more than 24 h a day is listed.
  ASSERT_FALSE(r["rent"].empty());
  for (const auto& o : r["rent"]) {
    EXPECT_LE(o["busy_hours_per_day"].get<double>(), 24.0);
    EXPECT_GT(o["decode_tps"].get<double>(), 0);
  }
  // Hosted Llama 3.1 8B prices exist in the catalog: an API row and a break-even answer.
  ASSERT_FALSE(r["api"].empty());
  EXPECT_TRUE(r["break_even_vs_api"].is_object());
}

// Compare with a speculative setup: each row's speculative figure is the estimate's for that
// setup (and null without one).
TEST(decide_test, compare_carries_the_speculative_figure_of_each_setup) {
  const json base = {{"model", "llama-3.1-8b"}, {"quant", "Q8_0"}, {"context", 8192}};
  json q = base;
  q["command"] = "compare";
  q["setups"] = {"rtx-3060-12gb", "rtx-4090"};
  q["speculative"] = "draft";
  q["draft_model"] = "llama-3.2-1b";
  q["acceptance"] = 0.72;
  const json r = call(q);
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  for (int i = 0; i < 2; ++i) {
    json e = base;
    e["command"] = "estimate";
    e["hardware"] = r["setups"][i]["hardware"];
    e["speculative"] = "draft";
    e["draft_model"] = "llama-3.2-1b";
    e["acceptance"] = 0.72;
    e["inverse"] = false;
    const json s = call(e)["speed"]["speculative"];
    EXPECT_EQ(r["setups"][i]["speculative_decode_tps"], s["decode_tps"]) << i;
    EXPECT_EQ(r["setups"][i]["speculative_decode_tps_low"], s["decode_tps_low"]) << i;
  }
  q.erase("speculative");
  q.erase("draft_model");
  q.erase("acceptance");
  EXPECT_TRUE(call(q)["setups"][0]["speculative_decode_tps"].is_null());
}

TEST(decide_test, compare_prices_multi_gpu_as_sum_and_names_winners) {
  const json r = call({{"command", "compare"},
                       {"model", "llama-3.1-8b"},
                       {"quant", "Q4_K_M"},
                       {"context", 8192},
                       {"setups", {"rtx-3090", "rtx-3090x2"}}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const json& s = r["setups"];
  EXPECT_NEAR(s[1]["price_usd"].get<double>(), 2 * s[0]["price_usd"].get<double>(), 1e-9);
  EXPECT_NEAR(s[1]["watts"].get<double>(), 2 * s[0]["watts"].get<double>(), 1e-9);
  EXPECT_EQ(r["winners"]["price_usd"], 0);
  ASSERT_EQ(r["deltas"].size(), 1u);
  EXPECT_NE(r["deltas"][0].get<std::string>().find("costs $"), std::string::npos);
}

TEST(decide_test, choose_ranking_rules) {
  const json w8 =
      json::array({{{"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"}, {"context", 8192}}});
  // A budget only used cards meet: a used card is picked.
  json r = call({{"command", "choose"}, {"budget_usd", 150}, {"price", "used"}, {"workloads", w8}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  ASSERT_FALSE(r["picks"].empty());
  EXPECT_NE(r["picks"][0]["price_basis"].get<std::string>().find("used"), std::string::npos);
  for (const auto& p : r["picks"]) EXPECT_LE(p["price_usd"].get<double>(), 150);
  // Raising the speed floor removes slow cards, and says why.
  const json low =
      call({{"command", "choose"}, {"budget_usd", 1500}, {"workloads", w8}, {"min_decode_tps", 0}});
  const json high = call(
      {{"command", "choose"}, {"budget_usd", 1500}, {"workloads", w8}, {"min_decode_tps", 80}});
  EXPECT_LT(high["passing"].get<int>(), low["passing"].get<int>());
  for (const auto& p : high["picks"])
    EXPECT_GE(p["workloads"][0]["decode_tps"].get<double>(), 80) << p.dump();
  bool said = false;
  for (const auto& x : high["rejected"])
    said = said || x["why"].get<std::string>().find("< your 80.0") != std::string::npos;
  EXPECT_TRUE(said) << high["rejected"].dump();
  // A 70B model (~40 GiB) is never recommended on a single 24 GB card without saying it offloads.
  const json w70 =
      json::array({{{"model", "llama-3.1-70b"}, {"quant", "Q4_K_M"}, {"context", 8192}}});
  r = call({{"command", "choose"}, {"budget_usd", 2500}, {"workloads", w70}, {"max_cards", 1}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  size_t offloading = 0;
  for (const auto& p : r["picks"]) {
    const json& wl = p["workloads"][0];
    if (wl["verdict"] == "comfortable") continue;  // fits for real (a big-memory machine)
    EXPECT_EQ(wl["verdict"], "tradeoffs");
    EXPECT_NE(wl["reasons"][0].get<std::string>().find("offload"), std::string::npos) << wl.dump();
    ++offloading;
  }
  EXPECT_GT(offloading, 0u);  // the case the rule is about does occur
}

TEST(decide_test, machine_view_lists_every_model) {
  const json r = call({{"command", "choose"}, {"hardware", "rtx-4090"}, {"quant", "Q4_K_M"}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  size_t n = 0;
  for (const char* k : {"comfortable", "tradeoffs", "will_not_run"}) n += r["models"][k].size();
  EXPECT_GE(n, 80u);
  std::set<std::string> ok;
  for (const auto& m : r["models"]["comfortable"]) ok.insert(m["model"]);
  EXPECT_TRUE(ok.count("llama-3.1-8b"));
  EXPECT_FALSE(ok.count("deepseek-v3"));
}

TEST(decide_test, bad_inputs_name_the_field) {
  const json w = json::array({{{"model", "llama-3.1-8b"}}});
  const std::pair<json, std::string> cases[] = {
      {{{"command", "choose"}, {"budget_usd", 0}, {"workloads", w}}, "budget_usd"},
      {{{"command", "choose"}, {"budget_usd", -5}, {"workloads", w}}, "budget_usd"},
      {{{"command", "choose"}, {"budget_usd", "NaN"}, {"workloads", w}}, "budget_usd"},
      {{{"command", "choose"},
        {"budget_usd", 1000},
        {"workloads", json::array({{{"model", "gpt-9"}}})}},
       "workloads[0].model"},
      {{{"command", "choose"}, {"budget_usd", 1000}, {"price", 1500}, {"workloads", w}}, "price"},
      {{{"command", "compare"}, {"model", "llama-3.1-8b"}, {"setups", {"rtx-4090"}}}, "setups"},
      {{{"command", "compare"}, {"model", "llama-3.1-8b"}, {"setups", {"rtx-4090", "rtx-9999"}}},
       "setups[1]"},
      {{{"command", "cost"},
        {"model", "llama-3.1-8b"},
        {"hardware", "rtx-3090"},
        {"usd_per_kwh", 0.2},
        {"output_tokens_per_day", 0}},
       "output_tokens_per_day"},
      {{{"command", "cost"},
        {"model", "llama-3.1-8b"},
        {"hardware", "rtx-3090"},
        {"output_tokens_per_day", 1000}},
       "usd_per_kwh"},
      {{{"command", "cost"},
        {"model", "llama-3.1-8b"},
        {"hardware", "rtx-3090"},
        {"usd_per_kwh", 0.2},
        {"output_tokens_per_day", 1000},
        {"price_usd", -1}},
       "price_usd"},
  };
  for (const auto& [req, field] : cases) {
    const json r = call(req);
    EXPECT_FALSE(r["ok"].get<bool>()) << req.dump();
    EXPECT_EQ(r["error"]["field"], field) << req.dump() << " -> " << r.dump();
  }
}

}  // namespace
}  // namespace runcheck
