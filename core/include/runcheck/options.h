// The values and limits a request may use, in one place: the request reader validates against
// them, and the `options` command hands them to the page, the widget and the CLI, so no list of
// runtimes, KV types, OS values or ranges is typed a second time anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace runcheck {

inline constexpr std::string_view kRuntimeIds[] = {"llama.cpp", "ollama", "lmstudio",
                                                   "vllm",      "mlx",    "exllamav2"};
// KV cache types llama.cpp accepts for -ctk/-ctv (common/arg.cpp kv_cache_types).
inline constexpr std::string_view kKvTypes[] = {"f16",  "q8_0", "q4_0", "bf16",  "f32",
                                                "q5_1", "q5_0", "q4_1", "iq4_nl"};
inline constexpr std::string_view kBackendIds[] = {"cuda",  "rocm", "vulkan",
                                                   "metal", "sycl", "cpu"};
inline constexpr std::string_view kOsValues[] = {"linux", "windows", "macos"};
inline constexpr std::string_view kSplitModes[] = {"layer", "row"};

// An estimate request's fields with a range: {field, default, min, max}.
struct FieldRange {
  std::string_view field;
  double dflt, min, max;
};
inline constexpr FieldRange kRanges[] = {
    {"parallel", 1, 1, 256},
    {"ubatch", 512, 1, 65536},
    {"ram_gb", 32, 1, 65536},
    {"wired_limit_mb", 0, 0, 16 * 1024 * 1024},
    {"gpu_layers", -1, -1, 100000},
    {"n_cpu_moe", -1, -1, 100000},
    {"gpu_memory_utilization", 0.9, 0.05, 1.0},
    {"gpu_reserved_mb", 0, 0, 1024 * 1024},
    // vLLM --max-num-batched-tokens (V1's default when serving; V0 without chunked prefill
    // batched max(max_model_len, 2048)).
    {"vllm_max_num_batched_tokens", 8192, 256, 1 << 22},
    {"prompt", 512, 1, 1 << 22},
    {"depth", 0, 0, 1 << 24},
    {"ram_bandwidth_gb_s", 0, 0, 20000},
    // llama.cpp --threads (0 = its default: the physical cores, common.cpp cpu_get_num_math).
    {"threads", 0, 0, 4096},
    // The link each GPU has to the host, when it is not the card's own (an eGPU over Thunderbolt
    // runs PCIe 3.0 x4, a riser x1): PCIe generation and lanes (0 = the card's own).
    {"pcie_gen", 0, 0, 6},
    {"pcie_lanes", 0, 0, 16},
    // llama.cpp build number whose buffer layout to follow (0 = the newest runcheck knows).
    {"llamacpp_build", 0, 0, 1000000},
    // llama-server --image-max-tokens: image tokens the encoder is sized for (dynamic towers).
    {"image_max_tokens", 0, 8, 65536},
};
// With allow_long_context, a context may exceed the model's trained maximum (llama.cpp runs it
// and warns "n_ctx_seq > n_ctx_train"), up to this many tokens.
inline constexpr int64_t kMaxContextBeyondTrained = int64_t{1} << 24;
constexpr const FieldRange& field_range(std::string_view field) {
  for (const auto& r : kRanges)
    if (r.field == field) return r;
  return kRanges[0];  // unreachable for the fields above (a typo fails the range test)
}

inline constexpr std::string_view kDefaultQuant = "Q4_K_M";
inline constexpr std::string_view kDefaultRuntime = "llama.cpp";
inline constexpr std::string_view kDefaultKvType = "f16";
inline constexpr int64_t kDefaultContext = 4096;  // or the model's maximum when smaller

template <size_t N>
constexpr bool one_of(const std::string_view (&list)[N], std::string_view v) {
  for (auto x : list)
    if (x == v) return true;
  return false;
}

// "a, b or c" / "a, b, c" for messages.
template <size_t N>
std::string list_text(const std::string_view (&list)[N], const char* last_sep = ", ") {
  std::string s;
  for (size_t i = 0; i < N; ++i)
    s += (i ? (i + 1 == N ? last_sep : ", ") : "") + std::string(list[i]);
  return s;
}

}  // namespace runcheck
