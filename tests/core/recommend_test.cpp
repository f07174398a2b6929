// What should I run here: the ranking rules on the catalog (fit and speed from the same estimate
// as Will it run?, quality from catalog/quality.json, quant loss from catalog/quant_loss.json).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "recommend_internal.h"
#include "runcheck/api.h"

namespace runcheck {
namespace {

using nlohmann::json;

json recommend(json req) {
  req["command"] = "recommend";
  return json::parse(handle_request(req.dump()));
}

TEST(Recommend, RanksWhatRunsByPublishedQuality) {
  const json r = recommend(
      {{"hardware", "rtx-3090"}, {"ram_gb", 64}, {"use_case", "reasoning"}, {"limit", 50}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["context"], 32768);
  EXPECT_EQ(r["min_decode_tps"], 20.0);
  double last = 1e9;
  std::string last_tier = "within your limits";
  for (const auto& x : r["ranked"]) {
    // Everything listed runs at the floor, and the known scores come first, best first.
    EXPECT_NE(x["verdict"], "will_not_run") << x["model"];
    EXPECT_GE(x["decode_tps"].get<double>(), 20.0) << x["model"];
    if (x["tier"] == "within your limits") {
      EXPECT_EQ(last_tier, "within your limits");
      EXPECT_LE(x["quality"].get<double>(), last);
      last = x["quality"].get<double>();
    }
    last_tier = x["tier"];
  }
  // GPQA Diamond, Qwen's Qwen3.6-27B blog (2026-04-22): Qwen3.6-27B 87.8 > Qwen3.6-35B-A3B 86.0,
  // both of which run on a 24 GB card.
  EXPECT_EQ(r["ranked"][0]["model"], "qwen3.6-27b");
  EXPECT_EQ(r["ranked"][0]["quality"], 87.8);
  EXPECT_EQ(r["ranked"][1]["model"], "qwen3.6-35b-a3b");
  EXPECT_EQ(r["ranked"][1]["quality"], 86.0);
  // A better model that does not fit is never ranked, and says why: Qwen3.5-397B-A17B (88.4 in
  // the same table) needs far more than a 24 GB card and 64 GB of RAM; DeepSeek-R1 (71.5) too.
  for (const auto& x : r["ranked"]) {
    EXPECT_NE(x["model"], "qwen3.5-397b-a17b");
    EXPECT_NE(x["model"], "deepseek-r1");
  }
  bool named = false;
  for (const auto& w : r["why_not"])
    if (w["model"] == "qwen3.5-397b-a17b") {
      named = true;
      EXPECT_EQ(w["score"], 88.4);
      EXPECT_NE(w["reason"].get<std::string>().find("GiB more"), std::string::npos);
    }
  EXPECT_TRUE(named);
}

TEST(Recommend, QuantLossMovesAModelDown) {
  // Qwen3-32B runs on a 24 GB card at Q4_K_M (published KLD 0.028 with an imatrix). Allow only
  // 8-bit and better (KLD <= 0.002: Q8_0 0.0014, F16 0.0006) and it drops below every model
  // that runs within that limit, however high its score.
  const json base = {{"hardware", "rtx-3090"}, {"use_case", "chat"}, {"limit", 200}};
  const json loose = recommend(base);
  json strict_req = base;
  strict_req["max_kld"] = 0.002;
  const json strict = recommend(strict_req);
  auto find = [](const json& r, const std::string& id) {
    for (const auto& x : r["ranked"])
      if (x["model"] == id) return x;
    return json();
  };
  const json q32 = find(loose, "qwen3-32b");
  ASSERT_TRUE(q32.is_object());
  EXPECT_EQ(q32["tier"], "within your limits");
  EXPECT_EQ(q32["quant_loss"]["kld_mean"], 0.028152);
  const json q32s = find(strict, "qwen3-32b");
  ASSERT_TRUE(q32s.is_object());
  EXPECT_EQ(q32s["tier"], "only beyond your quant-loss limit");
  bool beyond = false;
  for (const auto& x : strict["ranked"]) {
    if (x["tier"] == "only beyond your quant-loss limit") {
      beyond = true;
    } else {
      EXPECT_FALSE(beyond) << x["model"] << " is within the limit yet ranked after one beyond it";
    }
    if (beyond && x["quality"].is_number() && x["model"] != "qwen3-32b") {
      EXPECT_TRUE(x["quality"].get<double>() >= q32s["quality"].get<double>() ||
                  x["rank"].get<int>() > q32s["rank"].get<int>());
    }
  }
}

json choose(json req) {
  req["command"] = "choose";
  return json::parse(handle_request(req.dump()));
}

TEST(ChooseForUse, EachSetupIsJudgedByTheBestModelItRuns) {
  // Coding on single cards under $1,000. Every pick's model is the best-scoring model that the
  // same machine's own "what should I run" ranks first within the limits (the same estimate and
  // the same quant rule), and picks are ordered by that score, then by price.
  const json r = choose({{"use_case", "coding"},
                         {"budget_usd", 1000},
                         {"max_cards", 1},
                         {"mac_ok", false},
                         {"limit", 6}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["context"], 32768);
  EXPECT_EQ(r["min_decode_tps"], 15.0);
  ASSERT_FALSE(r["picks"].empty());
  double last_score = 1e9, last_price = 0;
  for (const auto& p : r["picks"]) {
    const json& best = p["best_model"];
    EXPECT_LE(p["price_usd"].get<double>(), 1000);
    EXPECT_GE(best["decode_tps"].get<double>(), 15.0);
    EXPECT_NE(best["verdict"], "will_not_run");
    const double score = best["score"].get<double>();
    EXPECT_LE(score, last_score);
    if (score == last_score) {
      EXPECT_GE(p["price_usd"].get<double>(), last_price);
    }
    last_score = score;
    last_price = p["price_usd"].get<double>();
    const json mine = recommend({{"hardware", p["hardware"]}, {"use_case", "coding"}});
    ASSERT_TRUE(mine["ok"].get<bool>()) << mine.dump();
    ASSERT_FALSE(mine["ranked"].empty());
    EXPECT_EQ(mine["ranked"][0]["model"], best["model"]) << p["setup"];
    EXPECT_EQ(mine["ranked"][0]["quant"], best["quant"]) << p["setup"];
  }
  // The better-scoring models no setup in the budget runs are named, each above every pick.
  for (const auto& m : r["out_of_reach"])
    EXPECT_GT(m["score"].get<double>(), r["picks"][0]["best_model"]["score"].get<double>());
}

TEST(ChooseForUse, ABetterModelThatDoesNotFitNeverRanksAbove) {
  // Reasoning at 40 tok/s for $400: Qwen3.5-397B-A17B (GPQA Diamond 88.4) fits no setup in the
  // budget, so it is out of reach and no pick names it. Qwen3.6-27B (87.8, the same table) at
  // Q3_K_M needs about 13 GB a token: a used Tesla P100 (732 GB/s, but 56 SMs at 1.33 GHz, so
  // issue-bound at about 9.9 bytes per SM-cycle) or V100 runs it under 40 tok/s, so the best
  // model a setup in the budget runs at that speed is Qwen3.6-35B-A3B (86.0), 3B active.
  const json r = choose({{"use_case", "reasoning"}, {"budget_usd", 400}, {"min_decode_tps", 40}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  bool out = false;
  for (const auto& m : r["out_of_reach"]) out |= m["model"] == "qwen3.5-397b-a17b";
  EXPECT_TRUE(out);
  for (const auto& p : r["picks"]) EXPECT_NE(p["best_model"]["model"], "qwen3.5-397b-a17b");
  EXPECT_EQ(r["picks"][0]["best_model"]["model"], "qwen3.6-35b-a3b");
  EXPECT_EQ(r["picks"][0]["best_model"]["score"], 86.0);
  for (const auto& p : r["picks"]) EXPECT_NE(p["best_model"]["model"], "qwen3.6-27b");
}

TEST(ChooseForUse, BadInputNamesTheField) {
  EXPECT_EQ(choose({{"use_case", "<script>"}, {"budget_usd", 500}})["error"]["field"], "use_case");
  EXPECT_EQ(choose({{"use_case", "chat"}})["error"]["field"], "budget_usd");
  EXPECT_EQ(
      choose({{"use_case", "chat"}, {"budget_usd", 500}, {"sort", "speed"}})["error"]["field"],
      "sort");
  EXPECT_EQ(choose({{"use_case", "chat"}, {"budget_usd", 500}, {"max_kld", -1}})["error"]["field"],
            "max_kld");
  EXPECT_EQ(
      choose({{"use_case", "chat"}, {"budget_usd", 500}, {"workloads", "x"}})["error"]["field"],
      "workloads");
}

TEST(QuantLoss, PublishedFiguresBesideAQuant) {
  auto loss = [](const std::string& model, const std::string& quant) {
    return json::parse(
        handle_request(json{{"command", "quant_loss"}, {"model", model}, {"quant", quant}}.dump()));
  };
  // llama.cpp's perplexity README, Llama 2 70B table: Q4_K_M 3.4725 vs fp16 3.4313 = +1.20 %.
  const json l70 = loss("llama-2-70b", "Q4_K_M");
  ASSERT_TRUE(l70["ok"].get<bool>()) << l70.dump();
  ASSERT_EQ(l70["this_model"].size(), 1u);
  EXPECT_EQ(l70["this_model"][0]["value"], 1.2);
  EXPECT_EQ(l70["this_model"][0]["model_id"], "llama-2-70b");  // "Llama 2 70B" via the name index
  EXPECT_EQ(l70["summary"].get<std::string>().rfind("Q4_K_M on this model: perplexity +1.20 %", 0),
            0u)
      << l70["summary"];
  // The general row the ranking reads: Llama-3-8B, Q4_K_M with an imatrix, KLD 0.028152.
  EXPECT_EQ(l70["general"]["value"], 0.028152);
  // A model with no published row says so and falls back to the general table.
  const json q8 = loss("qwen3-8b", "Q3_K_M");
  EXPECT_TRUE(q8["this_model"].empty());
  EXPECT_NE(q8["summary"].get<std::string>().find("no figure published for this model"),
            std::string::npos);
  // FP8 checkpoints (safetensors) read the fp8 rows: Red Hat's Qwen3.6-35B-A3B card, 100.6 %.
  const json fp8 = loss("qwen3.6-35b-a3b", "FP8");
  ASSERT_EQ(fp8["this_model"].size(), 1u);
  EXPECT_EQ(fp8["this_model"][0]["metric"], "recovery_pct");
  EXPECT_EQ(fp8["this_model"][0]["value"], 100.6);
  EXPECT_TRUE(fp8["general"].is_null());
  EXPECT_EQ(loss("<b>", "Q4_K_M")["error"]["field"], "model");
  EXPECT_EQ(loss("llama-2-70b", "Q9_X")["error"]["field"], "quant");
}

// The ranking on small fixed catalogs, checked by hand.
std::vector<std::string> order(const std::vector<recommend::RankEntry>& e) {
  std::vector<std::string> ids;
  for (size_t i : recommend::rank_order(e)) ids.push_back(e[i].id);
  return ids;
}

TEST(RankOrder, ABetterModelThatDoesNotRunIsNeverRankedAboveOneThatDoes) {
  // big scores 80 but does not run at the floor; mid (60) and small (50) do.
  const std::vector<recommend::RankEntry> e = {{"big", false, true, 80.0, 0.03, 3},
                                               {"small", true, true, 50.0, 0.03, 90},
                                               {"mid", true, true, 60.0, 0.03, 30}};
  EXPECT_EQ(order(e), (std::vector<std::string>{"mid", "small"}));
}

TEST(RankOrder, QuantLossMovesAModelAsPublished) {
  // Same score: the quant with the lower published KLD first (Q6_K 0.0055 before Q4_K_M 0.028,
  // the llama.cpp scoreboard's figures). A higher score beyond the loss limit (Q2_K, 0.33) drops
  // below every model within it, and below the unknown ones.
  const std::vector<recommend::RankEntry> e = {{"a-q4km", true, true, 70.0, 0.028, 40},
                                               {"b-q6k", true, true, 70.0, 0.0055, 20},
                                               {"c-q2k", true, false, 90.0, 0.33, 60},
                                               {"d-unknown", true, true, std::nullopt, 0.028, 50}};
  EXPECT_EQ(order(e), (std::vector<std::string>{"b-q6k", "a-q4km", "d-unknown", "c-q2k"}));
  // The same entries with a looser limit (Q2_K now within it): it ranks first on its score.
  std::vector<recommend::RankEntry> loose = e;
  loose[2].within_limit = true;
  EXPECT_EQ(order(loose), (std::vector<std::string>{"c-q2k", "b-q6k", "a-q4km", "d-unknown"}));
}

TEST(RankOrder, UnknownQualityComesAfterKnownFastestFirst) {
  const std::vector<recommend::RankEntry> e = {{"u-slow", true, true, std::nullopt, 0.01, 12},
                                               {"u-fast", true, true, std::nullopt, 0.01, 80},
                                               {"known", true, true, 10.0, 0.01, 5}};
  EXPECT_EQ(order(e), (std::vector<std::string>{"known", "u-fast", "u-slow"}));
}

TEST(Recommend, UnknownQualityIsShownAsUnknown) {
  // No vision benchmark is in the catalog: vision-capable models only, quality null.
  const json r = recommend({{"hardware", "rtx-4090"}, {"use_case", "vision"}});
  ASSERT_TRUE(r["ok"].get<bool>());
  ASSERT_FALSE(r["ranked"].empty());
  for (const auto& x : r["ranked"]) {
    EXPECT_TRUE(x["quality"].is_null());
    EXPECT_EQ(x["tier"], "quality unknown");
  }
}

TEST(Recommend, BadInputNamesTheField) {
  EXPECT_EQ(recommend({{"hardware", "rtx-3090"}, {"use_case", "poetry"}})["error"]["field"],
            "use_case");
  EXPECT_EQ(recommend({{"use_case", "chat"}})["error"]["field"], "hardware");
  EXPECT_EQ(recommend({{"hardware", "gtx-9999"}})["error"]["field"], "hardware");
  EXPECT_EQ(recommend({{"hardware", "rtx-3090"}, {"max_kld", -1}})["error"]["field"], "max_kld");
  EXPECT_EQ(recommend({{"hardware", "rtx-3090"}, {"colour", 1}})["error"]["field"], "colour");
}

}  // namespace
}  // namespace runcheck
