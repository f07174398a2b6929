// The per-architecture table (arch_traits.h). Each row is what llama.cpp's src/llama-model.cpp and
// src/models/<arch>.cpp do for that architecture (llama.cpp 3f545becc): swa_cache where
// create_memory builds llama_kv_cache_iswa, router_bias where load_tensors creates
// exp_probs_b, loads_mtp where the nextn layers' tensors are created rather than skipped.
#include "arch_traits.h"

#include <algorithm>
#include <iterator>

namespace runcheck {
namespace {

constexpr ArchTraits kTraits[] = {
    //  arch             swa    router  mtp    post-norms
    {"gemma2", true, false, false, false},
    {"gemma3", true, false, false, false},
    {"gemma3n", true, false, false, false},
    {"gemma4", true, false, false, false},
    {"cohere2", true, false, false, false},
    {"gpt-oss", true, false, false, false},
    {"llama4", true, false, false, false},
    {"olmo2", true, false, false, true},
    {"exaone4", true, false, false, true},
    {"laguna", true, true, false, false},
    {"mimo2", true, true, false, false},
    {"minimax-m2", false, true, false, false},
    {"nemotron_h_moe", false, true, true, false},
    {"deepseek32", false, true, true, false},
    {"glm-dsa", false, true, true, false},
    {"deepseek2", false, false, true, false},
    {"qwen3next", false, false, true, false},
    {"qwen35", false, false, true, false},
    {"qwen35moe", false, false, true, false},
    {"nemotron_h", false, false, true, false},
    // deepseek4: its own cache (llama_kv_cache_dsv4) whose raw part is a sliding window; the
    // nextn block is not in the main GGUF (conversion/deepseek.py drops it; --mtp writes a
    // separate mtp-*.gguf).
    {"deepseek4", true, true, false, false},
};

}  // namespace

const ArchTraits& arch_traits(std::string_view arch) {
  static constexpr ArchTraits kNone{};
  const auto* it = std::find_if(std::begin(kTraits), std::end(kTraits),
                                [&](const ArchTraits& t) { return t.arch == arch; });
  return it == std::end(kTraits) ? kNone : *it;
}

}  // namespace runcheck
