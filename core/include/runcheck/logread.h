// Reading a runtime's log: what llama.cpp (llama-server / llama-cli / llama-bench, 2023-2026
// formats), Ollama, vLLM, MLX-LM, LM Studio and ExLlamaV2 print while loading a model, as typed
// facts. Line by line, in bounded time and memory: at most kMaxLogBytes are read, each line is
// looked at up to kMaxLineBytes, and every list is capped (the caps are stated in `notes`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runcheck/result.h"

namespace runcheck {

inline constexpr size_t kMaxLogBytes = 16u << 20;  // a longer paste is read up to here
inline constexpr size_t kMaxLineBytes = 8192;      // the rest of a longer line is ignored
inline constexpr size_t kMaxLogItems = 256;        // per list (buffers, devices, errors)

struct LogDevice {
  std::string id;    // "CUDA0", "ROCm0", "Metal", "Vulkan0", "GPU 1" (as the log names it)
  std::string name;  // "NVIDIA GeForce RTX 3090"
  std::optional<double> total_mib, free_mib;
};

// One allocation the log reports: "CUDA0 KV buffer size = 640.00 MiB".
struct LogBuffer {
  std::string device;  // CUDA0, CPU, CPU_Mapped, CUDA_Host, Metal, MTL0_Mapped, ROCm0 ...
  std::string kind;    // model | kv | compute | output | input | recurrent
  double mib = 0;
  uint32_t line = 0;       // 1-based line number in the log
  bool breakdown = false;  // from a memory-breakdown table (the last table wins)
};

// An allocation that failed: "allocating 4507.00 MiB on device 0: cudaMalloc failed".
struct LogAllocFailure {
  std::string device;  // CUDA0 / CPU / GPU 1
  std::string kind;    // model | kv | compute | host | "" when the log does not say
  double mib = 0;
  std::optional<double> free_mib, total_mib;  // when the message says (PyTorch, Metal)
  uint32_t line = 0;
};

// A line that matches an entry of the errors knowledge base (catalog/errors.json).
struct LogError {
  std::string id;    // catalog error id
  std::string text;  // the line (cut to 300 characters)
  uint32_t line = 0;
  uint32_t count = 1;  // how many lines matched it
};

// A GGUF metadata line the loader dumped: "- kv 14: gptneox.block_count u32 = 32".
struct LogKv {
  std::string key, type, value;  // type as printed: u32, f32, str, bool, arr[str,50304] ...
};

// A row of `ollama ps`: "qwen3:32b  030ee887880f  25 GB  38%/62% CPU/GPU  8192  4 minutes from
// now".
struct OllamaPsRow {
  std::string name;
  std::optional<double> size_gb;
  double cpu_pct = 0, gpu_pct = 0;
  std::optional<uint32_t> context;
};

struct LogFacts {
  std::string runtime;  // llama.cpp | ollama | vllm | mlx | lmstudio | exllamav2
  std::string build;    // "3472 (b5e95468)"
  std::string program;  // llama-server | llama-cli | llama-bench | ... when a command is shown
  std::map<std::string, std::string> flags;  // from the command line: "-c" -> "8192", ...
  std::vector<LogDevice> devices;
  // The model, as the loader prints it (print_info / llm_load_print_meta / GGUF kv lines).
  std::string arch, model_name, model_type, file_type;
  std::optional<double> params_b, file_gib, bits_per_weight;
  std::vector<LogKv> gguf_kv;  // the loader's metadata dump, when printed
  std::optional<uint32_t> n_ff_exp, n_ff_shexp, n_expert_shared, n_layer_dense_lead, n_lora_q,
      n_lora_kv, n_rot;
  std::optional<uint32_t> n_ctx_train, n_layer, n_head, n_head_kv, n_embd, n_ff, n_expert,
      n_expert_used, n_vocab, n_embd_head_k, n_embd_head_v, n_swa;
  // The context the runtime built.
  std::optional<uint32_t> n_ctx, n_batch, n_ubatch, n_seq_max, n_ctx_seq;
  std::string flash_attn;  // "on" | "off" | "auto" as printed (0/1 mapped)
  bool swa_full = false;   // "using full-size SWA cache" (llama.cpp --swa-full)
  // The earliest llama.cpp build that prints a line the log has, when the build itself is not
  // printed: "LLAMA_SET_ROWS=0, using old ggml_cpy() method" appeared in b5817 (PR #14285) and
  // went in b6307 (PR #15505).
  uint32_t build_at_least = 0, build_before = 0;
  std::string type_k, type_v;
  std::optional<uint32_t> layers_offloaded, layers_total;
  // Buffers by kind: model, kv, compute, output, input, recurrent; and for llama.cpp's image
  // encoder (the mmproj, tools/mtmd/clip.cpp): mmproj (its weights, "model size") and
  // encoder (its own "compute buffer size" lines, which are not the model's).
  std::vector<LogBuffer> buffers;
  std::string clip_device;  // "clip_ctx: CLIP using CUDA0 backend" -> CUDA0 (CPU when so)
  std::vector<LogAllocFailure> failures;
  std::optional<double> metal_working_set_mib, metal_allocated_mib;
  // vLLM
  std::optional<double> vllm_weights_gib, vllm_kv_gib, vllm_gpu_utilization;
  // vLLM V0's "Memory profiling results" line: the memory the process sees, the profile run's
  // peak (weights plus activations) and the memory outside PyTorch (CUDA context, NCCL).
  std::optional<double> vllm_total_gib, vllm_peak_torch_gib, vllm_non_torch_gib;
  // 0.7-0.8's worker line: "PyTorch activation peak memory takes X GiB".
  std::optional<double> vllm_activation_gib;
  bool vllm_v0 = false;
  // "Maximum concurrency for 20000 tokens per request": the max_model_len it was started with.
  std::optional<uint64_t>
      vllm_request_tokens;  // a line only V0 prints (profiling results, GPU blocks, max seq len)
  std::optional<uint64_t> vllm_max_seq_len, vllm_kv_tokens, vllm_gpu_blocks, vllm_estimated_max_len;
  // MLX
  std::optional<double> mlx_peak_gb, mlx_required_mb;
  // Ollama (memory.go "offload to ..." and new-engine lines)
  std::optional<double> ollama_required_full_gib, ollama_required_partial_gib;
  std::vector<OllamaPsRow> ollama_ps;
  std::vector<LogError> errors;
  uint32_t lines = 0;
  std::vector<std::string> notes;  // caps reached, truncation, what was skipped
};

// The facts in `text`. Errors: a binary file, or nothing any supported runtime prints (field
// "log"). Never throws; any bytes are accepted.
Result<LogFacts> read_log(std::string_view text);

}  // namespace runcheck
