// The real config.json files in shared/fixtures/hf agree with the catalog entries of the same
// models: every top-level key they share has the same value, and both import to the same
// engine model. A disagreement passes only if catalog/exceptions.json lists it (rule "fixture")
// with why and until when.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "hf_config.h"
#include "runcheck/catalog.h"
#include "runcheck/weights.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

// Fixture folder -> catalog id.
const std::map<std::string, std::string> kFixtureModel = {
    {"DeepSeek-V2-Lite", "deepseek-v2-lite"},
    {"DeepSeek-V3", "deepseek-v3"},
    {"Llama-2-70b-hf", "llama-2-70b"},
    {"Llama-2-7b-hf", "llama-2-7b"},
    {"Llama-3.1-70B", "llama-3.1-70b"},
    {"Llama-3.1-8B", "llama-3.1-8b"},
    {"Llama-3.2-3B", "llama-3.2-3b"},
    {"Mistral-7B-v0.1", "mistral-7b-v0.1"},
    {"Mistral-Nemo-Base-2407", "mistral-nemo-12b"},
    {"Mixtral-8x7B-v0.1", "mixtral-8x7b"},
    {"Phi-3-mini-4k-instruct", "phi-3-mini-4k"},
    {"Qwen2.5-1.5B", "qwen2.5-1.5b"},
    {"Qwen2.5-14B", "qwen2.5-14b"},
    {"Qwen2.5-72B", "qwen2.5-72b"},
    {"Qwen2.5-7B", "qwen2.5-7b"},
    {"Qwen3-0.6B", "qwen3-0.6b"},
    {"Qwen3-30B-A3B", "qwen3-30b-a3b"},
    {"Qwen3-8B", "qwen3-8b"},
    {"gemma-2-9b-it", "gemma-2-9b"},
    {"gemma-3-1b-it", "gemma-3-1b"},
    {"gpt-oss-20b", "gpt-oss-20b"},
};

TEST(catalog_fixture_test, fixture_configs_agree_with_catalog_entries) {
  RUNCHECK_NEEDS_SHARED();
  const auto files = builtin_catalog_files();
  const json catalog = json::parse(files.at("models.json"));
  std::set<std::string> excused;  // "id|config.key"
  const json exceptions = json::parse(files.at("exceptions.json"));
  for (const auto& x : exceptions["exceptions"])
    if (x["rule"] == "fixture")
      excused.insert(x["id"].get<std::string>() + "|" + x["field"].get<std::string>());

  const std::string dir = test::shared_dir() + "/fixtures/hf";
  size_t checked = 0, shared_keys = 0;
  std::set<std::string> used;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    const auto it = kFixtureModel.find(name);
    ASSERT_NE(it, kFixtureModel.end()) << "fixture " << name << " has no catalog model mapped";
    const json fixture = test::read_json(entry.path().string() + "/config.json");
    const json* cat = nullptr;
    for (const auto& m : catalog["models"])
      if (m["id"] == it->second) cat = &m["config"];
    ASSERT_NE(cat, nullptr) << it->second << " is not in the catalog";
    for (const auto& [k, v] : fixture.items()) {
      if (!cat->contains(k)) continue;
      ++shared_keys;
      const std::string tag = it->second + "|config." + k;
      if (excused.count(tag)) {
        used.insert(tag);
        continue;
      }
      EXPECT_EQ(v, (*cat)[k]) << name << " vs catalog " << it->second << ": config." << k;
    }
    // Both import to the same engine model: same tensors, same bytes.
    auto a = model_from_hf_config(fixture, "fixture");
    auto b = model_from_hf_config(*cat, "catalog");
    ASSERT_TRUE(a.ok() && b.ok()) << name;
    EXPECT_EQ(quantized_weights(a.value(), FileType::Q4_K_M).total_bytes,
              quantized_weights(b.value(), FileType::Q4_K_M).total_bytes)
        << name;
    ++checked;
  }
  EXPECT_EQ(checked, kFixtureModel.size());
  EXPECT_GE(shared_keys, 300u);
  EXPECT_EQ(used.size(), excused.size()) << "a fixture exception no longer excuses anything";
}

}  // namespace
}  // namespace runcheck
