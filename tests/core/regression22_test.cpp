// Issue 22: wrong numbers and broken paths a user hit, one test per item (named itemNN_...).
// Each test failed on the code before its fix.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "runcheck/api.h"

namespace runcheck {
namespace {

using nlohmann::json;

json call(const json& req) { return json::parse(handle_request(req.dump())); }

// The row of `model` in a My machine answer, whatever its verdict group.
json machine_row(const json& r, const std::string& model, std::string* group = nullptr) {
  for (const auto& [g, rows] : r["models"].items())
    for (const auto& row : rows)
      if (row["model"] == model) {
        if (group) *group = g;
        return row;
      }
  return nullptr;
}

TEST(regression22, item01_my_machine_judges_each_model_at_the_asked_context) {
  // The CLI passes every value as text: "--context 131072" arrived as the string "131072", which
  // the old code read as a number or 4,096.
  auto at = [](const char* ctx) {
    return call({{"command", "choose"}, {"hardware", "rtx-4090"}, {"quant", "Q4_K_M"}, {"ram_gb", "64"}, {"context", ctx}});
  };
  const json small = at("1024"), big = at("131072");
  ASSERT_TRUE(small["ok"].get<bool>()) << small.dump();
  ASSERT_TRUE(big["ok"].get<bool>()) << big.dump();
  std::string g_small, g_big;
  const json q_small = machine_row(small, "qwen3-32b", &g_small), q_big = machine_row(big, "qwen3-32b", &g_big);
  // Qwen3-32B Q4_K_M on 24 GB: comfortable at 1k; at its 40,960 maximum its KV cache (64 layers x
  // 8 KV heads x 128 x 2 x 2 B = 256 KiB a token = 10 GiB) no longer fits beside 18.7 GiB of
  // weights, so layers go to the CPU.
  EXPECT_EQ(g_small, "comfortable");
  EXPECT_EQ(g_big, "tradeoffs");
  EXPECT_EQ(q_small["context"], 1024);
  EXPECT_EQ(q_small["context_capped"], false);
  EXPECT_EQ(q_big["context"], 40960);  // capped at Qwen3-32B's maximum, and saying so
  EXPECT_EQ(q_big["context_capped"], true);
  EXPECT_EQ(q_big["context_note"], "judged at 40960 tokens, Qwen3 32B's maximum (you asked 131072)");
  // Llama 2 7B's maximum is 4,096: never listed at 131,072.
  const json l2 = machine_row(big, "llama-2-7b");
  EXPECT_EQ(l2["context"], 4096);
  EXPECT_EQ(l2["context_capped"], true);
  EXPECT_EQ(big["context"], 131072);
}

TEST(regression22, item04_a_macs_memory_and_price_follow_one_rule) {
  // Compare without a memory size: the M4 Max is judged and priced at its base 48 GB (the
  // configuration the catalog's $2,499 launch price is for), not sized at 128 GB and priced at 48.
  const json c = call({{"command", "compare"}, {"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"}, {"context", 8192},
                       {"setups", {"rtx-3090", "apple-m4-max-40c"}}});
  ASSERT_TRUE(c["ok"].get<bool>()) << c.dump();
  const json& mac = c["setups"][1];
  EXPECT_EQ(mac["setup"], "Apple M4 Max (40-core GPU), 48 GB");
  EXPECT_EQ(mac["accelerator_memory_gib"], 48.0);
  EXPECT_EQ(mac["price_usd"], 2499.0);
  EXPECT_EQ(mac["price_basis"], "launch MSRP (base 48 GB configuration)");
  EXPECT_NEAR(mac["price_per_gb"].get<double>(), 2499.0 / 48, 1e-9);
  // With 128 GB asked for, the size is 128 and the base price no longer applies: unknown, and why.
  const json c128 = call({{"command", "compare"}, {"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"}, {"context", 8192},
                          {"ram_gb", 128}, {"setups", {"rtx-3090", "apple-m4-max-40c"}}});
  ASSERT_TRUE(c128["ok"].get<bool>()) << c128.dump();
  EXPECT_EQ(c128["setups"][1]["setup"], "Apple M4 Max (40-core GPU), 128 GB");
  EXPECT_TRUE(c128["setups"][1]["price_usd"].is_null());
  EXPECT_EQ(c128["setups"][1]["price_basis"],
            "the catalog prices only the base 48 GB configuration of Apple M4 Max (40-core GPU); give price_usd for 128 GB");
  // My machine's heading follows the RAM field (64), not the largest option.
  const json m = call({{"command", "choose"}, {"hardware", "apple-m4-max-40c"}, {"ram_gb", 64}, {"quant", "Q4_K_M"}});
  ASSERT_TRUE(m["ok"].get<bool>()) << m.dump();
  EXPECT_EQ(m["hardware"], "Apple M4 Max (40-core GPU), 64 GB");
  // The estimate alone assumes the same base configuration.
  const json e = call({{"model", "llama-3.1-8b"}, {"hardware", "apple-m4-max-40c"}});
  ASSERT_TRUE(e["ok"].get<bool>()) << e.dump();
  EXPECT_EQ(e["request"]["ram_gb"], 48.0);
}

TEST(regression22, item19_compare_gives_no_win_for_a_tie_or_a_lone_known_value) {
  // Two identical 3090s: every figure ties, so no row has a winner and no verdict wins.
  const json c = call({{"command", "compare"}, {"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"}, {"context", 8192},
                       {"setups", {"rtx-3090", "rtx-3090"}}});
  ASSERT_TRUE(c["ok"].get<bool>()) << c.dump();
  for (const char* k : {"headroom_gib", "decode_tps", "price_usd", "watts", "max_context_fits"})
    EXPECT_TRUE(c["winners"][k].is_null()) << k;
  EXPECT_TRUE(c["winners"]["verdict"].empty());
  // A 3090 (350 W TDP) against a Mac whose power is unknown: the 3090 is not the "watts" winner.
  const json m = call({{"command", "compare"}, {"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"}, {"context", 8192},
                       {"setups", {"rtx-3090", "apple-m4-max-40c"}}});
  ASSERT_TRUE(m["ok"].get<bool>()) << m.dump();
  EXPECT_EQ(m["setups"][0]["watts"], 350.0);
  EXPECT_TRUE(m["setups"][1]["watts"].is_null());
  EXPECT_TRUE(m["winners"]["watts"].is_null());
  // A real difference still wins: the 3090's 24 GiB vs the Mac's 48 GB -> the Mac has more headroom.
  EXPECT_EQ(m["winners"]["headroom_gib"], 1);
}

TEST(regression22, item22_unknown_fields_are_refused_with_the_closest_known_one) {
  const json e = call({{"command", "estimate"}, {"model", "llama-3.1-8b"}, {"hardware", "rtx-4090"}, {"contxt", 5}});
  ASSERT_FALSE(e["ok"].get<bool>());
  EXPECT_EQ(e["error"]["code"], "unknown_field");
  EXPECT_EQ(e["error"]["field"], "contxt");
  EXPECT_EQ(e["error"]["message"].get<std::string>().rfind("unknown field 'contxt' — did you mean 'context'?", 0), 0u)
      << e["error"]["message"];
  // Every command, and nested objects name their path.
  struct Case { json req; const char* field; const char* near; };
  const Case cases[] = {
      {{{"command", "compare"}, {"model", "llama-3.1-8b"}, {"setups", {"rtx-3090", "rtx-4090"}}, {"qaunt", "Q8_0"}}, "qaunt", "quant"},
      {{{"command", "compare"}, {"model", "llama-3.1-8b"}, {"setups", {{{"hardware", "rtx-3090"}, {"ram_g", 64}}, "rtx-4090"}}},
       "setups[0].ram_g", "ram_gb"},
      {{{"command", "choose"}, {"budget_usd", 2000}, {"workloads", {{{"model", "llama-3.1-8b"}, {"contex", 8192}}}}},
       "workloads[0].contex", "context"},
      {{{"command", "choose"}, {"budget_usd", 2000}, {"workloads", "llama-3.1-8b"}, {"max_card", 2}}, "max_card", "max_cards"},
      {{{"command", "choose"}, {"hardware", "rtx-4090"}, {"contexts", 8192}}, "contexts", "context"},
      {{{"command", "cost"}, {"model", "llama-3.1-8b"}, {"hardware", "rtx-3090"}, {"usd_per_kwh", 0.2}, {"hours_per_day", 2},
        {"life_year", 3}}, "life_year", "life_years"},
      {{{"command", "sweep"}, {"models", "llama-3.1-8b"}, {"context", 4096}}, "context", "contexts"},
      {{{"command", "catalog"}, {"lst", "models"}}, "lst", "list"},
  };
  for (const auto& c : cases) {
    const json r = call(c.req);
    ASSERT_FALSE(r["ok"].get<bool>()) << c.req.dump();
    EXPECT_EQ(r["error"]["code"], "unknown_field") << c.req.dump();
    EXPECT_EQ(r["error"]["field"], c.field) << r.dump();
    EXPECT_NE(r["error"]["message"].get<std::string>().find(std::string("did you mean '") + c.near + "'"), std::string::npos)
        << r.dump();
  }
  // A key far from every known one gets no guess, only the list; hostile text is echoed safely.
  const json h = call({{"command", "estimate"}, {"model", "llama-3.1-8b"}, {"hardware", "rtx-4090"}, {"<script>x\n", 1}});
  ASSERT_FALSE(h["ok"].get<bool>());
  EXPECT_EQ(h["error"]["field"], "<script>x?");
  EXPECT_EQ(h["error"]["message"].get<std::string>().find("did you mean"), std::string::npos);
}

}  // namespace
}  // namespace runcheck
