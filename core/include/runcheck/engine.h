// The typed engine: a request as plain values in, an Estimate as plain values out. No JSON here;
// estimate_json (estimate.h) is the edge that reads a JSON request into an
// EstimateRequest and writes an Estimate back as the response (core/src/estimate_writer.cpp is the
// only place the response's field names live).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runcheck/placement.h"
#include "runcheck/result.h"
#include "runcheck/weights.h"

namespace runcheck {

// A benchmark row kept out of the speed fit (accuracy scoring): one row, or a whole group.
struct LeaveOut {
  std::string scope = "row";  // row | hardware | model | source | gpu-count
  std::string model, quant, hardware, backend, source, metric;
  int n_devices = 0;
  uint32_t tokens = 0, depth = 0;
  double value_tps = 0;
};

// Every field of "Will it run?". Unset optionals take the engine's defaults (runcheck/options.h);
// each value is checked against the same ranges and lists as the JSON field of the same name.
struct EstimateRequest {
  std::string model;
  std::optional<std::string> quant;
  std::optional<int64_t> context;
  std::vector<std::string> hardware;  // ids, "idxN" for N identical cards
  std::optional<std::string> runtime, kv_type, split_mode, backend, os;
  std::optional<bool> flash_attn, inverse, swa_full, allow_long_context;
  std::optional<bool> quant_contexts;  // also the largest context of every quant (a chart)
  std::optional<int64_t> parallel, ubatch, gpu_layers, n_cpu_moe, prompt, depth, llamacpp_build;
  // llama.cpp --threads on a CPU-only machine (0 / unset = its default, the physical cores).
  std::optional<int64_t> threads;
  // The PCIe link each GPU actually has (eGPU, riser, chipset slot): generation and lanes, 0 /
  // unset = the card's own.
  std::optional<int64_t> pcie_gen, pcie_lanes;
  // vLLM --max-num-batched-tokens: the tokens of its profile run (the activation peak).
  std::optional<int64_t> vllm_max_num_batched_tokens;
  std::optional<double> ram_gb, wired_limit_mb, gpu_memory_utilization, gpu_reserved_mb,
      ram_bandwidth_gb_s;
  // Speculative decoding: none | draft | mtp | ngram, the draft model and its quant, draft
  // length, the user's acceptance rate.
  std::optional<std::string> speculative, draft_model, draft_quant;
  // The text being generated (chat | code | math | summarization): the acceptance band for it.
  std::optional<std::string> task;
  std::optional<int64_t> draft_max;
  std::optional<double> acceptance;
  // Images: load the model's vision tower (llama.cpp's mmproj) of this type, on the GPU or not,
  // with the encoder sized for this many image tokens (--image-max-tokens).
  std::optional<bool> vision, mmproj_offload;
  std::optional<std::string> mmproj_type;
  std::optional<int64_t> image_max_tokens;
  std::optional<LeaveOut> leave_out;
};

// One published llama-bench run of exactly this model, quant, hardware and backend.
struct MeasuredRun {
  bool decode = true;  // tg (decode) or pp (prefill)
  uint32_t tokens = 0;
  double value_tps = 0;
  std::string source;
  uint32_t depth = 0;    // tokens already in the cache before the test ("tgN @ dD")
  std::string settings;  // how it ran, where that differs from llama-bench's defaults
  uint32_t build = 0;    // the llama.cpp build it names (0: not named)
  std::optional<double> estimate_at_run_length_tps;  // decode runs: the engine at the run's length
};

struct DepthSpeed {
  uint32_t depth = 0;
  double tps = 0, low = 0, high = 0;
};

// Several sequences decoding together (llama-server -np N, vLLM).
struct AggregateSpeed {
  double tps = 0, low = 0, high = 0, speedup = 0;
  std::string source;  // the published batched runs the step cost comes from
  // Time to first token when all K requests arrive at once: prefill is compute-bound, so the K
  // prompts take K x one prompt's time whether batched or queued; the last request waits for all
  // of them (ttft_last_*), the average one for (K + 1) / 2 of them (ttft_mean_s). Each includes
  // one decode step at K sequences.
  double ttft_mean_s = 0, ttft_last_s = 0, ttft_last_low_s = 0, ttft_last_high_s = 0;
};

// Speculative decoding beside the plain figure (speculative.cpp).
struct SpeculativeSpeed {
  std::string method;
  std::optional<std::string> draft_model, draft_quant;
  std::optional<double> draft_decode_tps;
  uint64_t draft_bytes = 0;
  uint32_t draft_max = 0;
  std::optional<double> acceptance;  // the user's, when given
  double acceptance_low = 0, acceptance_high = 0;
  std::optional<std::string> task;  // the task whose published band was used
  double tokens_per_step = 0, step_seconds = 0;
  double decode_tps = 0, decode_tps_low = 0, decode_tps_high = 0;
  double plain_decode_tps = 0;
  std::optional<double> plain_ceiling_tps, ceiling_tps;
  double speedup = 0;
};

// Decode, prefill, time to first token and their bands. Decode is absent (why_null says why)
// when the model does not fit or a device has no bandwidth figure; prefill is absent
// (why_prefill_null) when no compute figure or fit exists.
struct SpeedEstimate {
  std::string backend;
  std::string evidence;  // measured | extrapolated | estimated ("" when there is no figure)
  // The prefill figure's own label: measured when a published prefill run of this setup exists,
  // estimated when its fit is borrowed, its band is the physical range or weights cross PCIe.
  std::string prefill_evidence;
  // Which llama.cpp builds the figures are for (current ones unless llamacpp_build is older);
  // "" for runtimes without llama.cpp's kernels.
  std::string build_era;
  std::string fit_group;
  std::vector<MeasuredRun> measured;
  // Prefill scaled by this hardware's own runs of other models (decode never is: speed_model.cpp).
  bool scaled_by_hardware_measurements = false;
  uint32_t depth = 0, prompt_tokens = 0;

  std::optional<double> decode_tps, decode_tps_low, decode_tps_high, decode_ceiling_tps;
  std::string why_null;
  std::optional<double> system_ram_bandwidth_gb_s, decode_share_in_system_ram;
  std::vector<DepthSpeed> decode_by_context;
  std::string measured_note;
  // This setup's published decode runs over the estimate at each run's depth and build: the
  // median, and the lowest and highest (null without such runs).
  std::optional<double> measured_decode_ratio, measured_decode_ratio_low,
      measured_decode_ratio_high;

  std::optional<double> prefill_tps, prefill_tps_low, prefill_tps_high;
  // Prefill at the accelerators' peak INT8 tensor rate (kPrefillCeilingOverFp16 x the FP16
  // figure; 2 x active parameters FLOPs per token, no attention): no run can be faster. Null on
  // Apple (its figure is GPU cores, not FLOPS).
  std::optional<double> prefill_ceiling_tps;
  std::string prefill_fit_group, why_prefill_null;
  // Prefill has its FLOPs and a compute figure but no calibration run to fit on this backend:
  // `make benchmarks` still admits such a run, which is how a backend's first runs get in.
  bool prefill_unfitted = false;
  std::optional<double> prefill_offload_seconds;  // weights in system RAM crossing PCIe
  std::optional<double> ttft_seconds, ttft_seconds_low, ttft_seconds_high;
  std::optional<AggregateSpeed> aggregate;

  bool speculative_requested = false;
  std::optional<SpeculativeSpeed> speculative;
};

// A change to the request that the engine re-ran (advice): only the set fields change.
struct RequestChange {
  std::optional<std::string> kv_type, quant;
  std::optional<bool> flash_attn;
  std::optional<uint32_t> context, gpu_layers;
  bool clears_n_cpu_moe = false;  // "n_cpu_moe": null (let llama.cpp place the experts)
  std::optional<uint32_t> n_cpu_moe;
  std::optional<double> wired_limit_mb;
};

struct Suggestion {
  RequestChange change;
  std::string text;
  Verdict verdict = Verdict::kWillNotRun;
  std::optional<double> decode_tps, speedup;
};

struct SmallestHardware {
  std::string id, name;
  double memory_gib = 0;
  std::string segment, release_date, note;
  int measured_runs = 0;
};

// The largest context of one quant on this machine (the quant ladder's chart).
struct QuantLimit {
  std::string quant;
  std::optional<uint32_t> comfortable, fits;
};

struct Download {
  std::string runtime, name, quant, variant, source;
};

// The answer to "Will it run?".
// The vision tower (llama.cpp's mmproj) beside the model: listed whenever the model has one.
struct VisionCost {
  bool has_tower = false, on = false;
  std::string projector, mmproj_type, device;  // device: where the weights and buffer go
  uint64_t weights_bytes = 0, compute_bytes = 0;
  uint64_t patches = 0;  // the warmup image the buffer is sized for, in patches
  bool flash_attn = true;
};

struct Estimate {
  // The request as resolved (canonical names, defaults filled in).
  std::string model_id, model_name, quant, runtime, kv_type, os;
  uint32_t context = 0, parallel = 1;
  bool flash_attn = false;
  std::vector<std::string> hardware_ids;
  double ram_gb = 0;
  std::string speculative_method = "none";

  uint64_t parameters = 0, active_parameters = 0;
  uint32_t block_count = 0, context_length = 0;

  WeightPlan weights;
  Plan plan;
  SpeedEstimate speed;
  std::vector<std::string> assumptions;
  std::map<std::string, std::string> commands;  // runtime key (llama_server, ollama ...) -> line
  std::vector<std::string> commands_notes;
  std::vector<Download> downloads;
  VisionCost vision;

  // Inverse answers (absent when the request asked for the verdict alone).
  bool inverse = true;
  std::optional<uint32_t> max_context_comfortable, max_context_fits;
  std::optional<std::string> best_quant_comfortable, best_quant_fits;
  std::vector<Suggestion> suggestions;
  std::optional<SmallestHardware> smallest_hardware;
  bool quant_contexts_requested = false;
  std::vector<QuantLimit> quant_contexts;  // most bits first
};

// The engine: a typed request in, an Estimate or an Error naming the field out.
Result<Estimate> estimate(const EstimateRequest& request);

// The engine's process-wide state, all of it: the models the user brought (config.json, GGUF
// headers, logs) and the memos (weights per model and format, the speed residuals per group).
// This forgets it; the compiled catalog and the calibration built from it are constants.
void reset_engine_state();

}  // namespace runcheck
