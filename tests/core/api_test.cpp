// The JSON boundary: errors come back as values naming the field; nothing throws.
#include "runcheck/api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace runcheck {
namespace {

using nlohmann::json;

json call(const std::string& req) { return json::parse(handle_request(req)); }

TEST(api_test, weights_of_a_catalog_model) {
  const json r = call(
      R"({"command":"estimate","model":"llama-3.1-8b","quant":"Q4_K_M","hardware":"rtx-4090"})");
  ASSERT_TRUE(r["ok"].get<bool>());
  // Llama 3.1 8B = Llama 3 8B + a 64-float rope_freqs tensor (256 B): 4,912,898,048 + 256.
  EXPECT_EQ(r["memory"]["weights_bytes"].get<uint64_t>(), 4912898304u);
}

struct BadCase {
  const char* request;
  const char* field;
  const char* code;
};

TEST(api_test, bad_requests_name_the_field) {
  const BadCase cases[] = {
      {R"({"command":"estimate","model":"nope"})", "model", "unknown_id"},
      {R"({"command":"estimate"})", "model", "missing_field"},
      {R"({"command":"estimate","model":"llama-3.1-8b","quant":"Q9_K","hardware":"rtx-4090"})",
       "quant", "unknown_id"},
      {R"({"command":"estimate","model":42})", "model", "bad_type"},
      {R"({"command":"explode"})", "command", "unknown_command"},
      {R"({"command":"estimate",)", "", "bad_json"},
      {R"([1,2,3])", "", "bad_json"},
      {"", "", "bad_json"},
  };
  for (const auto& c : cases) {
    const json r = call(c.request);
    EXPECT_FALSE(r["ok"].get<bool>()) << c.request;
    EXPECT_EQ(r["error"]["field"], c.field) << c.request;
    EXPECT_EQ(r["error"]["code"], c.code) << c.request;
    EXPECT_FALSE(r["error"]["message"].get<std::string>().empty());
  }
}

// The operating system: derived from the hardware when not given; decides which runtimes exist
// (catalog/runtimes.json `os`) and whether the machine can be what it says.
TEST(api_test, operating_system_rules) {
  json r = call(
      R"({"command":"estimate","model":"llama-3.1-8b","hardware":"rtx-4090","inverse":false})");
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["request"]["os"], "linux");
  r = call(
      R"({"command":"estimate","model":"llama-3.1-8b","hardware":"apple-m4-max-40c","inverse":false})");
  EXPECT_EQ(r["request"]["os"], "macos");
  r = call(
      R"({"command":"estimate","model":"llama-3.1-8b","hardware":"rtx-4090","os":"windows","inverse":false})");
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["request"]["os"], "windows");
  const BadCase cases[] = {
      {R"({"command":"estimate","model":"llama-3.1-8b","hardware":"apple-m4-max-40c","os":"linux"})",
       "os", "incompatible"},
      {R"({"command":"estimate","model":"llama-3.1-8b","hardware":"rtx-4090","os":"macos"})", "os",
       "incompatible"},
      // vLLM lists Linux only; MLX lists macOS and Linux.
      {R"({"command":"estimate","model":"llama-3.1-8b","quant":"AWQ-4bit","runtime":"vllm","hardware":"rtx-4090","os":"windows"})",
       "os", "incompatible"},
      {R"({"command":"estimate","model":"llama-3.1-8b","quant":"MLX-4bit","runtime":"mlx","hardware":"rtx-4090","os":"windows"})",
       "os", "incompatible"},
      {R"({"command":"estimate","model":"llama-3.1-8b","hardware":"rtx-4090","os":"<script>bsd"})",
       "os", "bad_value"},
      {R"({"command":"choose","budget_usd":1000,"os":"plan9","workloads":"llama-3.1-8b"})", "os",
       "bad_value"},
  };
  for (const auto& c : cases) {
    const json e = call(c.request);
    ASSERT_FALSE(e["ok"].get<bool>()) << c.request;
    EXPECT_EQ(e["error"]["field"], c.field) << c.request;
    EXPECT_EQ(e["error"]["code"], c.code) << c.request;
  }
  EXPECT_NE(call(cases[2].request)["error"]["message"].get<std::string>().find("it lists: linux"),
            std::string::npos);
  // The bad value is echoed as text (the page renders messages with textContent).
  EXPECT_NE(call(cases[4].request)["error"]["message"].get<std::string>().find("got '<script>bsd'"),
            std::string::npos);
  // LM Studio's catalog entry has no cited OS list: it runs, and the answer says it assumed so.
  r = call(
      R"({"command":"estimate","model":"llama-3.1-8b","runtime":"lmstudio","hardware":"rtx-4090","os":"windows","inverse":false})");
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_NE(r["assumptions"][0].get<std::string>().find("no cited list of the operating systems"),
            std::string::npos);
  // choose: macOS means Macs only; Windows rules out vLLM on every card, and says so.
  r = call(
      R"({"command":"choose","budget_usd":5000,"os":"macos","workloads":"llama-3.1-8b:Q4_K_M:8192"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  ASSERT_FALSE(r["picks"].empty());
  for (const auto& p : r["picks"])
    EXPECT_EQ(p["hardware"].get<std::string>().rfind("apple-", 0), 0u) << p.dump();
  r = call(
      R"({"command":"choose","budget_usd":1500,"os":"windows","workloads":[{"model":"llama-3.1-8b","quant":"AWQ-4bit","runtime":"vllm"}]})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["passing"], 0);
  EXPECT_NE(r["rejected"][0]["why"].get<std::string>().find("does not list windows"),
            std::string::npos);
}

// A user-fixed -ngl that cannot fit: the suggestion is llama.cpp's own placement, which for a
// MoE model keeps every layer on the GPU and moves routed experts to system RAM.
TEST(api_test, forced_layers_suggest_expert_offload) {
  const json r = call(
      R"({"command":"estimate","model":"qwen3-30b-a3b","hardware":"rtx-3060-12gb","context":8192,"gpu_layers":49})");
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["verdict"], "will_not_run");
  json pick;
  for (const auto& s : r["suggestions"])
    if (s["change"].contains("n_cpu_moe")) pick = s;
  ASSERT_FALSE(pick.is_null()) << r["suggestions"].dump();
  EXPECT_EQ(pick["verdict"], "tradeoffs");
  // Applying the patch gives what the suggestion promised.
  json q = {{"command", "estimate"},
            {"model", "qwen3-30b-a3b"},
            {"hardware", "rtx-3060-12gb"},
            {"context", 8192}};
  q.update(pick["change"]);
  const json after = call(q.dump());
  EXPECT_EQ(after["verdict"], pick["verdict"]);
  EXPECT_EQ(after["placement"]["n_cpu_moe"], pick["change"]["n_cpu_moe"]);
  EXPECT_EQ(after["placement"]["gpu_layers"], 49);
}

// The page's first call: the pickers' lists without sources, the same numbers as the full listing.
TEST(api_test, brief_catalog_listing) {
  const json full = call(R"({"command":"catalog"})");
  const json brief = call(R"({"command":"catalog","brief":true})");
  ASSERT_TRUE(brief["ok"].get<bool>());
  EXPECT_FALSE(brief.contains("clouds"));
  EXPECT_FALSE(brief.contains("apis"));
  ASSERT_EQ(brief["models"].size(), full["models"].size());
  ASSERT_EQ(brief["hardware"].size(), full["hardware"].size());
  for (size_t i = 0; i < full["models"].size(); ++i) {
    EXPECT_EQ(brief["models"][i]["parameters"], full["models"][i]["parameters"]);
    EXPECT_TRUE(brief["models"][i]["sources"].is_null());
    EXPECT_FALSE(full["models"][i]["sources"].empty());
  }
  EXPECT_LT(brief.dump().size() * 2, full.dump().size());
}

TEST(api_test, invalid_utf8_is_replaced_not_thrown) {
  const std::string req = std::string(R"({"command":"estimate","model":")") + "\xff\xfe" + R"("})";
  const std::string out = handle_request(req);
  // nlohmann rejects invalid UTF-8 while parsing: a bad_json error, never an exception.
  EXPECT_EQ(json::parse(out)["error"]["code"], "bad_json");
}

TEST(api_test, module_keeps_working_after_an_error) {
  EXPECT_FALSE(call("{").value("ok", true));
  EXPECT_TRUE(call(R"({"command":"estimate","model":"qwen2.5-7b","hardware":"rtx-3090"})")
                  .value("ok", false));
}

}  // namespace
}  // namespace runcheck
