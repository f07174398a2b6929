// Devices, budgets, where the layers go, and the verdict.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runcheck/memory.h"
#include "runcheck/weights.h"

namespace runcheck {

enum class DeviceKind : uint8_t { kGpu, kAppleGpu, kCpu };

struct Device {
  std::string name;
  std::string hardware_id;
  DeviceKind kind = DeviceKind::kGpu;
  std::string backend;          // cuda | rocm | vulkan | metal | sycl | cpu
  uint64_t memory_bytes = 0;    // physical memory (VRAM, unified RAM, or system RAM)
  uint64_t budget_bytes = 0;    // what the runtime may allocate on it
  uint64_t overhead_bytes = 0;  // runtime context the runtime itself keeps there
  // Of overhead_bytes: what sits beside the model there: a draft model, EAGLE-3 head or MTP
  // blocks (speculative decoding), and the vision tower (mmproj weights and encoder buffer).
  uint64_t speculative_bytes = 0, vision_bytes = 0;
};

struct Machine {
  std::vector<Device> gpus;  // accelerators (discrete GPUs, or the Apple GPU)
  Device host;               // CPU + system RAM (on a Mac: the same unified pool)
  bool unified = false;      // Apple Silicon: host and GPU share memory, counted once
};

struct DeviceUse {
  std::string name;
  std::string hardware_id;
  std::string backend;
  bool is_host = false;
  uint64_t weights_bytes = 0, kv_bytes = 0, compute_bytes = 0, overhead_bytes = 0;
  uint64_t speculative_bytes = 0, vision_bytes = 0;  // of overhead_bytes (Device's)
  uint64_t used_bytes = 0, budget_bytes = 0;
  uint32_t layers = 0;  // repeating layers held here
  bool holds_output = false;
  uint32_t expert_layers = 0;  // layers whose routed experts live here (MoE offload)
  uint64_t expert_bytes =
      0;  // routed-expert weights held here (a token reads only the active ones)
  // Of compute_bytes: the copy of the largest weight tensor kept in system RAM, which llama.cpp's
  // scheduler brings to this GPU to multiply a batch of kOpOffloadMinBatch+ tokens (op offload).
  uint64_t op_offload_bytes = 0;
  // Of weights_bytes: embedding tables a token reads one row of (a lookup, not a matmul).
  uint64_t lookup_bytes = 0;
};

enum class Verdict : uint8_t { kComfortable, kTradeoffs, kWillNotRun };
const char* verdict_name(Verdict v);

struct Plan {
  std::vector<DeviceUse> devices;  // accelerators first, host last
  uint32_t gpu_layers = 0;         // as llama.cpp's -ngl counts: repeating layers + output
  uint32_t total_layers = 0;       // block_count + 1
  uint32_t n_cpu_moe = 0;          // first N layers keep their experts on the CPU
  uint32_t tensor_parallel = 1;    // vLLM: layers divided across this many GPUs
  bool fits = false;
  uint64_t kv_total_bytes = 0;
  Verdict verdict = Verdict::kWillNotRun;
  std::vector<std::string> reasons;
};

// Free memory llama.cpp's --fit keeps per device by default (llama.cpp PR #16653): the line
// between comfortable and tight.
constexpr uint64_t kComfortHeadroomBytes = 1024 * kMiB;

struct PlanOptions {
  KvOptions kv;
  int forced_gpu_layers = -1;  // -ngl from the user, -1 = let runcheck choose
  int forced_n_cpu_moe = -1;
  double vllm_gpu_memory_utilization = 0.9;
  uint32_t vllm_batched_tokens = 8192;  // --max-num-batched-tokens: its profile run's tokens
  // llama.cpp --split-mode row: every layer's matrices split by rows over the GPUs (in
  // proportion to free memory), KV cache and scratch on the main GPU (GPU 0).
  bool split_row = false;
};

// llama.cpp / Ollama / LM Studio: whole layers on GPUs (split by free memory, output first),
// MoE experts to CPU if that is enough, else fewer GPU layers.
Plan plan_llamacpp(const ModelArch& m, const WeightPlan& w, const Machine& mc,
                   const PlanOptions& o);

// vLLM: tensor parallel over all GPUs, KV from what gpu_memory_utilization leaves.
Plan plan_vllm(const ModelArch& m, const WeightPlan& w, const Machine& mc, const PlanOptions& o);

// MLX / ExLlamaV2: one pool, everything on the accelerator(s), no CPU offload.
Plan plan_all_on_accelerator(const ModelArch& m, const WeightPlan& w, const Machine& mc,
                             const PlanOptions& o);

Plan make_plan(const ModelArch& m, const WeightPlan& w, const Machine& mc, const PlanOptions& o);

// The verdict rules: will not run unless everything fits; tradeoffs with no accelerator, with
// experts or layers on the CPU, or under 1 GiB free on a GPU; comfortable otherwise.
Verdict verdict_for(bool fits, bool has_gpu, uint32_t n_cpu_moe, uint32_t gpu_layers,
                    uint32_t total_layers, bool tight);

// Verdicts in bulk (catalog sweeps). Per-layer prefix sums of one model x quant x context ...
struct LayerSums {
  uint32_t n_layer = 0;
  bool moe = false;
  std::vector<uint64_t> w, k, e;  // prefix sums over layers: weights, KV + state, routed experts
  uint64_t output = 0, host_only = 0;
  uint64_t compute_out = 0, compute_no_out = 0, compute_host = 0;  // single-device shapes
  // Prefix maxima over layers of the largest tensor and the largest routed-expert tensor (the op
  // offload copy, add_op_offload), and whether the micro-batch is large enough for op offload.
  std::vector<uint64_t> max_tensor, max_expert;
  bool op_offload_batch = false;
};
LayerSums layer_sums(const ModelArch& m, const WeightPlan& w, const KvOptions& kv);

// ... and llama.cpp's placement on a machine with at most one accelerator, in O(log layers)
// per machine: the same search (llamacpp_search) and verdict rules as plan_llamacpp, with each
// trial summed from the prefix sums instead of laid out device by device. Tests check that it
// equals plan_llamacpp byte for byte.
struct QuickPlan {
  Verdict verdict = Verdict::kWillNotRun;
  bool fits = false;
  uint32_t gpu_layers = 0, n_cpu_moe = 0;
  uint64_t gpu_used = 0, host_used = 0;
};
QuickPlan quick_plan(const LayerSums& s, const Machine& mc);

}  // namespace runcheck
