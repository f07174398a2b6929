// Learn: glossary templates rendered through the engine (hand-computed values), the prose lint,
// and every entry of catalog/glossary.json rendered with no unresolved template, no typed
// quantity and a source.
#include "runcheck/learn.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "runcheck/catalog.h"

namespace runcheck {
namespace {

std::string render(const std::string& text, std::vector<std::string>* unresolved = nullptr) {
  std::vector<LearnValue> values;
  std::vector<std::string> bad;
  std::string out = render_learn_text(text, values, bad);
  if (unresolved) *unresolved = bad;
  return out;
}

TEST(Learn, TemplatesRenderEngineValues) {
  // Llama 3 8B Q4_K_M: 4,912,898,048 bytes of tensors (the golden estimate's weights_bytes) over
  // 8,030,261,248 parameters = 4.89 bits per weight.
  EXPECT_EQ(render("{{weights model=llama-3-8b quant=Q4_K_M}}"), "4.58 GiB");
  EXPECT_EQ(render("{{bpw model=llama-3-8b quant=Q4_K_M}}"), "4.89 bits per weight");
  // KV: 32 layers x 8 KV heads x 128 x (K+V) x 2 bytes = 128 KiB per token; 8192 tokens = 1 GiB;
  // q8_0 (34 bytes per 32) = 34/64 of that.
  EXPECT_EQ(render("{{kv_per_token model=llama-3-8b}} per token"), "128 KiB per token");
  EXPECT_EQ(render("{{kv model=llama-3-8b context=8192}}"), "1.00 GiB");
  EXPECT_EQ(render("{{kv model=llama-3-8b context=8192 kv_type=q8_0}}"), "544 MiB");
  EXPECT_EQ(render("{{kv model=llama-3-8b context=8192 parallel=2}}"), "2.00 GiB");
  EXPECT_EQ(render("{{context_length model=llama-3-8b}} in {{layers model=llama-3-8b}}"),
            "8,192 tokens in 32 layers");
  EXPECT_EQ(render("{{vram hardware=rtx-4090}}"), "24 GiB");
  EXPECT_EQ(
      render("a {{verdict model=llama-3-8b quant=Q4_K_M context=8192 hardware=rtx-4090}} fit"),
      "a comfortable fit");
  EXPECT_EQ(render("{{max_context model=llama-3-8b quant=Q4_K_M hardware=rtx-4090}}"),
            "8,192 tokens");  // the model's whole trained context fits
  // 70B Q4_K_M (about 40 GiB) with a 12 GB card: only with 64 GB of RAM to offload into.
  EXPECT_EQ(
      render("{{verdict model=llama-3.1-70b quant=Q4_K_M context=8192 hardware=rtx-3060-12gb}}"),
      "will not run");
  EXPECT_EQ(render("{{verdict model=llama-3.1-70b quant=Q4_K_M context=8192 hardware=rtx-3060-12gb "
                   "ram_gb=64}}"),
            "runs with tradeoffs");
}

TEST(Learn, BadTemplatesAreListedNotGuessed) {
  std::vector<std::string> bad;
  EXPECT_EQ(render("x {{weight model=llama-3-8b quant=F16}} y", &bad), "x \u2014 y");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("unknown template 'weight'"), std::string::npos);
  render("{{weights model=llama-3-8b}}", &bad);
  EXPECT_NE(bad.at(0).find("missing quant"), std::string::npos);
  render("{{weights model=llama-9b quant=F16}}", &bad);
  EXPECT_NE(bad.at(0).find("unknown model 'llama-9b'"), std::string::npos);
  render("{{kv model=llama-3-8b context=8192 colour=red}}", &bad);
  EXPECT_NE(bad.at(0).find("unknown key 'colour'"), std::string::npos);
  render("{{kv model=llama-3-8b context=8192", &bad);
  EXPECT_NE(bad.at(0).find("unclosed"), std::string::npos);
  // <script> in a template comes back as text in the reason, never as markup the core builds.
  render("{{<script>alert(1)</script>}}", &bad);
  EXPECT_NE(bad.at(0).find("unknown template"), std::string::npos);
}

TEST(Learn, ProseLintFindsTypedQuantities) {
  const auto found = learn_prose_numbers(
      "A 7B model needs 14 GB and runs at 50 tok/s; 32K context; {{kv model=x context=1}} and "
      "`llama-server -c 8192 -ngl 99` are fine, Q4_K_M is a name, so is 2024.");
  EXPECT_EQ(found, (std::vector<std::string>{"14 GB", "50 tok/s", "32K context"}));
}

TEST(Learn, EveryGlossaryEntryRendersCleanly) {
  const Catalog& cat = builtin_catalog();
  for (const GlossaryEntry& g : cat.glossary) {
    const std::string r =
        handle_request(nlohmann::json{{"command", "learn"}, {"term", g.id}}.dump());
    const auto j = nlohmann::json::parse(r);
    ASSERT_TRUE(j["ok"].get<bool>()) << g.id << ": " << r;
    EXPECT_TRUE(j["unresolved"].empty()) << g.id << ": " << j["unresolved"].dump();
    std::vector<std::string> texts = {g.short_text, g.body, g.example_text, g.workflow_text};
    texts.insert(texts.end(), g.table_head.begin(), g.table_head.end());
    texts.insert(texts.end(), g.table_rows.begin(), g.table_rows.end());  // cells, tab-joined
    for (const std::string& text : texts)
      EXPECT_TRUE(learn_prose_numbers(text).empty())
          << g.id << ": typed quantity " << nlohmann::json(learn_prose_numbers(text)).dump();
    EXPECT_FALSE(g.sources.empty()) << g.id;
  }
}

// A guide's live table: every cell is the engine's own answer for that setup.
TEST(Learn, GuideTablesAreTheEnginesAnswers) {
  const auto learn = [](const char* id) {
    return nlohmann::json::parse(
        handle_request(nlohmann::json{{"command", "learn"}, {"term", id}}.dump()));
  };
  const auto est = [](nlohmann::json q) {
    q["command"] = "estimate";
    return nlohmann::json::parse(handle_request(q.dump()));
  };
  int guides = 0;
  for (const GlossaryEntry& g : builtin_catalog().glossary) {
    if (g.category != "guide") continue;
    ++guides;
    const auto j = learn(g.id.c_str());
    ASSERT_TRUE(j.contains("table")) << g.id;
    EXPECT_EQ(j["table"]["head"].size(), g.table_head.size());
    EXPECT_EQ(j["table"]["rows"].size(), g.table_rows.size());
  }
  EXPECT_EQ(guides, 5);
  // Multi-GPU: the two-card row's context is the estimate's comfortable maximum there.
  const auto multi = learn("guide-multi-gpu");
  const auto two = est({{"model", "llama-3.3-70b"},
                        {"quant", "Q4_K_M"},
                        {"context", 512},
                        {"hardware", "rtx-3090x2"},
                        {"ram_gb", 64}});
  ASSERT_TRUE(two["ok"].get<bool>());
  const uint64_t fits = two["max_context"]["comfortable"].get<uint64_t>();
  std::string grouped = std::to_string(fits);  // "131,072 tokens", as the template writes it
  for (int i = static_cast<int>(grouped.size()) - 3; i > 0; i -= 3) grouped.insert(i, ",");
  EXPECT_EQ(multi["table"]["rows"][1][4], grouped + " tokens");
  EXPECT_EQ(multi["table"]["rows"][1][0], "2 × NVIDIA GeForce RTX 3090");
  // Long context: the f16 column is the comfortable maximum with an f16 cache on the 12 GB card.
  const auto lc = learn("guide-long-context");
  const auto small = est({{"model", "llama-3.1-8b"},
                          {"quant", "Q4_K_M"},
                          {"context", 512},
                          {"hardware", "rtx-3060-12gb"}});
  std::string g2 = std::to_string(small["max_context"]["comfortable"].get<uint64_t>());
  for (int i = static_cast<int>(g2.size()) - 3; i > 0; i -= 3) g2.insert(i, ",");
  EXPECT_EQ(lc["table"]["rows"][0][2], g2 + " tokens");
}

}  // namespace
}  // namespace runcheck
