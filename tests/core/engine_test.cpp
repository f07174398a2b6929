// The typed engine (runcheck/engine.h): a typed request gives the same answer as its JSON
// form, typed values meet the same ranges as the JSON fields, and the answer's parts are
// readable without the response's field names.
#include "runcheck/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "estimate.h"
#include "runcheck/api.h"

namespace runcheck {
namespace {

using nlohmann::json;

EstimateRequest two_3090s() {
  EstimateRequest q;
  q.model = "llama-3.1-70b";
  q.quant = "Q4_K_M";
  q.context = 16384;
  q.hardware = {"rtx-3090x2"};
  q.kv_type = "q8_0";
  return q;
}

TEST(Engine, TypedAnswerReadsWithoutFieldNames) {
  auto r = estimate(two_3090s());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Estimate& e = r.value();
  // Llama 3.1 70B Q4_K_M: 42,512,531,712 bytes of weights (the golden
  // estimate-llama31-70b-3090x2, itself the sum of llama.cpp's per-tensor sizes).
  EXPECT_EQ(e.weights.total_bytes, 42512531712u);
  ASSERT_EQ(e.plan.devices.size(), 3u);  // two GPUs and the host
  EXPECT_EQ(e.plan.devices[0].layers + e.plan.devices[1].layers, 80u);
  EXPECT_EQ(e.plan.gpu_layers, 81u);  // 80 blocks + the output layer, as -ngl counts
  EXPECT_EQ(e.plan.verdict, Verdict::kComfortable);
  EXPECT_EQ(e.kv_type, "q8_0");
  EXPECT_EQ(e.runtime, "llama.cpp");
  ASSERT_TRUE(e.speed.decode_tps.has_value());
  ASSERT_TRUE(e.speed.decode_tps_low && e.speed.decode_tps_high);
  EXPECT_LE(*e.speed.decode_tps_low, *e.speed.decode_tps);
  EXPECT_LE(*e.speed.decode_tps, *e.speed.decode_tps_high);
  EXPECT_TRUE(e.commands.count("llama_server"));
  EXPECT_TRUE(e.max_context_fits.has_value());
}

TEST(Engine, TypedAndJsonRequestsGiveTheSameResponse) {
  const json q = {{"model", "llama-3.1-70b"},
                  {"quant", "Q4_K_M"},
                  {"context", 16384},
                  {"hardware", "rtx-3090x2"},
                  {"kv_type", "q8_0"}};
  auto via_json = estimate_json(q);
  auto typed = estimate(two_3090s());
  ASSERT_TRUE(via_json.ok() && typed.ok());
  EXPECT_EQ(estimate_response(typed.value()).dump(), via_json.value().dump());
}

TEST(Engine, TypedValuesMeetTheFieldRanges) {
  EstimateRequest q = two_3090s();
  q.parallel = 0;
  auto r = estimate(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "parallel");
  EXPECT_EQ(r.error().code, "out_of_range");

  q = two_3090s();
  q.context = 131073;  // one past Llama 3.1's 131,072 trained tokens
  r = estimate(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "context");
  EXPECT_NE(r.error().message.find("maximum is 131072"), std::string::npos);

  q = two_3090s();
  q.ram_gb = -1;
  r = estimate(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "ram_gb");

  q = two_3090s();
  q.model.clear();
  r = estimate(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "model");
}

TEST(Engine, WorkloadChecksWithoutAMachine) {
  EstimateRequest q;
  q.model = "llama-3.1-8b";
  q.quant = "Q4_K_M";
  EXPECT_FALSE(check_estimate_workload(q).has_value());  // no hardware needed
  q.quant = "Q9_X";
  auto e = check_estimate_workload(q);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->field, "quant");
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// A config.json as users paste it (Llama-3-8B's published shape).
nlohmann::json llama3_8b_config() {
  return {{"architectures", {"LlamaForCausalLM"}},
          {"model_type", "llama"},
          {"hidden_size", 4096},
          {"intermediate_size", 14336},
          {"num_hidden_layers", 32},
          {"num_attention_heads", 32},
          {"num_key_value_heads", 8},
          {"max_position_embeddings", 8192},
          {"vocab_size", 128256},
          {"rms_norm_eps", 1e-5},
          {"rope_theta", 500000.0},
          {"tie_word_embeddings", false}};
}

TEST(Engine, ResetForgetsUserModelsAndKeepsAnswers) {
  auto before = estimate(two_3090s());
  const json imp = json::parse(handle_request(
      json{{"command", "import"}, {"config", llama3_8b_config()}, {"name", "reset-probe"}}.dump()));
  ASSERT_TRUE(imp["ok"].get<bool>()) << imp.dump();
  EstimateRequest mine;
  mine.model = imp["model"].get<std::string>();
  mine.quant = "Q4_K_M";
  mine.hardware = {"rtx-4090"};
  ASSERT_TRUE(estimate(mine).ok());

  reset_engine_state();
  auto gone = estimate(mine);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().field, "model");
  EXPECT_EQ(gone.error().code, "unknown_id");
  // The memos rebuild to the same answer.
  auto after = estimate(two_3090s());
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(estimate_response(after.value()).dump(), estimate_response(before.value()).dump());
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// The chart's per-quant contexts are the same searches as each quant's own estimate.
TEST(Engine, QuantContextsAreEachQuantsOwnMaxContext) {
  EstimateRequest q;
  q.model = "qwen3-32b";
  q.quant = "Q4_K_M";
  q.context = 16384;
  q.hardware = {"rtx-3090"};
  q.quant_contexts = true;
  auto r = estimate(q);
  ASSERT_TRUE(r.ok());
  const auto& rows = r.value().quant_contexts;
  ASSERT_EQ(rows.size(), 16u);  // the GGUF ladder, F16 down to IQ1_M
  EXPECT_EQ(rows.front().quant, "F16");
  EXPECT_FALSE(rows.front().fits.has_value());  // 64 GB of weights: no context fits at all
  for (const char* quant : {"Q8_0", "Q4_K_M", "IQ2_M"}) {
    EstimateRequest one = q;
    one.quant = quant;
    one.quant_contexts = false;
    auto e = estimate(one);
    ASSERT_TRUE(e.ok());
    const auto it = std::find_if(rows.begin(), rows.end(),
                                 [&](const QuantLimit& x) { return x.quant == quant; });
    ASSERT_NE(it, rows.end()) << quant;
    EXPECT_EQ(it->comfortable, e.value().max_context_comfortable) << quant;
    EXPECT_EQ(it->fits, e.value().max_context_fits) << quant;
  }
  // Not asked for: not computed, and the response has no such field.
  q.quant_contexts = false;
  auto plain = estimate(q);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain.value().quant_contexts.empty());
  EXPECT_FALSE(estimate_response(plain.value()).contains("quant_contexts"));
}

}  // namespace
}  // namespace runcheck
