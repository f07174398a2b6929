// The estimate's parts share these: the validated request (Inputs), the machine, and each
// part's entry point. core/src only: JSON stays at the edge (estimate.cpp reads and writes it).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/engine.h"
#include "runcheck/placement.h"
#include "runcheck/quant.h"
#include "runcheck/result.h"
#include "runcheck/speed.h"
#include "runcheck/weights.h"
#include "text_format.h"
#include "vision.h"

namespace runcheck::engine {

using nlohmann::json;

using text::fmt;

// File types tried, best first, when searching the best quant that fits.
inline constexpr FileType kQuantLadder[] = {
    FileType::F16,    FileType::Q8_0,   FileType::Q6_K,    FileType::Q5_K_M,
    FileType::Q5_K_S, FileType::Q4_K_M, FileType::Q4_K_S,  FileType::IQ4_XS,
    FileType::Q3_K_L, FileType::Q3_K_M, FileType::Q3_K_S,  FileType::IQ3_XXS,
    FileType::Q2_K,   FileType::IQ2_M,  FileType::IQ2_XXS, FileType::IQ1_M};

// The request, validated and resolved against the catalog (inputs.cpp).
struct Inputs {
  const ModelEntry* model = nullptr;
  std::string quant;                    // as the user wrote it, canonicalised
  const FileTypeInfo* ftype = nullptr;  // GGUF file type, or null for other formats
  const QuantEntry* format = nullptr;   // catalog entry for non-GGUF formats
  std::vector<const HardwareEntry*> hardware;
  std::vector<std::string> hardware_ids;
  double ram_gib = 0;
  bool ram_given = false;
  double wired_limit_mb = 0;
  double gpu_reserved_mb = 0;                // per GPU, kept by the desktop/display and other apps
  const WeightPlan* user_weights = nullptr;  // a GGUF's exact weights (the quant is the file's)
  std::string user_file;                     // that GGUF's name as given (commands use it)
  bool inverse = true;            // also answer max context / best quant / smallest hardware
  bool quant_contexts = false;    // and the largest context of every quant
  std::string backend;            // requested backend ("" = the hardware's first)
  uint32_t prompt = 512;          // prompt tokens for prefill and time to first token
  uint32_t depth = 0;             // context depth at which decode_tps is given
  double ram_bandwidth_gb_s = 0;  // system RAM bandwidth (0 = assumed)
  uint32_t threads = 0;           // llama.cpp --threads (0 = its default, physical cores)
  uint32_t pcie_gen = 0, pcie_lanes = 0;  // each GPU's actual host link (0 = the card's own)
  std::optional<LeaveOut> leave_out;      // benchmark rows kept out of the fit (accuracy scoring)
  PlanOptions plan;
  bool ollama_fa_default = true;  // Ollama's own flash-attention choice on this machine
  std::string kv_type = "f16";
  std::string os;  // linux | windows | macos (derived from the hardware if not given)
  std::vector<std::string> assumptions;
  // Speculative decoding (speculative.cpp): a draft model, the model's own MTP layers, or
  // n-gram lookup; `acceptance` is the user's per-token acceptance, when given.
  struct Speculative {
    std::string method = "none";  // none | draft | mtp | ngram
    const ModelEntry* draft = nullptr;
    const FileTypeInfo* draft_ftype = nullptr;  // llama.cpp: the draft's GGUF file type
    const QuantEntry* draft_format = nullptr;   // vLLM: the draft repository's format
    const WeightPlan* draft_weights = nullptr;  // a draft GGUF the user brought: its tensors
    std::string draft_file;                     // ... and its file name (for -md)
    uint32_t k = kDefaultDraftMax;
    std::optional<double> acceptance;
    std::string task;  // chat | code | math | summarization, or "" (any text)
  } spec;
  // Images (vision.cpp): the model's vision tower loaded from its mmproj file.
  struct Vision {
    bool on = false;
    vision::MmprojType type = vision::MmprojType::kF16;
    bool offload = true;  // on the first GPU (llama-server --mmproj-offload, the default)
    std::optional<uint32_t> max_tokens;
  } vis;
};

// inputs.cpp: the request fields the estimate reads; JSON -> EstimateRequest (every field's type
// and range; the caller refuses unknown fields), EstimateRequest -> Inputs (resolved against the
// catalog).
const std::vector<std::string_view>& estimate_fields_list();
Result<EstimateRequest> read_request(const json& req);
Result<Inputs> read_inputs(const EstimateRequest& q);
// A KV cache type llama.cpp stores quantized (its V half then needs flash attention).
bool quantized_cache(GgmlType t);
// The backend a machine runs when the request names none: Metal on a Mac, the CPU backend on a
// CPU-only machine, else the accelerator's first listed backend (Vulkan if it lists none).
std::string default_backend(const HardwareEntry& accel, bool cpu_only);
// Ollama passes llama-server --flash-attn off when a CUDA GPU of the machine (`in.hardware`, on
// `in.backend`) has compute capability under 6.0 (Kepler, Maxwell), which its
// FlashAttentionSupported rules out (ollama ml/device.go @fb30760; it also rules out 7.2, the
// Jetson AGX Xavier, not in the catalog).
bool ollama_turns_fa_off(const Inputs& in);
std::optional<Error> check_workload(const EstimateRequest& q);  // the machine-independent half
// estimate.cpp: the whole answer for resolved inputs.
Estimate run_estimate(const Inputs& in);
// estimate_writer.cpp: the response's JSON (the only place its field names live).
json plan_json(const Plan& p, const WeightPlan& w);
json speed_to_json(const SpeedEstimate& s);
json estimate_to_json(const Estimate& e);
// machine.cpp: the devices, their budgets and the OS/Apple policy, with the assumptions made.
Machine build_machine(const Inputs& in, std::vector<std::string>& assumptions);
// The weights of this model in this format (a user GGUF's own, else memoised per model).
WeightPlan weights_for(const Inputs& in, const FileTypeInfo* ft, const QuantEntry* fmt_entry);
// commands.cpp: launch commands per runtime; what cannot be cited goes to `notes`.
// `downloads` gets each cited download a command names.
std::map<std::string, std::string> launch_commands(const Inputs& in, const Plan& p,
                                                   const Machine& mc, const WeightPlan& w,
                                                   std::vector<std::string>& notes,
                                                   std::vector<Download>& downloads);

// The speed fit a runtime uses: "" for llama.cpp and LM Studio (llama.cpp's kernels), else the
// runtime's own name (SpeedFeatures::runtime).
inline std::string speed_runtime(Runtime r) {
  return r == Runtime::kLlamaCpp || r == Runtime::kLmStudio ? std::string() : runtime_name(r);
}
// The publication a benchmark row belongs to for source holdout: its URL, and its submitter
// when one publication gathers many (the localmaxxing scrape).
inline std::string benchmark_source(const BenchmarkRow& b) {
  return (b.sources.empty() ? std::string() : b.sources[0].url) +
         (b.submitter.empty() ? "" : "#submitter=" + b.submitter);
}

// speed_model.cpp: bytes and FLOPs per token of this plan, per device.
struct SpeedContext {
  SpeedFeatures f;
  double ceiling_x0 = 0;  // decode x at depth 0 (bandwidth ceiling = 1 / x)
  double kv_x_per_depth = 0;
  double weights_x = 0;
  double host_x = 0;        // the part of decode x read from system RAM (CPU layers, experts)
  double host_bw_gb_s = 0;  // the system RAM bandwidth that part assumes
  const HardwareEntry* host_bw_rated_by = nullptr;  // the named CPU whose rated figure it is
  double host_matmul_bytes = 0;  // weights in system RAM that prefill's matmuls use (all experts)
  double host_active_bytes = 0;  // of those, what one token reads (active experts only)
  double pcie_gb_s = 0;          // host link of the GPU that runs offloaded prefill ops
  bool pcie_assumed = false;
  bool prefill_known = false;
  std::vector<std::string> notes;
};
// speed_rates.cpp: the host CPU's share of decode's per-layer cost (SpeedFeatures::host_scale),
// with the note that says it.
void set_host_scale(const Inputs& in, SpeedContext& sc);
// The system RAM bandwidth layers and experts held there are read at: the user's
// ram_bandwidth_gb_s, else the named CPU's rated figure (SpeedContext::host_bw_rated_by), else
// kDefaultRamBandwidthGBs. On a Mac or an APU (`unified`) the pool is the GPU's memory: the
// machine's own figure comes first.
double host_ram_bandwidth(const Inputs& in, bool unified, const HardwareEntry* h, SpeedContext& sc);
// The assumption that says which of those `what` (layers on the CPU, routed experts, a CPU-only
// machine's weights) was read at, `gb_s`; `rated`: the CPU whose rated figure it is, if so.
std::string host_ram_note(const Inputs& in, const std::string& what, double gb_s,
                          const HardwareEntry* rated);
// A catalog name without the " (CPU only)" its CPU entries carry.
std::string plain_name(const HardwareEntry& h);
// speed_rates.cpp: the rates a device and a batch run at.
// One step of K sequences over one single-sequence step (llama.cpp batched-bench table), and
// where that table is published.
double batched_step_ratio(double k);
extern const char* const kBatchedBenchSource;
// Weights of 8 bits or more (F32/F16/BF16/Q8_0): their own fit group.
bool high_precision(const Inputs& in);
// Weights llama.cpp's CUDA backend multiplies with its quantized kernels (MMQ).
bool quantized_weights(const Inputs& in);
// Prefill compute figure of one accelerator (FP16 TFLOPS on the GeForce scale; Apple: GPU cores);
// `mmq`: quantized weights on CUDA; `fallback` set when taken from the FP32 rate.
bool legacy_quant(const Inputs& in);
std::optional<double> compute_figure(const HardwareEntry* h, bool mmq, bool cublas_f16,
                                     bool& fallback);
// A named processor's prefill peak (speed_rates.cpp): the physical cores `threads` occupy (0 =
// llama.cpp's default, every physical core) x base clock x FP32 FLOPs per cycle.
struct CpuPeak {
  uint32_t cores = 0, threads = 0, used = 0;
  double fp32_tflops = 0, tflops = 0;  // FP32 peak; the int8 rate (the compute figure)
};
std::optional<CpuPeak> cpu_peak(const HardwareEntry* h, uint32_t threads);
// The assumption that states a CPU's peak and how it was reached.
std::string cpu_peak_note(const HardwareEntry& h, const CpuPeak& c, uint32_t threads);
// The note an MoE prefill estimate carries: the tokens each expert's matmul gets at `prompt`
// and what SpeedFit::moe_t0 costs it.
std::string moe_prefill_note(const SpeedFeatures& f, const SpeedFit& fit, uint32_t prompt);
// Why an estimate has no prefill figure: the missing compute figure, or no runs to fit.
std::string why_prefill_null(const Inputs& in, const Machine& mc, const SpeedFeatures& f);
// The published runs of exactly this setup (speed_measured.cpp): model, quant, hardware, GPU
// count, backend and `runtime` (a speed group's runtime, "" for llama.cpp's), without row
// `exclude` and the rows `held_out` says. `hardware_id` is the GPU's (or the machine's when it
// has none); `same_gpu` is false for a mix of GPUs, which has no setup runs.
struct SetupRuns {
  std::vector<MeasuredRun> runs;
  std::string hardware_id;
  size_t n_gpu = 0;
  bool same_gpu = true;
};
SetupRuns setup_runs(const Inputs& in, const std::string& runtime, size_t exclude,
                     const std::function<bool(size_t)>& held_out);
// A runtime with kernels of its own (fit name `runtime_fit`: "vllm", "mlx") that has no decode
// run of the request's model, outside the rows held out: the note saying its decode band
// reaches the bandwidth ceiling; "" when it has one (speed_measured.cpp).
// The setup's own published decode runs (out.measured, each with the estimate at its depth) set
// against the figure: the decode band (and each depth's) widened to take them in, up to
// `ceiling_at` a depth; where their median is more than kMeasuredAgreement off, the label is
// `fitted_evidence` instead of "measured" and the note says how far they sit.
void reconcile_setup_runs(SpeedEstimate& out, const std::string& fitted_evidence,
                          const std::function<double(double)>& ceiling_at);
std::string unseen_model_note(const Inputs& in, const std::string& runtime_fit, size_t exclude,
                              const std::function<bool(size_t)>& held_out);
// Payload GB/s of a PCIe link (gen/lanes assumed, and said, when unknown).
double pcie_gb_s(std::optional<double> gen, std::optional<double> lanes, bool& assumed);
// The PCIe link of the first GPU: the card's own, and the slower one the request names
// (Inputs::pcie_gen / pcie_lanes; a card never links faster than its own interface).
struct GpuLink {
  double own_gb_s = 0, gb_s = 0;  // payload GB/s of the card's own link and of the one in use
  bool own_assumed = false;       // the card's gen or lanes not in the catalog
};
GpuLink gpu_link(const Inputs& in, const Machine& mc);
// A GPU link slower than the card's own (an eGPU, a riser): what crosses it per token beyond
// what the calibration's runs, on their cards' own links, paid (speed_rates.cpp).
struct LinkCost {
  double decode_s = 0, prefill_s = 0;  // seconds per decoded / per prompt token
  std::string note;                    // "" when the request keeps the cards' own links
};
LinkCost link_cost(const Inputs& in, const Machine& mc, const SpeedFeatures& f);
SpeedContext speed_context(const Inputs& in, const Machine& mc, const Plan& p);
// The notes that say which GPUs of the machine are issue-bound at `beta` (speed_rates.cpp).
void issue_bound_notes(double beta, const Machine& mc, std::vector<std::string>& assumptions);
// Decode without flash attention on llama.cpp's kernels: how many more times each KV row is
// fetched, query heads / KV heads - 1 (speed.h, decode_per_depth_refetch_s); 0 otherwise.
double kv_refetches(const Inputs& in);
// Metal without flash attention in llama.cpp's kernels: seconds per cache token at 1 ns of one
// GPU core per (layer, query head) score (SpeedFeatures::decode_per_depth_score_s); else 0.
double metal_score_s(const Inputs& in);
// A decode's depth terms: one read of the cache (`kv_x` seconds per cache token at rated
// bandwidth), Metal's per-score cost and the repeated reads without flash attention.
void set_depth_terms(const Inputs& in, double kv_x, SpeedFeatures& f);
// The estimate's note on Metal's per-score attention cost (SpeedFit::score_ns) at the request's
// depth; "" where the cost does not apply.
std::string score_note(const SpeedFeatures& f, const SpeedFit& fit, const Inputs& in);
// The speed answer (decode, prefill, TTFT, aggregate, bands, evidence) for this plan.
SpeedEstimate speed_estimate(const Inputs& in, const Machine& mc, const Plan& p,
                             std::vector<std::string>& assumptions);

// speed_calibration.cpp: the shipped benchmarks as features, fits, bands.
struct Calibration {
  std::vector<SpeedSample> samples;
};
const Calibration& calibration();
// x: the weights and KV read per token with the issue bound (SpeedFeatures::weights_x).
double decode_time(const SpeedFit& fit, double x, double hops, const SpeedFeatures& f);
// Measured / predicted over a group's calibration rows, each predicted without itself:
// `known_pair` - only the row left out (its model's other runs on its hardware stay: a new run of
//   a measured model-hardware pair); `known` - its whole model left out of the fit and of the
//   hardware factor (a model never measured, on measured hardware); `unknown` - its whole
//   hardware left out (a card never measured).
struct GroupRatios {
  std::vector<std::pair<size_t, double>> known_pair, known, unknown;
};
// `outside`: a group held out of everything (accuracy scoring under group holdout): its rows are
// neither calibration residuals nor in the fits that make them.
const GroupRatios& group_ratios(const std::string& group, bool decode, const Holdout& outside = {});
// Measured / predicted for the runs of runtimes with their own fit groups (vLLM, MLX, Ollama,
// ...) when predicted from llama.cpp's group for their backend and precision, each without its
// model and publication: how far a borrowed fit errs, for the band of an estimate that borrows one
// or whose own group is thin.
const std::vector<std::pair<size_t, double>>& borrowed_ratios(bool decode,
                                                              const Holdout& outside = {});
// Forgets the memoised ratios (reset_engine_state). References handed out before stay valid
// only until then: callers hold them for one estimate.
void clear_ratio_memo();
struct GroupBand {
  double low = 1, high = 1;
  // The strata whose own residuals widened the band (e.g. "MoE models"), and whether the pool
  // was thinner than kMinBandRows (then the band is widened and says so).
  std::vector<std::string> widened_by;
  size_t rows = 0;
};
// A subset of a group's calibration rows that errs differently from the rest (MoE models,
// several GPUs, a vendor within a backend): the request belongs to it, `member(row)` says
// whether a calibration row does.
struct BandStratum {
  std::string name;
  std::function<bool(size_t)> member;
};
// What an accuracy request (Inputs::leave_out) keeps out of the speed fit, the hardware factor,
// the measured list and the band: the measurement itself (`exclude`: the index of the benchmark
// row matching every identifying field, or SIZE_MAX) and the whole group of its scope
// (`holdout`: every row of that hardware, model, source or GPU count).
struct LeftOut {
  size_t exclude = SIZE_MAX;
  Holdout holdout;
  bool row_held_out(size_t benchmark_row) const;
};
LeftOut left_out_rows(const Inputs& in);

// The band from a group's held-out ratios, without row `exclude` and any row `held_out` says:
// the kBandLowQuantile-kBandHighQuantile range of the whole pool, joined with that of each
// stratum the request is in that has at least kMinStratumRows rows (Mondrian conformal: the
// coverage holds within each stratum, not only on average over the group).
GroupBand band_of(const std::vector<std::pair<size_t, double>>& ratios, size_t exclude,
                  const std::function<bool(size_t)>& held_out = nullptr,
                  const std::vector<BandStratum>& strata = {});
// The strata of a request: calibration runs of MoE (or dense) models, on several GPUs (or one
// device), on this hardware family (hardware_family; none when empty).
std::vector<BandStratum> band_strata(bool moe, bool multi, const std::string& family);
// A band for a runtime other than llama.cpp (`runtime`, SpeedFeatures::runtime) whose fit is
// borrowed, or whose own group (`used_group`) has fewer than kMinBandRows held-out runs: joined
// with how far llama.cpp's fit errs on other runtimes' runs (borrowed_ratios), this runtime's
// own runs a stratum of them. Unchanged for llama.cpp.
GroupBand join_borrowed_band(GroupBand b, bool decode, const std::string& used_group,
                             const std::string& runtime, const std::string& runtime_label,
                             std::vector<BandStratum> strata, size_t exclude,
                             const std::function<bool(size_t)>& held_out, const Holdout& holdout);
// What the band rests on, for the estimate's assumptions: the strata that widened it, and a
// warning when it has fewer than kMinBandRows held-out runs.
void band_notes(const char* what, const GroupBand& b, std::vector<std::string>& assumptions);

// The largest context (tokens per sequence) for which `pred(plan)` holds, or 0.
template <typename Pred>
uint32_t search_context(const Inputs& in, const WeightPlan& w, const Machine& mc, Pred pred) {
  PlanOptions o = in.plan;
  auto ok = [&](uint32_t ctx) {
    o.kv.n_ctx = ctx;
    return pred(make_plan(in.model->arch, w, mc, o));
  };
  const uint32_t max_ctx = in.model->arch.context_length;
  const uint32_t lo_start = std::min(kMinUsefulContext, max_ctx);
  if (!ok(lo_start)) return 0;
  uint32_t lo = lo_start, hi = max_ctx;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo + 1) / 2;
    if (ok(mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

inline bool is_comfortable(const Plan& p) { return p.verdict == Verdict::kComfortable; }
inline bool runs(const Plan& p) { return p.fits; }

// speculative.cpp: the request's speculative fields, checked against the target (`in` holds the
// model and runtime already); the draft's memory on the first GPU (weights, its KV cache at
// the target's context, its compute buffer); the speculative speed beside the plain one.
std::optional<Error> read_speculative(const EstimateRequest& q, Inputs& in);
// vision.cpp: the vision fields against the model and runtime; the tower's cost on this machine.
std::optional<Error> read_vision(const EstimateRequest& q, Inputs& in);
VisionCost vision_cost(const Inputs& in, const Machine& mc);
uint64_t draft_bytes(const Inputs& in);
// MTP: the nextn blocks' weights and their own KV cache (an estimate; see speculative.cpp).
uint64_t mtp_bytes(const Inputs& in, const WeightPlan& w);
std::optional<SpeculativeSpeed> speculative_speed(const Inputs& in, const SpeedEstimate& speed,
                                                  std::vector<std::string>& assumptions);

// advice.cpp: largest context, best quant, suggestions ranked by benefit, smallest hardware.
void add_advice(const Inputs& in, const Machine& mc, const Plan& plan, const WeightPlan& w,
                Estimate& out);

}  // namespace runcheck::engine
