// Every launch command the engine prints uses only flags its runtime documents (the tables below,
// read from each runtime's own reference at a pinned commit), and every download it names is
// one the catalog cites for that model and quant.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "recommend_internal.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"

namespace runcheck {
namespace {

using nlohmann::json;

// llama-server: tools/server/README.md (llama.cpp, github.com/ngxson/llama.cpp @3f545becc).
const std::set<std::string> kLlamaServer = {"-m",
                                            "-hf",
                                            "-c",
                                            "-ngl",
                                            "-fa",
                                            "-np",
                                            "-sm",
                                            "--embedding",  // tools/server README line 206
                                            "--reranking",  // tools/server README line 207
                                            "--cache-type-k",
                                            "--cache-type-v",
                                            "--n-cpu-moe",
                                            "--spec-type",
                                            "-md",
                                            "-hfd",
                                            "--spec-draft-n-max",
                                            "--tensor-split",
                                            "--no-mmproj",
                                            "--mmproj",
                                            "--no-mmproj-offload",
                                            "--image-max-tokens"};
// vllm serve: vllm/engine/arg_utils.py (github.com/local-inference-lab/vllm @28be48fa).
const std::set<std::string> kVllm = {"--quantization",           "--max-model-len",
                                     "--gpu-memory-utilization", "--tensor-parallel-size",
                                     "--max-num-seqs",           "--kv-cache-dtype"};
// lms load: https://lmstudio.ai/docs/cli/load (--gpu takes 0-1, off or max).
const std::set<std::string> kLms = {"--context-length", "--gpu"};
// mlx_lm.server: mlx_lm/server.py (github.com/ml-explore/mlx-lm @d78bf58e).
const std::set<std::string> kMlx = {"--model", "--max-tokens"};
// ollama serve environment: envconfig/config.go (github.com/ollama/ollama @fb307609).
const std::set<std::string> kOllamaEnv = {"OLLAMA_FLASH_ATTENTION", "OLLAMA_KV_CACHE_TYPE",
                                          "OLLAMA_NUM_PARALLEL", "OLLAMA_CONTEXT_LENGTH"};

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

void check_flags(const std::string& cmd, const std::set<std::string>& known,
                 const std::string& what) {
  for (const std::string& w : words(cmd)) {
    if (w == "#") break;  // a comment follows
    if (w.size() > 1 && w[0] == '-' && !(w[1] >= '0' && w[1] <= '9')) {
      EXPECT_TRUE(known.count(w)) << what << ": undocumented flag " << w << " in: " << cmd;
    }
  }
}

TEST(Commands, EveryFlagIsDocumentedAndEveryDownloadCited) {
  const Catalog& cat = builtin_catalog();
  int commands = 0, cited = 0;
  const std::vector<json> variations = {
      {{"kv_type", "f16"}},
      {{"kv_type", "q8_0"}, {"parallel", 4}},
      {{"hardware", "rtx-3090x2"}},
      {{"hardware", "rtx-3090x2"}, {"split_mode", "row"}},
      {{"hardware", "rtx-4060-ti-16gb"}, {"ram_gb", 128}},  // offload and expert offload
      {{"runtime", "vllm"}, {"hardware", "rtx-4090x2"}},
      {{"speculative", "ngram"}, {"acceptance", 0.5}},
  };
  for (const auto& m : cat.models) {
    for (const char* quant : {"Q4_K_M", "Q8_0"})
      for (const json& v : variations) {
        json q = {{"command", "estimate"}, {"model", m.id},          {"quant", quant},
                  {"context", 4096},       {"hardware", "rtx-4090"}, {"inverse", false}};
        for (auto it = v.begin(); it != v.end(); ++it) q[it.key()] = it.value();
        if (q.value("runtime", "") == "vllm") q["quant"] = "FP8";
        const json r = json::parse(handle_request(q.dump()));
        if (!r.value("ok", false)) continue;
        const json& c = r["commands"];
        if (c.contains("llama_server")) {
          const std::string s = c["llama_server"];
          check_flags(s, kLlamaServer, m.id);
          const auto w = words(s);
          for (size_t i = 0; i + 1 < w.size(); ++i)
            if (w[i] == "-hf") {  // REPO:QUANT must be a cited download of this model
              const std::string repo = w[i + 1].substr(0, w[i + 1].rfind(':'));
              bool found = false;
              for (const auto& d : cat.downloads)
                found = found || (d.model == m.id && d.runtime == "llama.cpp" && d.name == repo &&
                                  std::count(d.quants.begin(), d.quants.end(), quant));
              EXPECT_TRUE(found) << m.id << " " << quant << ": " << repo;
              ++cited;
            }
          ++commands;
        }
        for (const auto& [key, known] :
             {std::pair<const char*, const std::set<std::string>*>{"vllm", &kVllm},
              {"lmstudio", &kLms},
              {"mlx", &kMlx}})
          if (c.contains(key)) {
            check_flags(c[key], *known, m.id);
            ++commands;
          }
        if (c.contains("ollama")) {
          const std::string s = c["ollama"];
          for (const std::string& w : words(s)) {
            if (w == "ollama") break;
            EXPECT_TRUE(kOllamaEnv.count(w.substr(0, w.find('=')))) << m.id << ": " << s;
          }
          const size_t run = s.find("ollama run ");
          ASSERT_NE(run, std::string::npos) << s;
          const std::string tag = words(s.substr(run + 11))[0];
          if (tag[0] != '<') {
            bool found = false;
            for (const auto& d : cat.downloads)
              found = found || (d.model == m.id && d.runtime == "ollama" && d.name == tag);
            EXPECT_TRUE(found) << m.id << ": " << tag;
            ++cited;
          }
          ++commands;
        }
      }
  }
  // The sweep really covered the catalog: thousands of commands, hundreds with a cited download.
  EXPECT_GT(commands, 1500);
  EXPECT_GT(cited, 300);
}

TEST(Commands, MlxCommandUsesACitedRepository) {
  const json r = json::parse(handle_request(json{
      {"command", "estimate"},
      {"model", "qwen3-8b"},
      {"quant", "MLX-4bit"},
      {"hardware", "apple-m4-pro-20c"},
      {"runtime", "mlx"},
      {"context", 8192}}.dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["commands"]["mlx"],
            "mlx_lm.server --model mlx-community/Qwen3-8B-4bit --max-tokens 512");
}

// Ollama runs llama-server for GGUF models since v0.30 and passes --flash-attn auto unless
// OLLAMA_FLASH_ATTENTION is set, or off when a CUDA GPU has compute capability under 6.0
// (ollama llm/llama_server.go LlamaServerFlashAttention, ml/device.go @fb307609). The plan
// follows that default, and the command sets the variable only where the plan differs from it.
TEST(Commands, OllamaFlashAttentionFollowsItsOwnDefault) {
  const auto est = [](const char* hw, const char* runtime, json extra = json::object()) {
    json q = {{"command", "estimate"}, {"model", "llama-3.1-8b"}, {"quant", "Q4_K_M"},
              {"hardware", hw},        {"runtime", runtime},      {"context", 8192}};
    q.update(extra);
    return json::parse(handle_request(q.dump()));
  };
  const json ampere = est("rtx-3090", "ollama");
  ASSERT_TRUE(ampere["ok"].get<bool>()) << ampere.dump();
  EXPECT_EQ(ampere["request"]["flash_attn"], true);
  EXPECT_EQ(ampere["commands"]["ollama"].get<std::string>().rfind(
                "OLLAMA_CONTEXT_LENGTH=8192 ollama serve", 0),
            0u)
      << ampere["commands"]["ollama"];
  // With it off on request, the variable turns Ollama's auto off.
  const json off = est("rtx-3090", "ollama", {{"flash_attn", false}});
  EXPECT_EQ(off["commands"]["ollama"].get<std::string>().rfind(
                "OLLAMA_FLASH_ATTENTION=0 OLLAMA_CONTEXT_LENGTH=8192 ollama serve", 0),
            0u)
      << off["commands"]["ollama"];
  // A Tesla M40 (Maxwell, compute capability 5.2): Ollama turns it off, and says why.
  const json maxwell = est("tesla-m40-24gb", "ollama");
  ASSERT_TRUE(maxwell["ok"].get<bool>()) << maxwell.dump();
  EXPECT_EQ(maxwell["request"]["flash_attn"], false);
  EXPECT_EQ(maxwell["commands"]["ollama"].get<std::string>().rfind(
                "OLLAMA_CONTEXT_LENGTH=8192 ollama serve", 0),
            0u);
  bool said = false;
  for (const auto& a : maxwell["assumptions"])
    said = said || a.get<std::string>().find("Ollama turns it off") != std::string::npos;
  EXPECT_TRUE(said) << maxwell["assumptions"].dump();
  // ... so a quantized V cache, which needs it, is refused there, naming the field.
  const json q8 = est("tesla-m40-24gb", "ollama", {{"kv_type", "q8_0"}});
  EXPECT_FALSE(q8["ok"].get<bool>());
  EXPECT_EQ(q8["error"]["field"], "kv_type") << q8.dump();
  // llama.cpp's plan on the M40 keeps flash attention on: its Ollama command then asks for it.
  const json llama = est("tesla-m40-24gb", "llama.cpp");
  EXPECT_EQ(llama["request"]["flash_attn"], true);
  EXPECT_EQ(llama["commands"]["ollama"].get<std::string>().rfind(
                "OLLAMA_FLASH_ATTENTION=1 OLLAMA_CONTEXT_LENGTH=8192 ollama serve", 0),
            0u)
      << llama["commands"]["ollama"];
}

TEST(Commands, EmbeddingModelsServeEmbeddingsAndRankForNoChatUse) {
  // Qwen3-Embedding-8B (kind "embedding"): llama-server gets --embedding (tools/server README),
  // decode has no figure (no token is generated) while prefill - its throughput - keeps one.
  const auto estimate_8k = [](const char* model) {
    return json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", model},
        {"quant", "Q8_0"},
        {"hardware", "rtx-4090"},
        {"context", 8192}}.dump()));
  };
  const json r = estimate_8k("qwen3-embedding-8b");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_NE(r["commands"]["llama_server"].get<std::string>().find("--embedding"),
            std::string::npos);
  EXPECT_TRUE(r["speed"]["decode_tps"].is_null());
  EXPECT_NE(r["speed"]["why_null"].get<std::string>().find("embedding model"), std::string::npos);
  EXPECT_TRUE(r["speed"]["prefill_tps"].is_number());
  // A chat-model estimate keeps its decode figure and no --embedding.
  const json c = estimate_8k("qwen3-8b");
  EXPECT_TRUE(c["speed"]["decode_tps"].is_number());
  EXPECT_EQ(c["commands"]["llama_server"].get<std::string>().find("--embedding"),
            std::string::npos);
  // No use case ranks an embedding model (it answers no prompt), even with the use's kind unset;
  // a text model serves the text uses but not vision.
  const ModelEntry* emb = builtin_catalog().model("qwen3-embedding-8b");
  const ModelEntry* llm = builtin_catalog().model("qwen3-8b");
  ASSERT_TRUE(emb && llm);
  for (const char* use : {"chat", "coding", "long-documents", "vision"}) {
    const UseCase* uc = recommend::use_case(use);
    ASSERT_NE(uc, nullptr) << use;
    EXPECT_FALSE(recommend::serves(*emb, *uc)) << use;
    EXPECT_EQ(recommend::serves(*llm, *uc), std::string(use) != "vision") << use;
  }
}

}  // namespace
}  // namespace runcheck
